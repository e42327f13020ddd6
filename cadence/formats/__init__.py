"""Cadence's own date formats, ahead of Django's locale files (``FORMAT_MODULE_PATH``).

Django's English locale writes "Dec. 1, 2026" and its short form "12/01/2026": two
formats on one page and an order that reads differently on each side of the Atlantic.
Every page uses these instead: "1 Dec 2026" and "1 Dec 2026, 14:05".
"""
