"""``cadence.accounts.access``: an API token is its owner's alone, for every role."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from cadence.accounts import access, services
from cadence.accounts.models import ApiToken, User
from tests.conftest import Org


@pytest.fixture
def token(org: Org) -> ApiToken:
    created, _secret = services.api_token_create(
        actor=org.engineer.user, name="Payroll export", expires_in_days=30
    )
    return created


def test_api_tokens_of_lists_only_ones_own(org: Org, token: ApiToken) -> None:
    assert list(access.api_tokens_of(User.objects.get(pk=org.engineer.user_id))) == [token]
    for other in (org.engineer2, org.eng_manager, org.hr, org.exec_viewer, org.seller):
        assert list(access.api_tokens_of(User.objects.get(pk=other.user_id))) == [], other
    assert list(access.api_tokens_of(AnonymousUser())) == []


def test_api_token_for_revoke_is_the_owners_alone(org: Org, token: ApiToken) -> None:
    owner = User.objects.get(pk=org.engineer.user_id)
    assert access.api_token_for_revoke(owner, token.pk) == token
    # HR admins and the owner's own manager included: a token acts as its owner.
    for other in (org.engineer2, org.eng_manager, org.hr, org.exec_viewer, org.seller):
        with pytest.raises(Http404):
            access.api_token_for_revoke(User.objects.get(pk=other.user_id), token.pk)
    with pytest.raises(Http404):
        access.api_token_for_revoke(AnonymousUser(), token.pk)
    with pytest.raises(Http404):
        access.api_token_for_revoke(owner, token.pk + 1000)
