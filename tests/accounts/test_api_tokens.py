"""Personal API tokens: created and revoked by their owner on Account › API tokens."""

import datetime
import hashlib
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cadence.accounts.models import ApiToken
from cadence.core.models import AuditEvent
from tests.conftest import Org

TOKENS = reverse("accounts:api_tokens")


def create_token(client: Client, name: str = "Payroll export", expires: str = "90") -> str:
    response = client.post(TOKENS, {"name": name, "expires_in_days": expires})
    assert response.status_code == 200
    match = re.search(r'<code class="token" id="new-token">(cad_[^<]+)</code>', response.text)
    assert match, "the new token is shown"
    return match.group(1)


def every_stored_value() -> str:
    """The whole database as text: every column of every table, for "is it stored?"."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_token_is_shown_once_and_only_its_digest_is_stored(org: Org) -> None:
    client = org.client_for(org.engineer)
    secret = create_token(client)
    token = ApiToken.objects.get(user=org.engineer.user)
    assert token.name == "Payroll export"
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.hint) and len(token.hint) < 12
    assert secret not in every_stored_value()
    # The list shows the hint, never the secret again.
    page = client.get(TOKENS).text
    assert "Payroll export" in page and f"{token.hint}…" in page
    assert secret not in page
    assert AuditEvent.objects.filter(action="api_token.create", target_id=str(token.pk)).exists()
    # And it works.
    api = Client().get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200


@pytest.mark.parametrize(("choice", "days"), [("30", 30), ("365", 365), ("", None)])
def test_token_expiry(org: Org, choice: str, days: int | None) -> None:
    create_token(org.client_for(org.engineer), expires=choice)
    token = ApiToken.objects.get(user=org.engineer.user)
    if days is None:
        assert token.expires_at is None
    else:
        expected = timezone.now() + datetime.timedelta(days=days)
        assert abs(token.expires_at - expected) < datetime.timedelta(minutes=1)


def test_token_needs_a_name(org: Org) -> None:
    response = org.client_for(org.engineer).post(TOKENS, {"name": "", "expires_in_days": "30"})
    assert response.status_code == 200
    assert "new-token" not in response.text
    assert not ApiToken.objects.exists()


def test_revoke(org: Org) -> None:
    client = org.client_for(org.engineer)
    secret = create_token(client)
    token = ApiToken.objects.get()
    response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert response["Location"] == TOKENS
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke", target_id=str(token.pk)).exists()
    assert "revoked" in client.get(TOKENS).text
    api = Client().get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 401
    # Revoking twice changes nothing.
    client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_revoke_needs_post(org: Org) -> None:
    client = org.client_for(org.engineer)
    create_token(client)
    token = ApiToken.objects.get()
    assert client.get(reverse("accounts:api_token_revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_someone_elses_token_is_not_found(org: Org) -> None:
    create_token(org.client_for(org.engineer))
    token = ApiToken.objects.get()
    for intruder in (org.seller, org.hr, org.eng_manager):
        client = org.client_for(intruder)
        response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
        assert response.status_code == 404
        assert token.name not in client.get(TOKENS).text
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_is_sent_to_sign_in(org: Org) -> None:
    client = Client()
    for response in (
        client.get(TOKENS),
        client.post(TOKENS, {"name": "x", "expires_in_days": "30"}),
        client.post(reverse("accounts:api_token_revoke", args=[1])),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not ApiToken.objects.exists()


def test_creating_a_token_needs_the_csrf_token(org: Org) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.engineer.user)
    response = client.post(TOKENS, {"name": "x", "expires_in_days": "30"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
