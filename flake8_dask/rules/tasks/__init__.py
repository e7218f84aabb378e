"""Task-context rules: code that runs inside a task (catalog section 1)."""
