"""Signing in through allauth: email and password, no sign-up, people who left locked
out, password reset by email, rate limits on failed attempts, TOTP two-factor."""

import re
import time
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cadence.accounts.models import User
from cadence.people import services
from tests.conftest import PASSWORD, Org

LOGIN = reverse("account_login")


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    # Rate-limit counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def sign_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post(LOGIN, {"login": email, "password": password})


def test_sign_in_with_email_and_password(org: Org) -> None:
    client = Client()
    assert client.get(LOGIN).status_code == 200
    response = sign_in(client, "ANN.Engineer@example.com")  # emails are case-insensitive
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_user_id(client) == str(org.engineer.user_id)
    assert "Hello, Ann" in client.get(reverse("home")).text


def test_wrong_password_is_refused(org: Org) -> None:
    client = Client()
    response = sign_in(client, "ann.engineer@example.com", "not-the-password")
    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert "not correct" in response.text


def test_sign_in_returns_to_the_page_asked_for(org: Org) -> None:
    client = Client()
    target = reverse("people:person", args=[org.seller.pk])
    response = client.post(
        f"{LOGIN}?next={target}",
        {"login": "ann.engineer@example.com", "password": PASSWORD, "next": target},
    )
    assert response["Location"] == target


@pytest.mark.any_data
def test_sign_up_is_closed(db) -> None:
    client = Client()
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200
    assert "closed" in page.text.lower()
    client.post(
        reverse("account_signup"),
        {
            "email": "stranger@example.com",
            "password1": "pw-Stranger-123",
            "password2": "pw-Stranger-123",
        },
    )
    assert not User.objects.filter(email="stranger@example.com").exists()
    assert signed_in_user_id(client) is None


