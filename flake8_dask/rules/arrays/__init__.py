"""Array and chunk rules (catalog section 5)."""
