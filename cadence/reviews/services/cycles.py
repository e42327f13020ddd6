"""Review cycles: the cycles use cases (every write, transactional)."""
