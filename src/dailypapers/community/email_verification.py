"""Proving an account owns its email address: a one-time link mailed to it (through the mail backends).

Registration mails the first link; the account page mails a new one on request. Until the link is used, nothing
tied to the address (a digest subscription someone else may have confirmed) belongs to the account.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from dailypapers.community.accounts import new_secret
from dailypapers.community.mailer import send_mail
from dailypapers.config import Settings
from dailypapers.store import email_verifications as store
from dailypapers.store.db import Database

LINK_LIFETIME = timedelta(days=2)
log = logging.getLogger(__name__)


def is_verified(user: dict | None) -> bool:
    return bool(user and user.get("email") and user.get("email_verified_at"))


def start(db: Database, settings: Settings, user: dict) -> str | None:
    """A new verification link for the account's address; None when it has no address or it is verified."""
    if not user.get("email") or is_verified(user):
        return None
    secret = new_secret()
    with db.write() as conn:
        store.create(conn, user["id"], user["email"], secret, LINK_LIFETIME)
    return f"{settings.base_url.rstrip('/')}/account/email/verify/{secret}"


def mail_link(settings: Settings, email: str, link: str) -> None:
    """Send the link; runs after the response, so a failure is logged (the account page can send another)."""
    days = LINK_LIFETIME.days
    try:
        send_mail(settings, email, f"Confirm your email address for {settings.site_name}",
                  f"Someone (hopefully you) created a {settings.site_name} account with this address, or asked to "
                  f"confirm it.\n\nConfirm that the address is yours here (the link works once, for {days} days):\n"
                  f"{link}\n\nIf it was not you, ignore this message.")
    except Exception:
        log.exception("could not mail the email verification link to %s", email)


def pending_account(db: Database, secret: str) -> dict | None:
    """The account (username, email) a live link would verify, so its page can say which; None when it is dead."""
    with db.connect() as conn:
        return store.pending(conn, secret)


def verify(db: Database, secret: str) -> dict | None:
    """Use the link: the account (with its now verified email), or None for an unknown, used or expired link."""
    with db.write() as conn:
        return store.use(conn, secret)
