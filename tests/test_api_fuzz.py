"""A schema-driven fuzz run of the whole API (schemathesis): for every operation in
``/api/v1/openapi.json``, valid and invalid inputs generated from the document must
never get a 5xx, and every answer must be one the document describes.

Bounded so that it stays well under two minutes on two cores (a few examples per
operation) and derandomized so that a run is the same run every time. Deselect with
``-m "not fuzz"``.
"""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_world import World, build_world
from tests.conftest import Org

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def world(org: Org) -> World:
    return build_world(org)


@pytest.fixture(autouse=True)
def _one_connection_for_the_test() -> Iterator[None]:
    # Django closes the database connection when a request ends; its test client turns
    # that off, the WSGI application called here does not. On PostgreSQL the test's
    # transaction (and its data) would be gone after the first request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    # The world is built once per operation and shared by its examples on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_error_and_answers_match_the_document(case, world: World) -> None:
    response = case.call(headers={"Authorization": f"Bearer {world.hr_token}"})
    case.validate_response(response, checks=CHECKS)
