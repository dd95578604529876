"""privauction.scenarios (see DESIGN.md)."""
