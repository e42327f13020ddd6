"""One module per workload: ``NAME: str`` and ``run(args) -> list[dict]``."""
