from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cadence.core import queries as core_queries
from cadence.core.forms import AuditFilterForm
from cadence.people import access, queries

AUDIT_PAGE_SIZE = 50


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    access.require_audit_reader(request.user)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    subject = None
    if filters.get("person"):
        subject = access.audit_subject_for_read(request.user, filters["person"])
    events = core_queries.audit_events(
        area=filters.get("area") or "",
        q=filters.get("q") or "",
        person=subject,
    )
    page = queries.paginate(events, request.GET.get("page"), AUDIT_PAGE_SIZE)
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "page": page,
            "subject": subject,
            "nav_active": "",
        },
    )
