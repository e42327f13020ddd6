"""Whose API tokens one may see and revoke — the only place it is decided.

A token is its owner's alone: nobody else lists or revokes it, HR admins included (a
token acts with its owner's rights, so another's revoking it would be acting as them).
Someone else's token answers 404, as an unknown one does.
"""

from django.db.models import QuerySet
from django.http import Http404

from cadence.accounts.models import ApiToken
from cadence.accounts.types import Actor


def api_tokens_of(user: Actor) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first; none for anyone not signed in."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def api_token_for_revoke(user: Actor, token_id: int) -> ApiToken:
    """One of the user's own tokens; 404 for another's and for an unknown id alike."""
    token = api_tokens_of(user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    return token
