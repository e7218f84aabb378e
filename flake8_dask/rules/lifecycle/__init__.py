"""Distributed client lifecycle rules (catalog section 6)."""
