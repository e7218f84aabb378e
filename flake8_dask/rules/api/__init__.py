"""API misuse: calls that raise, silently compute, or silently deduplicate (DSK701-DSK705)."""
