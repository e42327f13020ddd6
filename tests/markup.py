"""Helpers for asserting on rendered pages.

A bare ``"L3" in html`` is flaky: CSRF tokens and nonces are random alphanumerics that
sometimes contain a short value. ``shows`` only counts whole tokens.
"""

import re


def shows(html: str, value: str) -> bool:
    """Whether ``value`` appears in ``html`` not embedded in a longer alphanumeric run."""
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])", html) is not None
