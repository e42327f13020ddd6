from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cadence.people import access, queries


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not access.is_member(request.user):
        raise Http404
    me = access.acting_person(request.user)
    context = {"nav_active": "home", "me": me, "team": None}
    if me is not None and access.has_reports(me):
        context["team"] = queries.team(me)
    return render(request, "core/home.html", context)


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
