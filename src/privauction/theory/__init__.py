"""privauction.theory (see DESIGN.md)."""
