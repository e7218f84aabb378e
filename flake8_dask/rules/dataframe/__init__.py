"""DataFrame partitioning, metadata and shuffling rules (catalog section 4)."""