def test_a_person_who_left_cannot_sign_in(org: Org) -> None:
    client = Client()
    services.person_mark_left(actor=None, person=org.seller)
    response = sign_in(client, "sam.seller@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    assert signed_in_user_id(client) is None
    assert client.get(reverse("home")).status_code == 302


def test_leaving_ends_an_open_session(org: Org) -> None:
    client = Client()
    sign_in(client, "sam.seller@example.com")
    assert client.get(reverse("home")).status_code == 200
    services.person_mark_left(actor=None, person=org.seller)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_sign_out(org: Org) -> None:
    client = Client()
    sign_in(client, "ann.engineer@example.com")
    assert client.post(reverse("account_logout")).status_code == 302
    assert signed_in_user_id(client) is None


def test_password_reset_by_email(org: Org) -> None:
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": "ann.engineer@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann.engineer@example.com"]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body)
    assert link, message.body
    # allauth moves the key from the URL into the session, then shows the form.
    form_url = client.get(link.group(1))["Location"]
    new_password = "a-New-and-long-passphrase-42"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user = User.objects.get(pk=org.engineer.user_id)
    assert user.check_password(new_password)
    fresh = Client()
    sign_in(fresh, "ann.engineer@example.com", new_password)
    assert signed_in_user_id(fresh) == str(user.pk)


def test_password_reset_for_someone_who_left_does_not_let_them_in(org: Org) -> None:
    services.person_mark_left(actor=None, person=org.seller)
    Client().post(reverse("account_reset_password"), {"email": "sam.seller@example.com"})
    for message in mail.outbox:
        assert "/accounts/password/reset/key/" not in message.body


def test_failed_sign_ins_are_rate_limited(org: Org) -> None:
    # ACCOUNT_RATE_LIMITS["login_failed"] = "10/m/ip,5/5m/key": five failures for one
    # account lock it for a while, even against the right password.
    client = Client()
    for _ in range(5):
        response = sign_in(client, "ann.engineer@example.com", "guess")
        assert response.status_code == 200
        assert "Too many" not in response.text
    response = sign_in(client, "ann.engineer@example.com")
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.text
    assert signed_in_user_id(client) is None
    # Other accounts are not locked by it.
    sign_in(client, "bob.engineer@example.com")
    assert signed_in_user_id(client) == str(org.engineer2.user_id)


# --- two-factor authentication (TOTP) ---------------------------------------------------


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_totp_can_be_activated_and_then_sign_in_asks_for_a_code(org: Org, settings: Any) -> None:
    # One period of tolerance either side: a code computed just before a 30-second
    # boundary must still pass when it is checked just after.
    settings.MFA_TOTP_TOLERANCE = 1
    client = Client()
    sign_in(client, "ann.engineer@example.com")
    activate = reverse("mfa_activate_totp")
    # Changing how one signs in asks for the password again, even right after signing in.
    reauthenticate = client.get(activate)["Location"]
    assert reauthenticate.startswith(reverse("account_reauthenticate"))
    assert client.post(reauthenticate, {"password": PASSWORD})["Location"] == activate
    page = client.get(activate)
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in page.text  # shown for apps that cannot scan the QR code

    response = client.post(
        activate, {"code": "000000" if totp_code(secret) != "000000" else "111111"}
    )
    assert response.status_code == 200  # a wrong code is refused
    assert not Authenticator.objects.filter(user_id=org.engineer.user_id).exists()

    response = client.post(activate, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(
        user_id=org.engineer.user_id, type=Authenticator.Type.TOTP
    ).exists()
    client.post(reverse("account_logout"))

    # The password alone no longer signs in.
    client = Client()
    response = sign_in(client, "ann.engineer@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None
    assert client.get(reverse("home")).status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert signed_in_user_id(client) is None
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(org.engineer.user_id)


def test_activating_totp_needs_the_password_again(org: Org) -> None:
    client = Client()
    sign_in(client, "ann.engineer@example.com")
    reauthenticate = client.get(reverse("mfa_activate_totp"))["Location"]
    response = client.post(reauthenticate, {"password": "not-the-password"})
    assert response.status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code == 302
    assert "mfa.totp.secret" not in client.session


# --- sign-in limits behind the reverse proxy ----------------------------------------------


def sign_in_from(address: str, email: str, password: str = PASSWORD) -> tuple[Client, Any]:
    # As nginx forwards it (docs/deployment.md): every request comes from the proxy's
    # address, the client's is the last X-Forwarded-For entry.
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)
    return client, sign_in(client, email, password)


def test_behind_the_proxy_one_clients_failures_do_not_lock_out_another(org: Org) -> None:
    # "login_failed": "10/m/ip": ten failures from one address, spread over accounts so
    # that no account's own limit is reached first.
    emails = ["ceo.boss@example.com", "eng.head@example.com", "sales.head@example.com"]
    for attempt in range(10):
        _, response = sign_in_from("203.0.113.7", emails[attempt % 3], "guess")
        assert "Too many" not in response.text
    locked, response = sign_in_from("203.0.113.7", "ann.engineer@example.com")
    assert "Too many failed login attempts" in response.text
    assert signed_in_user_id(locked) is None
    # Someone else in the organisation, behind the same proxy, still signs in.
    other, _ = sign_in_from("198.51.100.20", "ann.engineer@example.com")
    assert signed_in_user_id(other) == str(org.engineer.user_id)


def test_the_proxy_count_and_client_header_come_from_the_environment(monkeypatch) -> None:
    import importlib

    import cadence.settings

    try:
        monkeypatch.setenv("CADENCE_TRUSTED_PROXY_COUNT", "2")
        monkeypatch.setenv("CADENCE_CLIENT_IP_HEADER", "X-Real-IP")
        configured = importlib.reload(cadence.settings)
        assert configured.ALLAUTH_TRUSTED_PROXY_COUNT == 2
        assert configured.ALLAUTH_TRUSTED_CLIENT_IP_HEADER == "X-Real-IP"
        monkeypatch.delenv("CADENCE_TRUSTED_PROXY_COUNT")
        monkeypatch.delenv("CADENCE_CLIENT_IP_HEADER")
        monkeypatch.setenv("CADENCE_BEHIND_PROXY", "0")
        direct = importlib.reload(cadence.settings)
        # Without a proxy the header is the client's to forge: not trusted.
        assert direct.ALLAUTH_TRUSTED_PROXY_COUNT == 0
        assert direct.ALLAUTH_TRUSTED_CLIENT_IP_HEADER is None
    finally:
        monkeypatch.undo()
        importlib.reload(cadence.settings)


# --- the API's answer without credentials --------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer cad_not-a-token"},
        {"X-API-Token": "cad_not-a-token"},
    ],
    ids=["none", "bad bearer", "bad header"],
)
def test_api_writes_without_valid_credentials_get_401_not_a_csrf_error(
    org: Org, headers: dict[str, str]
) -> None:
    # ninja checked the CSRF token before the session, so these were "403 CSRF check
    # failed"; docs/api.md promises 401.
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/goals",
        {"title": "x", "period_id": 1},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="Cadence"')
    assert ('error="invalid_token"' in challenge) == bool(headers)


def test_a_revoked_token_gets_401(org: Org) -> None:
    from cadence.accounts.models import ApiToken
    from cadence.accounts.services import api_token_create, api_token_revoke

    token, secret = api_token_create(actor=org.engineer.user, name="script")
    api_token_revoke(actor=org.engineer.user, token=ApiToken.objects.get(pk=token.pk))
    response = Client(enforce_csrf_checks=True).patch(
        "/api/v1/plans/1",
        {"expectations": "x"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 401
    assert "WWW-Authenticate" in response


def test_a_signed_in_session_still_needs_the_csrf_token(org: Org) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.engineer.user)
    response = client.post(
        "/api/v1/goals", {"title": "x", "period_id": 1}, content_type="application/json"
    )
    assert response.status_code == 403
