"""Review cycles: the writing use cases (every write, transactional)."""
