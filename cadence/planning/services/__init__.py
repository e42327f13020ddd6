"""Every write to periods, the competency framework and performance plans.

One function per use case, keyword-only, the acting user passed in as ``actor`` (an
``Actor``, or None for the system: commands, the demo, test data). Each runs in a
transaction and writes its audit row. Invariants kept here:

* A closed period never changes again: nothing below writes to its plans (the access
  layer refuses first; the services check again so that a caller such as the goals
  hook cannot bypass it).
* A framework used by a closed period is history: editing it writes a new version.
* A plan is agreed only with both signatures; any change to an agreed plan reopens it
  (back to proposed, signatures cleared, revision + 1) and says what changed.

The functions live in ``periods``, ``framework`` (with the competencies import) and
``plans`` (with development items and sign-off); callers import this package
(``from cadence.planning import services``) and never a module inside it, so a function
can move between them without touching a caller (docs/planning.md).
"""

from cadence.planning.services.framework import (
    IMPORT_COLUMNS,
    CompetencyImportErrors,
    CompetencyImportSummary,
    FrameworkCopy,
    competencies_check,
    competencies_import,
    competency_create,
    competency_delete,
    competency_update,
    expectation_set,
    framework_copy_for_period,
    framework_create,
    framework_is_frozen,
    group_create,
    group_delete,
    group_update,
)
from cadence.planning.services.periods import period_activate, period_close, period_create
from cadence.planning.services.plans import (
    development_item_add,
    development_item_remove,
    development_item_update,
    on_plan_agreed,
    plan_open,
    plan_propose,
    plan_record_change,
    plan_sign,
    plan_update,
    previous_plan,
)

__all__ = [
    "IMPORT_COLUMNS",
    "CompetencyImportErrors",
    "CompetencyImportSummary",
    "FrameworkCopy",
    "competencies_check",
    "competencies_import",
    "competency_create",
    "competency_delete",
    "competency_update",
    "development_item_add",
    "development_item_remove",
    "development_item_update",
    "expectation_set",
    "framework_copy_for_period",
    "framework_create",
    "framework_is_frozen",
    "group_create",
    "group_delete",
    "group_update",
    "on_plan_agreed",
    "period_activate",
    "period_close",
    "period_create",
    "plan_open",
    "plan_propose",
    "plan_record_change",
    "plan_sign",
    "plan_update",
    "previous_plan",
]
