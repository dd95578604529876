"""privauction.screening (see DESIGN.md)."""
