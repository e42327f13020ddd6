"""Review templates for HR admins: the list, the editor of a template's current version
(scale, sections, questions), archive, and the preview as each reviewer type sees it.
Thin: parse → access → service/query → respond.

Every POST works without JavaScript (it redirects back to the editor with a message);
with htmx, adding a question answers its section alone. An edit that had to make a new
version (the latest one is used by a cycle) always reloads the whole editor, whose
heading then says which version is being edited and why.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from cadence.core.forms import form_errors
from cadence.core.http import HtmxHttpRequest
from cadence.reviews import access
from cadence.reviews import queries_templates as queries
from cadence.reviews.forms_templates import (
    QuestionForm,
    SectionForm,
    TemplateForm,
    add_service_errors,
    scale_from,
)
from cadence.reviews.models import ReviewerType, ReviewTemplate, Section, TemplateVersion
from cadence.reviews.services import templates as services

NAV = "reviews"


def _editor_url(template: ReviewTemplate | int) -> str:
    pk = template if isinstance(template, int) else template.pk
    return reverse("reviews:template_edit", args=[pk])


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _version_note(request: HttpRequest, before: TemplateVersion, after: TemplateVersion) -> None:
    if before.pk != after.pk:
        messages.warning(
            request,
            _(
                "Version %(old)s is used by %(cycles)s and stays as it was: your change is in "
                "version %(new)s."
            )
            % {
                "old": before.number,
                "cycles": ", ".join(queries.cycles_using(before)) or _("a cycle"),
                "new": after.number,
            },
        )


def _change(
    request: HttpRequest,
    template: ReviewTemplate,
    before: TemplateVersion,
    change: Callable[[dict[str, Any]], TemplateVersion],
    *,
    form: forms.Form | None = None,
) -> HttpResponse:
    """The editor's one shape: check the form, make the change (the service answers the
    version it landed in), say so when that is a new version, back to the editor."""
    if form is not None and not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_editor_url(template))
    try:
        after = change(form.cleaned_data if form is not None else {})
    except ValidationError as error:
        _error(request, error)
        return redirect(_editor_url(template))
    _version_note(request, before, after)
    return redirect(_editor_url(template) + request.POST.get("anchor", "")[:40])


# --- list and create -----------------------------------------------------------------


@require_GET
@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    rows = queries.with_latest(access.templates_for_manage(request.user))
    context = {
        "active": [r for r in rows if not r.template.archived],
        "archived": [r for r in rows if r.template.archived],
        "form": TemplateForm(),
        "nav_active": NAV,
    }
    return render(request, "reviews/templates/list.html", context)


@require_POST
@login_required
@transaction.atomic
def template_create(request: HttpRequest) -> HttpResponse:
    access.require_review_manager(request.user)
    form = TemplateForm(request.POST)
    if form.is_valid():
        try:
            template = services.template_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(_editor_url(template))
    rows = queries.with_latest(access.templates_for_manage(request.user))
    context = {
        "active": [r for r in rows if not r.template.archived],
        "archived": [r for r in rows if r.template.archived],
        "form": form,
        "nav_active": NAV,
    }
    return render(request, "reviews/templates/list.html", context, status=422)


# --- the editor ------------------------------------------------------------------------


def _users(version: TemplateVersion) -> list[str]:
    """The cycles using a locked version, by name (empty when it is not locked)."""
    if not version.is_locked:
        return []
    return queries.cycles_using(version) or [_("a cycle")]


def _editor_context(template: ReviewTemplate) -> dict[str, Any]:
    version = queries.latest_whole(template)
    previous = None
    if version.number > 1:
        previous = next(
            (v for v in queries.versions_of(template) if v.number < version.number), None
        )
    return {
        "template": template,
        "version": version,
        "versions": queries.versions_of(template),
        "used_by": _users(version),
        "previous": previous,
        "previous_used_by": _users(previous) if previous is not None else [],
        "details_form": TemplateForm(
            initial={"name": template.name, "description": template.description}
        ),
        "section_form": SectionForm(initial={"required": True}),
        "question_form": QuestionForm(initial={"required": True}),
        "reviewer_types": ReviewerType.choices,
        "scale_blank_rows": range(2),
        "nav_active": NAV,
    }


@require_GET
@login_required
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    template = access.template_for_manage(request.user, template_id)
    return render(request, "reviews/templates/editor.html", _editor_context(template))


@require_POST
@login_required
@transaction.atomic
def template_details(request: HttpRequest, template_id: int) -> HttpResponse:
    template = access.template_for_manage(request.user, template_id)
    version = services.latest_version(template)

    def update(data: dict[str, Any]) -> TemplateVersion:
        # Name and description are the template's: the version stays the same.
        services.template_update(actor=request.user, template=template, **data)
        return version

    return _change(request, template, version, update, form=TemplateForm(request.POST))


@require_POST
@login_required
@transaction.atomic
def template_archive(request: HttpRequest, template_id: int) -> HttpResponse:
    template = access.template_for_manage(request.user, template_id)
    archived = request.POST.get("archived", "1") == "1"
    services.template_archive(actor=request.user, template=template, archived=archived)
    if archived:
        messages.success(
            request,
            _("%(name)s is archived: it is no longer offered for new cycles.")
            % {"name": template.name},
        )
        return redirect("reviews:template_list")
    messages.success(request, _("%(name)s is back.") % {"name": template.name})
    return redirect(_editor_url(template))


@require_POST
@login_required
@transaction.atomic
def template_scale(request: HttpRequest, template_id: int) -> HttpResponse:
    template = access.template_for_manage(request.user, template_id)
    version = services.latest_version(template)
    return _change(
        request,
        template,
        version,
        lambda _data: services.scale_set(
            actor=request.user, template=template, points=scale_from(request.POST)
        ),
    )


@require_POST
@login_required
@transaction.atomic
def template_section_add(request: HttpRequest, template_id: int) -> HttpResponse:
    template = access.template_for_manage(request.user, template_id)
    version = services.latest_version(template)
    form = SectionForm(request.POST)
    return _change(
        request,
        template,
        version,
        lambda _data: (
            services.section_add(
                actor=request.user, template=template, data=form.data_for_service()
            ).version
        ),
        form=form,
    )


@require_POST
@login_required
@transaction.atomic
def template_section_edit(request: HttpRequest, section_id: int) -> HttpResponse:
    """Save, move up or down, or remove a section (the button pressed says which)."""
    section = access.section_for_manage(request.user, section_id)
    template, version = section.version.template, section.version
    action = request.POST.get("action", "save")
    if action == "remove":
        return _change(
            request,
            template,
            version,
            lambda _d: services.section_remove(actor=request.user, section=section),
        )
    if action in ("up", "down"):
        step = -1 if action == "up" else 1
        return _change(
            request,
            template,
            version,
            lambda _d: (
                services.section_move(actor=request.user, section=section, step=step).version
            ),
        )
    form = SectionForm(request.POST)
    return _change(
        request,
        template,
        version,
        lambda _d: (
            services.section_update(
                actor=request.user, section=section, data=form.data_for_service()
            ).version
        ),
        form=form,
    )


def _section_fragment(
    request: HttpRequest, section: Section, form: QuestionForm, *, status: int = 200
) -> HttpResponse:
    version = queries.version_whole(section.version_id)
    shown = next(s for s in version.sections.all() if s.pk == section.pk)
    context = {
        **_editor_context(version.template),
        "section": shown,
        "question_form": form,
        "open_add": not form.is_bound or bool(form.errors),
    }
    return render(request, "reviews/templates/editor.html#section", context, status=status)


@require_POST
@login_required
@transaction.atomic
def template_question_add(request: HtmxHttpRequest, section_id: int) -> HttpResponse:
    """Add a question to a section. With htmx the section comes back alone (the form
    with its errors beside the fields, or emptied for the next question); when the
    change made a new version, the whole editor reloads."""
    section = access.section_for_manage(request.user, section_id)
    template, version = section.version.template, section.version
    form = QuestionForm(request.POST)
    if not request.htmx:
        return _change(
            request,
            template,
            version,
            lambda _d: (
                services.question_add(
                    actor=request.user, section=section, data=form.data_for_service()
                ).section.version
            ),
            form=form,
        )
    if form.is_valid():
        try:
            question = services.question_add(
                actor=request.user, section=section, data=form.data_for_service()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if question.section.version_id != version.pk:
                _version_note(request, version, question.section.version)
                return HttpResponseClientRedirect(_editor_url(template))
            return _section_fragment(
                request, question.section, QuestionForm(initial={"required": True})
            )
    return _section_fragment(request, section, form)


@require_POST
@login_required
@transaction.atomic
def template_question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    """Save, move up or down, or remove a question (the button pressed says which)."""
    question = access.question_for_manage(request.user, question_id)
    version = question.section.version
    template = version.template
    action = request.POST.get("action", "save")
    if action == "remove":
        return _change(
            request,
            template,
            version,
            lambda _d: services.question_remove(actor=request.user, question=question).version,
        )
    if action in ("up", "down"):
        step = -1 if action == "up" else 1
        return _change(
            request,
            template,
            version,
            lambda _d: (
                services.question_move(
                    actor=request.user, question=question, step=step
                ).section.version
            ),
        )
    form = QuestionForm(request.POST)
    return _change(
        request,
        template,
        version,
        lambda _d: (
            services.question_update(
                actor=request.user, question=question, data=form.data_for_service()
            ).section.version
        ),
        form=form,
    )


# --- preview ----------------------------------------------------------------------------


@require_GET
@login_required
def template_preview(request: HttpRequest, version_id: int) -> HttpResponse:
    """A version, read-only, as one reviewer type is asked it (``?as=peer``)."""
    version = access.version_for_manage(request.user, version_id)
    whole = queries.version_whole(version.pk)
    reviewer_type = queries.reviewer_type_or_default(request.GET.get("as"))
    context = {
        "template": whole.template,
        "version": whole,
        "reviewer_type": reviewer_type,
        "reviewer_type_label": ReviewerType(reviewer_type).label,
        "reviewer_types": ReviewerType.choices,
        "sections": queries.preview(whole, reviewer_type),
        "used_by": queries.cycles_using(whole) if whole.is_locked else [],
        "nav_active": NAV,
    }
    return render(request, "reviews/templates/preview.html", context)
