"""KPI pages: the list, one KPI with its trend, the define/edit form, recording a value
(htmx refreshes the series) and the CSV upload (check → confirm). Thin: parse →
access → service/query → render."""

import base64
import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.charts import line_chart_sizes
from cadence.core.http import HtmxHttpRequest
from cadence.kpis import access, importing, queries, services
from cadence.kpis.forms import KpiForm, MeasurementForm, UploadForm, add_service_errors
from cadence.kpis.models import Kpi, KpiMeasurement
from cadence.people import access as people_access
from cadence.people.access import Refused
from cadence.people.models import Person

NAV = "kpis"
UPLOAD_SESSION_KEY = "kpis_upload"
MAX_UPLOAD_BYTES = 2_000_000


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    people_access.require_member(request.user)
    show_inactive = request.GET.get("inactive") == "1"
    return render(
        request,
        "kpis/index.html",
        {
            "groups": queries.kpi_groups(request.user, include_inactive=show_inactive),
            "show_inactive": show_inactive,
            "can_define": access.can_define_any(request.user),
            "can_import": access.can_import(request.user),
            "nav_active": NAV,
        },
    )


@dataclass(frozen=True)
class ValueRow:
    """A recorded value as the series table shows it."""

    measurement: KpiMeasurement
    label: str
    on_target: bool | None


@dataclass(frozen=True)
class SeriesPanel:
    """One series as its panel shows it: the trend, the values newest first and, for
    those who may record, the form."""

    person: Person | None
    latest: KpiMeasurement | None
    on_target: bool | None
    chart: SafeString
    rows: list[ValueRow]
    can_record: bool
    form: MeasurementForm


def _series_context(
    request: HttpRequest,
    kpi: Kpi,
    *,
    person: Person | None = None,
    form: MeasurementForm | None = None,
    error_for: int | None = None,
) -> dict[str, Any]:
    panels = []

    def name(day: datetime.date) -> str:
        return services.period_name(kpi.frequency, day)

    # Tooltips and the chart's description name each value's period; the axis too, but
    # for weeks, whose names are too long for it and whose Mondays read well as dates.
    axis = None if kpi.frequency == Kpi.Frequency.WEEKLY else name
    for s in queries.series_for(request.user, kpi, person=person):
        # Drawn at each size, the card's width picking one: it fills the card and its
        # labels stay legible from a phone to a wide screen, like a check-in chart.
        chart = line_chart_sizes(
            s.points,
            target=float(kpi.target),
            y_label=kpi.unit,
            title=s.person.full_name if s.person else "",
            date_text=name,
            axis_text=axis,
        )
        key = s.person.pk if s.person else None
        panels.append(
            SeriesPanel(
                person=s.person,
                latest=s.latest,
                on_target=s.on_target,
                # line_chart_sizes escapes every text it is given and returns markup of its
                # own making.
                chart=mark_safe(chart),  # noqa: S308
                rows=[
                    ValueRow(
                        m,
                        name(m.period_start),
                        queries.on_target(kpi, m.value),
                    )
                    for m in reversed(s.measurements)
                ],
                can_record=access.can_record(request.user, kpi, s.person),
                form=form if form is not None and error_for == key else _form(),
            )
        )
    return {"kpi": kpi, "series": panels}


def _form(data: Any = None) -> MeasurementForm:
    # Labels wrap the fields, so no ids: a role KPI's page has a form per holder, and
    # htmx would otherwise carry attributes over from the old fields to the new ones.
    return MeasurementForm(data, auto_id=False)


def _selected_holder(
    request: HttpRequest, kpi: Kpi, holders: list[queries.HolderRow]
) -> Person | None:
    """?person=, else me when I hold the role, else the first holder."""
    wanted = request.GET.get("person", "")
    if wanted:
        return access.series_person_for_read(request.user, kpi, wanted)
    me = people_access.acting_person(request.user)
    if me is not None and access.holds_role(me, kpi):
        return me
    return holders[0].person if holders else None


@require_GET
@login_required
def kpi_detail(request: HttpRequest, kpi_id: int) -> HttpResponse:
    kpi = access.kpi_for_read(request.user, kpi_id)
    if kpi.scope == Kpi.Scope.ROLE:
        # One series at a time, chosen in the holders' table: a role can have thousands.
        holders, holder_count = queries.role_holders(request.user, kpi)
        selected = _selected_holder(request, kpi, holders)
        context = (
            _series_context(request, kpi, person=selected)
            if selected
            else {"kpi": kpi, "series": []}
        )
        context.update(
            holders=holders,
            holder_count=holder_count,
            selected=selected,
            holder_limit=queries.SERIES_LIMIT,
        )
    else:
        context = _series_context(request, kpi)
    context.update(
        {
            "scope": services.describe_scope(kpi),
            "can_edit": access.can_edit_kpi(request.user, kpi),
            "nav_active": NAV,
        }
    )
    return render(request, "kpis/kpi_detail.html", context)


