"""Free text has one bound wherever it is typed: the model field (so its ModelForm),
the page's hand-built form and the API schema read ``cadence.core.limits``."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from cadence.core import api_types, limits
from cadence.core.search import IndexedTextField

AREAS = ("goals", "planning", "kpis", "people")
# Written by services only, never typed by anyone: the plan history's generated text.
NOT_TYPED = {("planning", "PlanEvent", "comment")}


def typed_text_fields() -> list[tuple[str, str, str, models.TextField]]:
    return [
        (model._meta.app_label, model.__name__, field.name, field)
        for area in AREAS
        for model in apps.get_app_config(area).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
        and not isinstance(field, IndexedTextField)
        and (model._meta.app_label, model.__name__, field.name) not in NOT_TYPED
    ]


def test_there_are_text_fields_to_check():
    assert len(typed_text_fields()) >= 9


@pytest.mark.parametrize(
    "field",
    typed_text_fields(),
    ids=lambda f: f"{f[0]}.{f[1]}.{f[2]}" if isinstance(f, tuple) else "",
)
def test_every_typed_text_field_is_bounded_by_a_shared_limit(field):
    _app, _model, _name, model_field = field
    assert model_field.max_length in (limits.LONG_TEXT, limits.COMMENT)
    # The ModelForm field gets the bound (and refuses NUL, like every CharField).
    form_field = model_field.formfield()
    assert form_field.max_length == model_field.max_length
    assert form_field.clean("x" * model_field.max_length)
    with pytest.raises(ValidationError, match="at most"):
        form_field.clean("x" * (model_field.max_length + 1))
    with pytest.raises(ValidationError, match="Null characters"):
        form_field.clean("a\x00b")


def test_the_api_reads_the_same_numbers():
    assert (api_types.LONG_TEXT, api_types.COMMENT, api_types.SEARCH) == (
        limits.LONG_TEXT,
        limits.COMMENT,
        limits.SEARCH,
    )
