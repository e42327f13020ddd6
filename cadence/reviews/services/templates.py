"""Review cycles: the templates use cases (every write, transactional)."""
