"""Review cycles: the nominations use cases (every write, transactional)."""
