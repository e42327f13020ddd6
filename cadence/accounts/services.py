"""Writes for accounts: personal API tokens."""

import datetime

from django.db import transaction
from django.utils import timezone

from cadence.accounts.models import ApiToken, User
from cadence.core.audit import audit


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the actor. Returns the row and the secret, which is shown
    to the user once and never stored."""
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip()[:100] or "API token",
        digest=ApiToken.digest_of(secret),
        hint=secret[: len(ApiToken.PREFIX) + 4],
        expires_at=(
            timezone.now() + datetime.timedelta(days=expires_in_days) if expires_in_days else None
        ),
    )
    audit(actor=actor, action="api_token.create", target=token, summary=token.name)
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(actor=actor, action="api_token.revoke", target=token, summary=token.name)


def api_token_authenticate(secret: str) -> User | None:
    """The active user a presented token belongs to, or None."""
    if not secret.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch at most once a minute: a script hammering the API should not turn
    # every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
