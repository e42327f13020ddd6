"""Cadence: open-source, self-hosted continuous performance management."""

__version__ = "0.1.0"
