"""HR's cycle dashboard: where the cycle stands in its phase, completion by reviewer type,
by department and by manager (a chart beside each table), and "Nudge everyone late".
Thin: access → ``queries_dashboard`` → render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cadence.home.charts import Segment, stacked_bar
from cadence.reviews import access
from cadence.reviews import queries_dashboard as queries
from cadence.reviews.models import ReviewCycle

NAV = "reviews"


def completion_bar(name: str, counts: queries.Completion, anchor: str) -> SafeString:
    """Submitted / draft / still to write, as the home page's health bars draw them."""
    parts = (
        (counts.submitted, "ok", _("submitted")),
        (counts.draft, "brand", _("in draft")),
        (counts.to_write, "none", _("still to write")),
    )
    return stacked_bar(
        [
            Segment(
                value,
                colour,
                f"#{anchor}",
                _("%(name)s: %(count)s %(state)s")
                % {"name": name, "count": number_format(value, force_grouping=True), "state": word},
            )
            for value, colour, word in parts
        ]
    )


def path_label(name: str) -> SafeString:
    """A department's path that may wrap after each "/" on a narrow screen."""
    return mark_safe(escape(name).replace("/", "/<wbr>"))  # noqa: S308 - escaped first


@require_GET
@login_required
def cycle_dashboard(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.cycle_for_manage(request.user, cycle_id)
    context: dict = {"cycle": cycle, "nav_active": NAV}
    if cycle.phase != ReviewCycle.Phase.DRAFT:
        board = queries.dashboard(cycle)
        page = queries.manager_page(request.user, board, request.GET.get("managers"))
        no_department = _("No department")
        context.update(
            board=board,
            managers=page,
            types=[(row, completion_bar(row.label, row.counts, "by-type")) for row in board.types],
            departments=[
                (
                    row,
                    path_label(row.name or no_department),
                    completion_bar(row.name or no_department, row.counts, "by-department"),
                )
                for row in board.departments
            ],
            manager_rows=[
                (row, completion_bar(row.name, row.counts, "by-manager")) for row in page.rows
            ],
            total_bar=completion_bar(_("All reviews"), board.total, "by-type"),
        )
    return render(request, "reviews/cycles/dashboard.html", context)