@require_POST
@login_required
def record(request: HtmxHttpRequest, kpi_id: int) -> HttpResponse:
    """Record a value. With htmx: the refreshed series (chart, table, form); without:
    back to the KPI page."""
    kpi = access.kpi_for_record(request.user, kpi_id)
    form = _form(request.POST)
    person = None
    if form.is_valid():
        person_id = form.cleaned_data["person"]
        if person_id:
            person = access.series_person_for_read(request.user, kpi, person_id)
        if kpi.scope == Kpi.Scope.ROLE and person is None:
            # The page always names the holder; only a hand-made request lacks it.
            return HttpResponse(_("Say whose value this is."), status=400)
        if not access.can_record(request.user, kpi, person):
            raise Refused(_("You may not record values of this KPI for this person."))
        try:
            _m, outcome = services.measurement_record(
                actor=request.user,
                kpi=kpi,
                value=form.cleaned_data["value"],
                period_start=form.cleaned_data["period"],
                person=person,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    saved = form.is_bound and not form.errors
    if not request.htmx:
        if saved:
            messages.success(request, _("Value saved."))
        else:
            messages.error(request, " ".join(str(m) for e in form.errors.values() for m in e))
        return redirect("kpis:kpi", kpi_id=kpi.pk)
    context = _series_context(
        request,
        kpi,
        person=person if kpi.scope == Kpi.Scope.ROLE else None,
        form=None if saved else form,
        error_for=person.pk if person else None,
    )
    context["saved"] = saved
    return render(
        request,
        "kpis/_series.html#series",
        {**context, "s": context["series"][0]},
        status=200 if saved else 422,
    )


def _kpi_from_form(request: HttpRequest, form: KpiForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["code"] = data.get("code") or None
    return data


@require_http_methods(["GET", "POST"])
@login_required
def kpi_create(request: HttpRequest) -> HttpResponse:
    people_access.require_member(request.user)
    if not access.can_define_any(request.user):
        raise Refused(_("Only HR admins and managers can define KPIs."))
    form = KpiForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = _kpi_from_form(request, form)
        if not access.can_define(
            request.user, scope=data["scope"], department=data["department"], person=data["person"]
        ):
            form.add_error(
                None,
                _(
                    "You may define KPIs for people in your line and for departments whose people "
                    "all report to you; role KPIs are for HR admins."
                ),
            )
        else:
            try:
                kpi = services.kpi_define(actor=request.user, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("KPI defined."))
                return redirect("kpis:kpi", kpi_id=kpi.pk)
    return render(
        request,
        "kpis/kpi_form.html",
        {"form": form, "nav_active": NAV},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def kpi_edit(request: HttpRequest, kpi_id: int) -> HttpResponse:
    kpi = access.kpi_for_edit(request.user, kpi_id)
    form = KpiForm(request.POST or None, initial=KpiForm.initial_for(kpi), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = _kpi_from_form(request, form)
        data["code"] = data["code"] or kpi.code
        if not access.can_define(
            request.user, scope=data["scope"], department=data["department"], person=data["person"]
        ):
            form.add_error("scope", _("You may not define a KPI for this scope."))
        else:
            try:
                services.kpi_update(actor=request.user, kpi=kpi, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("KPI saved."))
                return redirect("kpis:kpi", kpi_id=kpi.pk)
    return render(
        request,
        "kpis/kpi_form.html",
        {"form": form, "kpi": kpi, "nav_active": NAV},
        status=422 if form.errors else 200,
    )


@require_POST
@login_required
@transaction.atomic
def kpi_active(request: HttpRequest, kpi_id: int) -> HttpResponse:
    kpi = access.kpi_for_edit(request.user, kpi_id)
    if request.POST.get("active") == "1":
        services.kpi_reactivate(actor=request.user, kpi=kpi)
        messages.success(request, _("KPI reactivated."))
    else:
        services.kpi_deactivate(actor=request.user, kpi=kpi)
        messages.success(request, _("KPI deactivated: its values stay, new ones are refused."))
    return redirect("kpis:kpi", kpi_id=kpi.pk)


# --- import -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Check an uploaded file: every error, or what it would change. Nothing is written
    until the user confirms (the file waits in their session)."""
    access.require_importer(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "nav_active": NAV}
    if request.method == "GET":
        return render(request, "kpis/import.html", context)
    if not form.is_valid():
        return render(request, "kpis/import.html", context, status=422)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        form.add_error("file", _("The file is larger than 2 MB."))
        return render(request, "kpis/import.html", context, status=422)
    data = upload.read()
    try:
        summary = importing.measurements_check(actor=request.user, data=data, file_name=upload.name)
    except importing.MeasurementImportErrors as errors:
        context.update(
            errors=errors.errors, error_summary=errors.messages[0], file_name=upload.name
        )
        return render(request, "kpis/import.html", context, status=422)
    request.session[UPLOAD_SESSION_KEY] = {
        "file_name": upload.name,
        "data": base64.b64encode(data).decode("ascii"),
    }
    context.update(summary=summary, file_name=upload.name)
    return render(request, "kpis/import.html", context)


@require_POST
@login_required
def import_confirm(request: HttpRequest) -> HttpResponse:
    access.require_importer(request.user)
    pending = request.session.get(UPLOAD_SESSION_KEY)
    if not pending:
        messages.error(request, _("Upload the file again: the preview has expired."))
        return redirect("kpis:import")
    try:
        summary = importing.measurements_import(
            actor=request.user,
            data=base64.b64decode(pending["data"]),
            file_name=pending["file_name"],
        )
    except importing.MeasurementImportErrors as errors:
        # Something changed since the check (a KPI deactivated, a person moved).
        messages.error(request, f"{errors.messages[0]} " + "; ".join(map(str, errors.errors)))
        return redirect("kpis:import")
    del request.session[UPLOAD_SESSION_KEY]
    messages.success(
        request,
        _("Imported: %(c)d new value(s), %(r)d replaced, %(u)d unchanged.")
        % {"c": summary.created, "r": summary.replaced, "u": summary.unchanged},
    )
    return redirect("kpis:index")
