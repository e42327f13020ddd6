"""Certification types, certificates (recorded with a multipart upload) and HR's
compliance rows over the API, with the same rules as the pages
(``cadence.certifications.access``) and the same writes (``services``)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from cadence.certifications import access, documents, exports, queries, services, views
from cadence.certifications.models import Certificate, CertificationType
from cadence.core.api_types import Day, Id, Text
from cadence.core.pagination import KeysetPagination, decode, encode
from cadence.people import access as people_access
from cadence.people.models import Person

router = Router(tags=["certifications"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


# --- types ------------------------------------------------------------------------------


class CertificationTypeOut(Schema):
    id: int
    name: str
    issuer: str
    validity_months: int | None = Field(description="None: a certificate never expires.")
    reminder_days: list[int] = Field(description="Days before expiry the holder is reminded.")
    required_everyone: bool
    required_department_ids: list[int] = Field(
        description="Required in these departments and every department below them."
    )
    required_locations: list[str]
    required_job_titles: list[str]
    required_levels: list[str]
    active: bool

    @staticmethod
    def resolve_required_department_ids(obj: CertificationType) -> list[int]:
        return sorted(d.pk for d in obj.required_departments.all())


Words = list[Text]


class CertificationTypeIn(Schema):
    name: Text = Field(min_length=1, max_length=200)
    issuer: Text = Field("", max_length=200)
    validity_months: int | None = Field(None, ge=1, le=services.MAX_VALIDITY_MONTHS)
    reminder_days: list[int] = Field(
        default_factory=lambda: [90, 30, 7], max_length=6, description="Each 1 to 366."
    )
    required_everyone: bool = False
    required_department_ids: list[Id] = Field(default_factory=list, max_length=500)
    required_locations: Words = Field(default_factory=list, max_length=100)
    required_job_titles: Words = Field(default_factory=list, max_length=100)
    required_levels: Words = Field(default_factory=list, max_length=100)
    active: bool = True

    def data(self) -> services.TypeData:
        ids = set(self.required_department_ids)
        departments = access.departments_for_rules(ids)
        if len(departments) != len(ids):
            raise ValidationError(
                {"required_department_ids": _("no department has one of these ids.")}
            )
        return services.TypeData(
            name=self.name,
            issuer=self.issuer,
            validity_months=self.validity_months,
            reminder_days=self.reminder_days,
            required_everyone=self.required_everyone,
            required_departments=departments,
            required_locations=self.required_locations,
            required_job_titles=self.required_job_titles,
            required_levels=self.required_levels,
            active=self.active,
        )


@router.get(
    "/certification-types",
    response=list[CertificationTypeOut],
    summary="Certification types (HR admins also see those no longer in use)",
)
@paginate(KeysetPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_types(request: HttpRequest) -> QuerySet[CertificationType]:
    people_access.require_member(request.user)
    return (
        access.types_visible_to(request.user)
        .prefetch_related("required_departments")
        .order_by("name", "id")
    )


@router.get(
    "/certification-types/{type_id}",
    response=CertificationTypeOut,
    summary="One certification type",
)
def get_type(request: HttpRequest, type_id: Id) -> CertificationType:
    return access.type_for_read(request.user, type_id)


@router.post(
    "/certification-types",
    response={201: CertificationTypeOut},
    summary="Define a certification type (HR admins)",
)
def create_type(request: HttpRequest, payload: CertificationTypeIn) -> Status:
    access.require_type_manager(request.user)
    return Status(201, services.type_define(actor=request.user, data=payload.data()))


@router.put(
    "/certification-types/{type_id}",
    response=CertificationTypeOut,
    summary="Change a certification type (HR admins)",
)
@transaction.atomic
def update_type(
    request: HttpRequest, type_id: Id, payload: CertificationTypeIn
) -> CertificationType:
    type_ = access.type_for_edit(request.user, type_id)
    return services.type_update(actor=request.user, type_=type_, data=payload.data())


# --- certificates -----------------------------------------------------------------------


class CertificateOut(Schema):
    id: int
    person_id: int
    person_name: str
    type_id: int
    type_name: str
    number: str
    issued_on: datetime.date
    expires_on: datetime.date | None
    status: str = Field(
        description="valid, expiring (within 30 days), expired, or superseded (renewed: "
        "a certificate of the same type expires later)."
    )
    document_name: str | None = Field(description="The uploaded file's name; None without one.")
    document_type: str | None = Field(description="application/pdf, image/png or image/jpeg.")
    document_size: int | None
    document_url: str | None = Field(description="Download it here (the same access rules).")
    created_at: datetime.datetime

    @staticmethod
    def resolve_person_name(obj: Certificate) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_type_name(obj: Certificate) -> str:
        return obj.type.name

    @staticmethod
    def resolve_status(obj: Certificate) -> str:
        if superseded(obj):
            return "superseded"
        day = queries.today()
        if obj.expires_on is None or obj.expires_on > day + datetime.timedelta(
            days=queries.SOON_DAYS
        ):
            return "valid"
        return queries.status_of(obj.expires_on, day)

    @staticmethod
    def resolve_document_name(obj: Certificate) -> str | None:
        return obj.document_name if obj.document else None

    @staticmethod
    def resolve_document_type(obj: Certificate) -> str | None:
        return obj.document_type if obj.document else None

    @staticmethod
    def resolve_document_size(obj: Certificate) -> int | None:
        return obj.document_size if obj.document else None

    @staticmethod
    def resolve_document_url(obj: Certificate) -> str | None:
        return f"/api/v1/certificates/{obj.pk}/document" if obj.document else None


def superseded(obj: Certificate) -> bool:
    if obj.expires_on is None:
        return bool(getattr(obj, "later_never_expiring", False))
    return bool(getattr(obj, "never_expiring_other", False) or getattr(obj, "expires_later", False))


@router.get(
    "/certificates",
    response=list[CertificateOut],
    summary="The certificates of the caller, or of a person they may read",
    description="The holder, their manager chain and HR admins read a person's certificates.",
)
@paginate(KeysetPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_certificates(
    request: HttpRequest,
    person_id: Id | None = Query(None, description="Whose; the caller's own by default."),  # noqa: B008
) -> QuerySet[Certificate]:
    people_access.require_member(request.user)
    if person_id is None:
        me = people_access.acting_person(request.user)
        if me is None:
            raise ValidationError({"person_id": _("say whose certificates to list.")})
        person_id = me.pk
    holder = access.person_for_certificates(request.user, person_id)
    return queries.with_superseded(
        access.certificates_visible_to(request.user).filter(person=holder)
    ).order_by("-issued_on", "-id")


@router.get("/certificates/{certificate_id}", response=CertificateOut, summary="One certificate")
def get_certificate(request: HttpRequest, certificate_id: Id) -> Certificate:
    found = access.certificate_for_read(request.user, certificate_id)
    return queries.with_superseded(
        access.certificates_visible_to(request.user).filter(pk=found.pk)
    ).get()


class CertificateIn(Schema):
    type_id: Id
    person_id: Id | None = Field(None, description="The holder; the caller by default.")
    number: Text = Field("", max_length=100)
    issued_on: Day
    expires_on: Day | None = Field(
        None, description="By default the issue date plus the type's validity."
    )


@router.post(
    "/certificates",
    response={201: CertificateOut},
    summary="Record a certificate, with its document (multipart/form-data)",
    description=(
        "The document (optional) must be a PDF, PNG or JPEG, checked by content, at most "
        "the configured size (10 MB by default). The holder records their own; HR admins "
        "anyone's."
    ),
)
def create_certificate(
    request: HttpRequest,
    payload: Form[CertificateIn],
    document: UploadedFile | None = File(None),  # noqa: B008
) -> Status:
    people_access.require_member(request.user)
    me = people_access.acting_person(request.user)
    holder_id = payload.person_id or (me.pk if me is not None else None)
    if holder_id is None:
        raise ValidationError({"person_id": _("say whose certificate this is.")})
    holder = access.person_for_certificates(request.user, holder_id)
    if not access.can_record_for(request.user, holder):
        raise access.Refused(_("Only the holder and HR admins can record certificates."))
    type_ = access.type_for_record(request.user, payload.type_id)
    if type_ is None:
        raise ValidationError({"type_id": _("no certification type in use has this id.")})
    certificate = services.certificate_record(
        actor=request.user,
        person=holder,
        type_=type_,
        issued_on=payload.issued_on,
        expires_on=payload.expires_on,
        number=payload.number,
        document=document.file if document is not None else None,
        document_name=document.name or "" if document is not None else "",
        document_size=document.size if document is not None else None,
    )
    recorded = access.certificates_visible_to(request.user).filter(pk=certificate.pk)
    return Status(201, queries.with_superseded(recorded).get())


@router.delete(
    "/certificates/{certificate_id}",
    response={204: None},
    summary="Remove a certificate recorded by mistake (the holder, HR admins)",
)
@transaction.atomic
def delete_certificate(request: HttpRequest, certificate_id: Id) -> Status:
    certificate = access.certificate_for_edit(request.user, certificate_id)
    services.certificate_delete(actor=request.user, certificate=certificate)
    return Status(204, None)


@router.post(
    "/certificates/{certificate_id}/document",
    response=CertificateOut,
    summary="Replace a certificate's document (the holder, HR admins; multipart/form-data)",
    description=(
        "The same checks as when recording. The previous file is deleted once the new one is saved."
    ),
)
def replace_document(
    request: HttpRequest,
    certificate_id: Id,
    document: UploadedFile = File(...),  # noqa: B008
) -> Certificate:
    certificate = access.certificate_for_edit(request.user, certificate_id)
    if document.file is None:
        raise ValidationError({"document": _("choose the file to upload.")})
    services.certificate_document_replace(
        actor=request.user,
        certificate=certificate,
        document=document.file,
        document_name=document.name or "",
        document_size=document.size,
    )
    replaced = access.certificates_visible_to(request.user).filter(pk=certificate.pk)
    return queries.with_superseded(replaced).get()


_BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/certificates/{certificate_id}/document",
    summary="A certificate's document, as an attachment",
    openapi_extra={
        "responses": {
            200: {
                "description": "The document with its checked content type.",
                "content": {t: _BINARY for t in documents.LABELS},
            }
        }
    },
)
def get_document(request: HttpRequest, certificate_id: Id) -> HttpResponseBase:
    return views.document(request, certificate_id)


# --- compliance -------------------------------------------------------------------------


class ComplianceRowOut(Schema):
    person_id: int
    person_name: str
    work_email: str
    employee_id: str
    department: str
    location: str
    job_title: str
    type_id: int
    type_name: str
    status: str = Field(description="missing, expired or expiring (within 30 days).")
    status_label: str
    expires_on: datetime.date | None = Field(description="The current certificate's expiry.")


class CompliancePageOut(Schema):
    items: list[ComplianceRowOut]
    next: str | None = Field(description="Pass as `cursor` for the following page.")


# The cursor is the last row's key: its name, person id and type id (``queries.RowKey``),
# checked as the people's fields when it comes back (``pagination.decode``: a 422 on
# ``cursor`` for anything else). The type id is checked as an id.
_CURSOR_KEYS = [("last_name", False), ("first_name", False), ("pk", False), ("id", False)]


def _start_after(cursor: str | None) -> queries.RowKey | None:
    if not cursor:
        return None
    last_name, first_name, person_id, type_id = decode(Person, _CURSOR_KEYS, cursor)
    return queries.RowKey(last_name, first_name, person_id, type_id)


def _cursor(key: queries.RowKey) -> str:
    return encode([key.last_name, key.first_name, key.person_id, key.type_id])


@router.get(
    "/certifications/compliance",
    response=CompliancePageOut,
    summary="Who is missing or about to lose a required certification (HR admins)",
    description="One row per person and required type not in order, by name.",
)
def compliance_rows(
    request: HttpRequest,
    type_id: Id | None = Query(None),  # noqa: B008
    department_id: Id | None = Query(None, description="Sub-departments included."),  # noqa: B008
    status: str | None = Query(None, pattern="^(missing|expired|expiring)$"),  # noqa: B008
    cursor: str | None = Query(None, max_length=2000),  # noqa: B008
    page_size: int | None = Query(None, ge=1, le=MAX_PAGE_SIZE),  # noqa: B008
) -> dict[str, Any]:
    access.require_compliance_reader(request.user)
    department = None
    if department_id is not None:
        department = people_access.department_for_read(request.user, department_id)
    where = queries.ComplianceFilter(type_id=type_id, department=department, status=status)
    size = page_size or PAGE_SIZE
    day = queries.today()
    # A page starts after the previous page's last row (each type's SELECT seeks there on
    # the people's name index), so page 500 costs what page 2 does and a row recorded or
    # resolved meanwhile neither repeats nor skips one.
    following = queries.compliance_rows(where, day=day, start_after=_start_after(cursor))
    rows = list(following[: size + 1])
    names = queries.type_names()
    more = len(rows) > size
    return {
        "items": [exports.shape(row, names, day) for row in rows[:size]],
        "next": _cursor(queries.RowKey.of(rows[size - 1])) if more else None,
    }
