"""Serialization and closure rules: what gets pickled into the graph (DSK201-DSK207)."""
