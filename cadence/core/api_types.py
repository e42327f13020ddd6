"""Bounded input types for the API's schemas, so that the published OpenAPI document
states every limit and bad input is a 422 naming the field, never a 500.

Each bound protects against a failure seen with a schema-driven fuzzer: a number too
large for a ``DecimalField`` raised ``decimal.InvalidOperation``, an id beyond 64 bits
overflowed the database driver, a NUL character is refused by PostgreSQL, and a date in
year 1 or 9999 overflows date arithmetic. Text limits match the model fields (for
``TextField``, the numbers of ``cadence.core.limits``, which the pages' forms share).
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field

# Free text without a column limit (descriptions, expectations, actions, comments): the
# numbers the models' fields and the pages' forms use too, re-exported for the schemas.
from cadence.core.limits import COMMENT as COMMENT
from cadence.core.limits import LONG_TEXT as LONG_TEXT
from cadence.core.limits import SEARCH as SEARCH

# The largest id PostgreSQL's bigint and SQLite's INTEGER hold.
MAX_ID = 2**63 - 1


def refuse_nul(value: str) -> str:
    # PostgreSQL cannot store U+0000 in text and answers with an error, not a refusal.
    if "\x00" in value:
        raise ValueError(_("Text may not contain the NUL character."))
    return value


Text = Annotated[str, AfterValidator(refuse_nul)]
"""Any text input; give its ``max_length`` with ``Field``/``Query``."""

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A database id in a path, a query or a body."""

Day = Annotated[datetime.date, Field(ge=datetime.date(1900, 1, 1), le=datetime.date(2199, 12, 31))]
"""A calendar day between 1900 and 2199."""

Amount = Annotated[
    Decimal,
    Field(ge=Decimal("-99999999999999"), le=Decimal("99999999999999"), allow_inf_nan=False),
]
"""A value of a key result or KPI: ``DecimalField(max_digits=18, decimal_places=4)``, so
at most 14 digits before the point. (SQLite keeps 15 significant digits: a value just
below 10**14 with decimals would read back as 10**14 and no longer fit the column.)"""

Weight = Annotated[Decimal, Field(gt=0, lt=Decimal("100000"), allow_inf_nan=False)]
"""A goal's weight: ``DecimalField(max_digits=7, decimal_places=2)``, above zero."""
