"""How long free text may be, wherever it is typed: the models' ``TextField``s (and so
their ModelForms), the pages' hand-built forms and the API's schemas all read these
numbers, so a page and the API never disagree about what fits.

A ``TextField``'s ``max_length`` bounds its form field only; the column stays
unbounded, so changing a number here needs no data migration.
"""

LONG_TEXT = 10_000
"""Descriptions, a role's expectations, development actions, expected behaviour."""

COMMENT = 2_000
"""A check-in's or a signature's comment."""

SEARCH = 100
"""Words typed into a search box."""
