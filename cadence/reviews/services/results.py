"""Review cycles: the results use cases (every write, transactional)."""
