"""Web import of people for HR admins: upload → preview → confirm. See docs/import.md.

The preview is computed once, when the file is uploaded, and stored with it; confirming
re-plans the stored file against the organisation as it is then and applies it in the
background (the preview page follows the state).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.accounts.types import AuthenticatedHttpRequest
from cadence.core.http import HtmxHttpRequest
from cadence.core.limits import LONG_TEXT
from cadence.people import access, services
from cadence.people.importing import FIELDS, parse_mapping
from cadence.people.importing.preview import past_imports
from cadence.people.models import PeopleImport

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("HRIS export"),
        help_text=gettext_lazy("CSV (any encoding; comma, semicolon or tab) or XLSX."),
    )
    full = forms.BooleanField(
        label=gettext_lazy("This file is the whole roster"),
        required=False,
        help_text=gettext_lazy("Active people missing from the file will be deactivated."),
    )
    mapping = forms.CharField(
        label=gettext_lazy("Column mapping (optional)"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "Correo=work_email\nTeam=custom:Squad"}
        ),
        help_text=format_lazy(
            gettext_lazy(
                "One 'Source Header=field' per line, for columns Cadence does not recognise. "
                "Fields: {fields}, custom:<Label> or ignore."
            ),
            fields=", ".join(FIELDS),
        ),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 50 MB."))
        self.file_name = upload.name
        return upload.read()

    def clean_mapping(self) -> dict[str, str]:
        try:
            return parse_mapping(self.cleaned_data["mapping"].splitlines())
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


@require_http_methods(["GET", "POST"])
@login_required
def import_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_people_manager(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = services.people_import_upload(
            actor=request.user,
            file_name=form.file_name,
            content=form.cleaned_data["file"],
            full=form.cleaned_data["full"],
            mapping=form.cleaned_data["mapping"],
        )
        return redirect("people:import_preview", import_id=upload.pk)
    return render(
        request,
        "people/import_start.html",
        {"form": form, "past_imports": past_imports(), "nav_active": "import"},
    )


@require_GET
@login_required
def import_preview(request: HtmxHttpRequest, import_id: int) -> HttpResponse:
    upload = access.people_import_for_manage(request.user, import_id)
    preview = upload.summary.get("preview", {})
    context = {
        "upload": upload,
        "preview": preview,
        "result": upload.summary.get("result"),
        "more_errors": preview.get("error_count", 0) - len(upload.errors),
        "nav_active": "import",
        "State": PeopleImport.State,
    }
    template = "people/import_preview.html"
    if request.htmx and request.htmx.target == "import-status":
        template += "#status"
    return render(request, template, context)


@require_POST
@login_required
def import_confirm(request: AuthenticatedHttpRequest, import_id: int) -> HttpResponse:
    upload = access.people_import_for_manage(request.user, import_id)
    try:
        services.people_import_confirm(
            actor=request.user,
            upload=upload,
            confirm_mass_deactivation=request.POST.get("confirm_deactivation") == "on",
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("people:import_preview", import_id=upload.pk)
