"""The notification centre (list, mark read, preferences) and HR's delivery page. Thin:
parse → access → service/query → render.

The bell in the header is rendered with every full page (its count from one COUNT, see
``core.context_processors``); an htmx request that changes the count answers with the
bell again, out of band, so it never needs polling."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.accounts.types import AuthenticatedHttpRequest
from cadence.core.forms import form_errors
from cadence.core.http import HtmxHttpRequest
from cadence.notifications import access, queries, services
from cadence.notifications.forms import DeliveryFilterForm, PreferencesForm
from cadence.notifications.rendering import render as render_items


class Request(AuthenticatedHttpRequest, HtmxHttpRequest):
    """A signed-in request through django-htmx's middleware."""


@require_GET
@login_required
def notification_list(request: Request) -> HttpResponse:
    me = access.recipient(request.user)
    show = "all" if request.GET.get("show") == "all" else "unread"
    listed = queries.notification_page(
        request.user, unread_only=show == "unread", number=request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"me": me, "show": show, "items": listed.items, "page": listed.page, "nav_active": ""},
    )


@require_GET
@login_required
def open_notification(request: Request, notification_id: int) -> HttpResponse:
    """Follow a notification (from the list or a mail): it is read, and the reader lands
    on its object — or on the list when they may no longer open it."""
    me = access.recipient(request.user)
    notification = access.notification_for_read(request.user, notification_id)
    services.mark_read(me, notification)
    [item] = render_items(request.user, [notification])
    url = item.url or reverse("notifications:list")
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = reverse("notifications:list")
    return HttpResponseRedirect(url)


def _back_to_list(request: Request) -> HttpResponse:
    # The form says which tab and page it was on; anything but a path of ours is ignored.
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        back = reverse("notifications:list")
    return HttpResponseRedirect(back)


@require_POST
@login_required
def mark_read(request: Request, notification_id: int) -> HttpResponse:
    """With htmx: the item again, read, and the bell out of band; without: back."""
    me = access.recipient(request.user)
    notification = access.notification_for_read(request.user, notification_id)
    services.mark_read(me, notification)
    if not request.htmx:
        return _back_to_list(request)
    [item] = render_items(request.user, [notification])
    return render(
        request,
        "notifications/list.html#item",
        {
            "item": item,
            "item_bell": True,
            "oob_bell": True,
            "next": request.POST.get("next", ""),
            "show": "all" if request.POST.get("show") == "all" else "unread",
        },
    )


@require_POST
@login_required
def mark_all_read(request: Request) -> HttpResponse:
    me = access.recipient(request.user)
    marked = services.mark_all_read(me)
    if not request.htmx:
        messages.success(request, _("All notifications are marked as read."))
        return _back_to_list(request)
    # htmx swaps the whole list: the page the reader was on, now read (or empty).
    show = "all" if request.POST.get("show") == "all" else "unread"
    listed = queries.notification_page(request.user, unread_only=show == "unread", number=1)
    return render(
        request,
        "notifications/list.html#results",
        {
            "me": me,
            "show": show,
            "items": listed.items,
            "page": listed.page,
            "oob_bell": True,
            "marked": marked,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: Request) -> HttpResponse:
    me = access.recipient(request.user)
    current = queries.preferences_of(me)
    form = PreferencesForm(request.POST or None, user=request.user, current=current)
    if request.method == "POST":
        if form.is_valid():
            changed = {
                key: channel
                for key, channel in form.cleaned_data.items()
                if current[key] != channel
            }
            services.preferences_set(me, changed)
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notifications:preferences")
        messages.error(request, form_errors(form))
    return render(
        request,
        "notifications/preferences.html",
        {
            "me": me,
            "form": form,
            "groups": queries.preference_groups(request.user, me),
            "nav_active": "",
        },
    )


@require_GET
@login_required
def delivery(request: Request) -> HttpResponse:
    """The mail queue for HR admins: what is waiting, what failed and why."""
    access.require_delivery_reader(request.user)
    form = DeliveryFilterForm(request.GET or None)
    state = form.cleaned_data.get("state", "") if form.is_valid() else ""
    counts = queries.delivery_counts(request.user)
    return render(
        request,
        "notifications/delivery.html",
        {
            "state": state,
            "counts": counts,
            "total": sum(n for _state, n in counts),
            "page": queries.delivery_page(
                request.user, state=state, number=request.GET.get("page")
            ),
            "nav_active": "",
        },
    )
