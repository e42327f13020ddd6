"""Certification pages: my certificates (and a person's, for their manager chain and
HR), recording one with its document, the access-checked download, HR's types and the
compliance view with its exports. Thin: parse → access → service/query → render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.certifications import access, exports, figures, queries, services
from cadence.certifications.charts import compliance_charts
from cadence.certifications.forms import (
    CertificateForm,
    ComplianceFilterForm,
    TypeForm,
    add_service_errors,
)
from cadence.people import access as people_access
from cadence.people.models import Person

PAGE_SIZE = 50


def _person_page(
    request: HttpRequest, person: Person, form: CertificateForm | None = None
) -> HttpResponse:
    mine = queries.person_certificates(person)
    me = people_access.acting_person(request.user)
    can_record = access.can_record_for(request.user, person)
    return render(
        request,
        "certifications/person.html",
        {
            "person": person,
            "is_me": me is not None and me.pk == person.pk,
            "rows": mine.rows,
            "needed": mine.needed,
            "status_labels": queries.STATUS_LABELS,
            "can_record": can_record,
            "form": form or (CertificateForm(user=request.user) if can_record else None),
            "is_hr_admin": people_access.is_hr_admin(request.user),
            # Certificates are part of a person's development: the tab stays lit.
            "nav_active": "development",
        },
        status=422 if form is not None and form.errors else 200,
    )


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    people_access.require_member(request.user)
    me = people_access.acting_person(request.user)
    if me is None:
        # An HR account without a person record holds no certificates.
        if access.can_view_compliance(request.user):
            return redirect("certifications:compliance")
        raise Http404
    return _person_page(request, me)


@require_GET
@login_required
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_page(request, access.person_for_certificates(request.user, person_id))


@require_POST
@login_required
def record(request: HttpRequest, person_id: int) -> HttpResponse:
    holder = access.person_for_certificates(request.user, person_id)
    if not access.can_record_for(request.user, holder):
        raise access.Refused(_("Only the holder and HR admins can record certificates."))
    form = CertificateForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            services.certificate_record(
                actor=request.user,
                person=holder,
                type_=form.cleaned_data["type"],
                issued_on=form.cleaned_data["issued_on"],
                expires_on=form.cleaned_data["expires_on"],
                number=form.cleaned_data["number"],
                document=upload.file if upload else None,
                document_name=upload.name if upload else "",
                document_size=upload.size if upload else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Certificate recorded."))
            return redirect(_page_of(request, holder))
    return _person_page(request, holder, form)


def _page_of(request: HttpRequest, holder: Person) -> str:
    from django.urls import reverse

    me = people_access.acting_person(request.user)
    if me is not None and me.pk == holder.pk:
        return reverse("certifications:mine")
    return reverse("certifications:person", args=[holder.pk])


@require_POST
@login_required
@transaction.atomic
def delete(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = access.certificate_for_edit(request.user, certificate_id)
    holder = certificate.person
    services.certificate_delete(actor=request.user, certificate=certificate)
    messages.success(request, _("Certificate removed."))
    return redirect(_page_of(request, holder))


@require_POST
@login_required
def replace_document(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """A new file for a certificate's document (the holder, HR admins). A file that
    fails the checks is refused with the checks' own sentence; the old one stays."""
    certificate = access.certificate_for_edit(request.user, certificate_id)
    upload = request.FILES.get("document")
    if upload is None or upload.file is None:
        messages.error(request, _("Choose the file to upload."))
        return redirect(_page_of(request, certificate.person))
    try:
        services.certificate_document_replace(
            actor=request.user,
            certificate=certificate,
            document=upload.file,
            document_name=upload.name or "",
            document_size=upload.size,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Document replaced."))
    return redirect(_page_of(request, certificate.person))


@require_GET
@login_required
def document(request: HttpRequest, certificate_id: int) -> HttpResponseBase:
    """The document, to whoever may read the certificate — never a public media URL.
    Sent as an attachment with its checked type, never sniffed or run by the browser."""
    certificate = access.certificate_for_read(request.user, certificate_id)
    stored = certificate.document.name
    if not stored:
        raise Http404
    try:
        handle = certificate.document.storage.open(stored, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=certificate.document_name or stored.rsplit("/", 1)[-1],
        content_type=certificate.document_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- types (HR) ---------------------------------------------------------------------------


@require_GET
@login_required
def types(request: HttpRequest) -> HttpResponse:
    people_access.require_member(request.user)
    listed = list(
        access.types_visible_to(request.user)
        .prefetch_related("required_departments")
        .order_by("-active", "name")
    )
    return render(
        request,
        "certifications/types.html",
        {
            "types": [(t, queries.describe_requirement(t)) for t in listed],
            "can_manage": access.can_manage_types(request.user),
            "nav_active": "certifications",
        },
    )


def _type_form_page(request: HttpRequest, form: TypeForm, type_: Any = None) -> HttpResponse:
    return render(
        request,
        "certifications/type_form.html",
        {"form": form, "type": type_, "nav_active": "certifications"},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def type_create(request: HttpRequest) -> HttpResponse:
    access.require_type_manager(request.user)
    form = TypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.type_define(actor=request.user, data=form.data_for_service())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Certification type saved."))
            return redirect("certifications:types")
    return _type_form_page(request, form)


@require_http_methods(["GET", "POST"])
@login_required
@transaction.atomic
def type_edit(request: HttpRequest, type_id: int) -> HttpResponse:
    type_ = access.type_for_edit(request.user, type_id)
    form = TypeForm(request.POST or None, initial=TypeForm.initial_for(type_))
    if request.method == "POST" and form.is_valid():
        try:
            services.type_update(actor=request.user, type_=type_, data=form.data_for_service())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Certification type saved."))
            return redirect("certifications:types")
    return _type_form_page(request, form, type_)


# --- compliance (HR) ----------------------------------------------------------------------


@require_GET
@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    access.require_compliance_reader(request.user)
    form = ComplianceFilterForm(request.GET or None, user=request.user)
    where = form.filter()
    day = queries.today()
    summary = figures.summary(where, day=day)
    paginator = figures.KeptCountPaginator(
        queries.compliance_rows(where, day=day), PAGE_SIZE, count=summary.total.total
    )
    page = paginator.get_page(request.GET.get("page"))
    names = queries.type_names()
    rows = [exports.shape(row, names, day) for row in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "certifications/compliance.html",
        {
            "form": form,
            "summary": summary,
            "charts": compliance_charts(summary),
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "soon_days": queries.SOON_DAYS,
            "nav_active": "certifications",
        },
    )


@require_GET
@login_required
def compliance_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    access.require_compliance_reader(request.user)
    where = ComplianceFilterForm(request.GET or None, user=request.user).filter()
    if fmt == "csv":
        return exports.csv_response(where)
    if fmt == "xlsx":
        return exports.xlsx_response(where)
    raise Http404
