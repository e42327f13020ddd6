"""The REST API under /api/v1/ (django-ninja). Each app contributes a router.

This module owns what every operation shares: authentication, the error handlers
(401 with ``WWW-Authenticate``, 403 for refusals, 422 for any ``ValidationError`` a
form or service raises) and the OpenAPI document's naming, so that a client generated
from ``/api/v1/openapi.json`` accepts every real response.
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, security
from ninja.errors import AuthenticationError
from ninja.openapi import schema as ninja_openapi
from ninja.openapi.schema import OpenAPISchema
from ninja.schema import NinjaGenerateJsonSchema
from ninja.security import APIKeyHeader, HttpBearer
from pydantic.json_schema import CoreModeRef, DefsRef

from cadence.accounts.services import api_token_authenticate


class PersonalToken(HttpBearer):
    """``Authorization: Bearer cad_…`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class PersonalTokenHeader(APIKeyHeader):
    """``X-API-Token: cad_…`` for clients that cannot set Authorization."""

    param_name = "X-API-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = api_token_authenticate(key or "")
        if user is not None:
            request.user = user
        return user


class SessionAuth(security.SessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token. (The name
    is the OpenAPI security scheme's, which clients already know.)"""

    def __call__(self, request: HttpRequest) -> Any:
        # ninja checks CSRF before it looks at the session, so a script without
        # credentials (or with a revoked token) was told "CSRF check failed" (403).
        # Without a signed-in session there is nothing to forge: the caller is
        # simply not authenticated, and gets the 401 the documentation promises.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


# --- the OpenAPI document ----------------------------------------------------------------


class UniqueNames(NinjaGenerateJsonSchema):
    """Names a choices class nested in a model by both: ``GoalKind``, ``KeyResultKind``.

    ninja builds each operation's schema on its own and merges the definitions into one
    ``components`` map by name, so ``Goal.Kind`` and ``KeyResult.Kind`` (or the
    ``State`` of a period and of a plan) both became ``Kind``/``State`` and the last
    one won: generated clients then rejected valid responses.
    """

    def get_defs_ref(self, core_mode_ref: CoreModeRef) -> DefsRef:
        defs_ref = super().get_defs_ref(core_mode_ref)
        path = core_mode_ref[0].rsplit(":", 1)[0]
        if "[" not in path:
            qualname = [part for part in path.split(".") if part[:1].isupper()]
            if len(qualname) > 1:
                self._prioritized_defsref_choices[defs_ref].insert(0, DefsRef("".join(qualname)))
        return defs_ref


# ninja has no setting for its JSON-schema generator; tests/test_openapi.py fails if
# this stops taking effect (two schemas under one name).
ninja_openapi.NinjaGenerateJsonSchema = UniqueNames  # type: ignore[misc]

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "object"}},
            ],
            "description": "A sentence naming each bad field, or the list of invalid "
            "parameters with their location.",
        }
    },
    "required": ["detail"],
    "title": "ApiError",
}
ERRORS = {
    401: "No valid session or token.",
    403: "The caller may see the object but not do this.",
    404: "No such object, or one the caller may not know exists.",
    422: "Invalid parameters or body, or a change the rules refuse.",
}


class CadenceOpenAPI(OpenAPISchema):
    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            if self.schemas.get(name, definition) != definition:
                raise ImproperlyConfigured(
                    f"Two API schemas are both named {name!r}; rename one of them."
                )
        super().add_schema_definitions(definitions)

    def responses(self, operation: Any) -> dict[int, Any]:
        result = super().responses(operation)
        self.schemas["ApiError"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
        for status, description in ERRORS.items():
            result.setdefault(status, {"description": description, "content": error})
        if self.request_body(operation):
            result.setdefault(400, {"description": "The body is not JSON.", "content": error})
        return result


class CadenceAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return CadenceOpenAPI(self, path_prefix)


api = CadenceAPI(
    title="Cadence API",
    version="1",
    description=(
        "Cadence's REST API. Authenticate with a browser session (unsafe methods need "
        "the CSRF token) or a personal API token created under Account › API tokens."
    ),
    auth=[PersonalToken(), PersonalTokenHeader(), SessionAuth()],
    urls_namespace="api",
)


# --- errors ------------------------------------------------------------------------------


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    presented = "Authorization" in request.headers or "X-API-Token" in request.headers
    error = ', error="invalid_token"' if presented else ""
    response["WWW-Authenticate"] = f'Bearer realm="Cadence"{error}'
    return response


@api.exception_handler(PermissionDenied)
def refused(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    # access.Refused: the caller may see the object but not do this with it. Without
    # this handler Django would answer with its HTML 403 page.
    detail = str(exc) or _("You are not allowed to do this.")
    return api.create_response(request, {"detail": detail}, status=403)


def field_errors(error: ValidationError) -> str:
    """``field: reason; field: reason`` — every bad field named, the import's habit.
    A sentence that names its field already ("Period: …") or concerns no one field
    (``__all__``) stands alone."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(
        message
        if field == "__all__" or message.lower().startswith(f"{field.lower()}:")
        else f"{field}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    )


@api.exception_handler(ValidationError)
def unprocessable(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # Forms and services refuse with Django's ValidationError; endpoints let it through.
    return api.create_response(request, {"detail": field_errors(exc)}, status=422)


from cadence.certifications.api import router as certifications_router  # noqa: E402
from cadence.development.api import router as development_router  # noqa: E402
from cadence.feedback.api import router as feedback_router  # noqa: E402
from cadence.goals.api import router as goals_router  # noqa: E402
from cadence.home.api import router as home_router  # noqa: E402
from cadence.kpis.api import router as kpis_router  # noqa: E402
from cadence.meetings.api import router as meetings_router  # noqa: E402
from cadence.notifications.api import router as notifications_router  # noqa: E402
from cadence.people.api import router as people_router  # noqa: E402
from cadence.planning.api import router as planning_router  # noqa: E402
from cadence.reviews.api import router as reviews_router  # noqa: E402

api.add_router("/", people_router)
api.add_router("/", planning_router)
api.add_router("/", goals_router)
api.add_router("/", kpis_router)
api.add_router("/", notifications_router)
api.add_router("/", home_router)
api.add_router("/", reviews_router)
api.add_router("/", feedback_router)
api.add_router("/", development_router)
api.add_router("/", certifications_router)
api.add_router("/", meetings_router)
