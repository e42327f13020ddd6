"""The REST API under /api/v1/ (django-ninja). Each app contributes a router."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBearer, django_auth

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


api = NinjaAPI(
    title="Cadence API",
    version="1",
    description=(
        "Cadence's REST API. Authenticate with a browser session (unsafe methods need "
        "the CSRF token) or a personal API token created under Account › API tokens."
    ),
    auth=[PersonalToken(), PersonalTokenHeader(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def refused(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    # access.Refused: the caller may see the object but not do this with it. Without
    # this handler Django would answer with its HTML 403 page.
    detail = str(exc) or _("You are not allowed to do this.")
    return api.create_response(request, {"detail": detail}, status=403)


from cadence.goals.api import router as goals_router  # noqa: E402
from cadence.kpis.api import router as kpis_router  # noqa: E402
from cadence.people.api import router as people_router  # noqa: E402
from cadence.planning.api import router as planning_router  # noqa: E402

api.add_router("/", people_router)
api.add_router("/", planning_router)
api.add_router("/", goals_router)
api.add_router("/", kpis_router)
