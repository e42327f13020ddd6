from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from cadence.accounts.types import AuthenticatedHttpRequest
from cadence.notifications import access, services
from cadence.notifications.rendering import render


@require_GET
@login_required
def open_notification(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification (from the list or a mail): it is read, and the reader lands
    on its object — or on the list when they may no longer open it."""
    me = access.recipient(request.user)
    notification = access.notification_for_read(request.user, notification_id)
    services.mark_read(me, notification)
    [item] = render(request.user, [notification])
    url = item.url or "/"
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = "/"
    return HttpResponseRedirect(url)
