"""The address of an agent's calendar feed, and renewing it.

A calendar app cannot log in, so the feed address itself is the credential: the user id and a
key, an HMAC of the user id under the secret key (:func:`overview.calendar_feed_key`). An agent
who shared the address by mistake renews it: the user's ``calendar_feed_round`` counts up and is
part of the key from then on, so the old address stops working at once and nothing secret is
stored. Changing the secret key still revokes every address.
"""

from __future__ import annotations

from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.overview import calendar_feed_key
from bezetting.services.users import Principal
from bezetting.store import SessionFactory, transaction
from bezetting.store.models import User

__all__ = ["feed_key", "renew_feed_key"]


def feed_key(sessions: SessionFactory, secret_key: str, user_id: int) -> str:
    """The key of the user's feed address as it is now.

    Raises:
        NotFoundError: no such user, or one no longer active.
    """
    with transaction(sessions) as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise NotFoundError("no such calendar feed")
        return calendar_feed_key(secret_key, user_id, feed_round=user.calendar_feed_round)


def renew_feed_key(sessions: SessionFactory, who: Principal) -> None:
    """Give the caller's feed a new address; the old one stops working.

    Raises:
        PermissionDeniedError: the caller is not an agent (only an agent has a feed).
    """
    if who.agent_id is None:
        raise PermissionDeniedError("only an agent has a calendar of their own")
    with transaction(sessions, writes=True) as session:
        user = session.get(User, who.user_id)
        if user is None:
            raise NotFoundError("no such user")
        user.calendar_feed_round += 1
