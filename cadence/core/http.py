"""The request as Cadence's middleware leaves it, for views to say what they read."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (every request does, see
    settings): ``request.htmx`` is falsy unless htmx sent it. The type django-htmx's
    documentation recommends, as the stubs cannot know about the middleware."""

    htmx: HtmxDetails
