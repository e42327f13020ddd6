"""The type of whoever is acting: a request's user, or the user a service is told acted."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from cadence.accounts.models import User

type Actor = User | AnonymousUser
"""Who is acting: ``request.user`` as django-stubs types it. Services that also run as
the system (imports from the command line, the demo) take ``Actor | None``."""


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind ``login_required``: its user is signed in
    (django-stubs' documented way to say so)."""

    user: User
