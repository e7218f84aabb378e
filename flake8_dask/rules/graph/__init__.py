"""Graph building and results: graphs rebuilt, recomputed or bloated; results eager or lost."""
