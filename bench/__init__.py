"""Cadence's benchmark suite: ``python -m bench [NAME ...]`` (``make bench``).

Speed and memory goals live here, not in the test suite. See bench/README.md.
"""
