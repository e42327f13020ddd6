"""Every write of review cycles, one module per part of the cycle (templates, cycles and
launch, nominations, writing, results and release)."""
