"""privauction.estimators (see DESIGN.md)."""
