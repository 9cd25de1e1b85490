"""Registration, login, sessions, password change and reset, API tokens.

Secrets (session cookies, API tokens, reset links) are 256-bit random strings; the store keeps only hashes.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from dailypapers.community import passwords
from dailypapers.community.mailer import send_mail
from dailypapers.config import Settings
from dailypapers.errors import DomainError
from dailypapers.mail.addresses import InvalidInput, normalize_email
from dailypapers.store import sessions as session_store
from dailypapers.store import users as user_store
from dailypapers.store.db import Database

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,38}[A-Za-z0-9]$")
TOKEN_PREFIX = "dp_"
log = logging.getLogger(__name__)


class AccountError(DomainError):
    """A request about an account that cannot be honoured; `field` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(400, message, field)


@dataclass
class NewSession:
    secret: str  # the cookie value
    csrf_token: str


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def validate_username(username: str) -> str:
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise AccountError("username", "3 to 40 letters, digits, '.', '_' or '-', starting and ending with a "
                                       "letter or digit")
    return username


def validate_email(email: str) -> str:
    try:
        return normalize_email(email)
    except InvalidInput:
        raise AccountError("email", "not an email address") from None


def register(db: Database, username: str, email: str, password: str, role: str = "member") -> int:
    username, email = validate_username(username), validate_email(email)
    try:
        passwords.check_policy(password, username, email)
    except passwords.WeakPassword as exc:
        raise AccountError("password", str(exc).split(": ", 1)[1]) from None
    hashed = passwords.hash_password(password)
    with db.write() as conn:
        try:
            return user_store.create_user(conn, username, email, hashed, role=role)
        except user_store.DuplicateUser as exc:
            raise AccountError(exc.field.split()[0], f"{exc.field} is already taken") from None


def authenticate(db: Database, identifier: str, password: str) -> dict | None:
    """The user for these credentials, or None. Unknown accounts cost one argon2 verification too."""
    with db.connect() as conn:
        user = user_store.find_by_login(conn, identifier or "")
    if user is None:
        passwords.verify_dummy(password)
        return None
    if not passwords.verify_password(user["password_hash"], password) or user["suspended_at"] is not None:
        return None
    if passwords.needs_rehash(user["password_hash"]):
        with db.write() as conn:
            user_store.set_password(conn, user["id"], passwords.hash_password(password))
    return user


def login_key(db: Database, identifier: str) -> str:
    """What login attempts are counted under: the account (its username and its email are one key), or for
    unknown accounts the identifier as normalized (so guessing at them is limited the same way)."""
    with db.connect() as conn:
        user = user_store.find_by_login(conn, identifier or "")
    return f"user:{user['id']}" if user is not None else f"name:{(identifier or '').strip().lower()[:150]}"


def start_session(db: Database, settings: Settings, user_id: int, old_secret: str | None = None,
                  ip: str | None = None, user_agent: str | None = None) -> NewSession:
    """A fresh session id (never the one the browser came with: no session fixation)."""
    new = NewSession(new_secret(), new_secret())
    with db.write() as conn:
        if old_secret:
            session_store.delete_session(conn, old_secret)
        session_store.create_session(conn, new.secret, user_id, new.csrf_token, timedelta(days=settings.session_days),
                                     ip=ip, user_agent=user_agent)
        user_store.touch_login(conn, user_id)
    return new


def end_session(db: Database, secret: str) -> None:
    with db.write() as conn:
        session_store.delete_session(conn, secret)


def end_all_sessions(db: Database, user_id: int) -> int:
    with db.write() as conn:
        return session_store.delete_user_sessions(conn, user_id)


def change_password(db: Database, settings: Settings, user: dict, current: str, new: str,
                    ip: str | None = None, user_agent: str | None = None) -> NewSession:
    """Change the password, end every session and API token of the user, and return a new session for this
    browser."""
    with db.connect() as conn:
        row = user_store.find_by_login(conn, user["username"])
    if row is None or not passwords.verify_password(row["password_hash"], current):
        raise AccountError("current_password", "does not match your password")
    _set_password(db, row, new)
    return start_session(db, settings, row["id"], ip=ip, user_agent=user_agent)


def _set_password(db: Database, user: dict, new: str) -> None:
    try:
        passwords.check_policy(new, user["username"], user.get("email"))
    except passwords.WeakPassword as exc:
        raise AccountError("new_password", str(exc).split(": ", 1)[1]) from None
    hashed = passwords.hash_password(new)
    with db.write() as conn:
        user_store.set_password(conn, user["id"], hashed)
        session_store.delete_user_sessions(conn, user["id"])
        session_store.revoke_user_api_tokens(conn, user["id"])  # a stolen token must not outlive the password


def request_password_reset(db: Database, settings: Settings, email: str) -> str | None:
    """Mail a reset link when an account has this email; the caller answers the same either way.

    Returns the link (None for unknown emails) only so callers can run the mail off the request path.
    """
    try:
        email = validate_email(email)
    except AccountError:
        return None
    with db.connect() as conn:
        user = user_store.find_by_login(conn, email)
    if user is None or user["suspended_at"] is not None:
        return None
    secret = new_secret()
    with db.write() as conn:
        session_store.create_password_reset(conn, user["id"], secret,
                                            timedelta(minutes=settings.password_reset_minutes))
    return f"{settings.base_url.rstrip('/')}/password/reset/{secret}"


def mail_reset_link(settings: Settings, email: str, link: str) -> None:
    try:
        _send_reset(settings, email, link)
    except Exception:  # runs after the response: log it, the user can ask again
        log.exception("could not mail the password-reset link to %s", email)


def _send_reset(settings: Settings, email: str, link: str) -> None:
    send_mail(settings, email, f"Reset your {settings.site_name} password",
              f"Someone (hopefully you) asked to reset the password of your {settings.site_name} account.\n\n"
              f"Choose a new password here (the link works once, for {settings.password_reset_minutes} minutes):\n"
              f"{link}\n\nIf you did not ask, ignore this message; your password stays as it is.")


def reset_token_valid(db: Database, secret: str) -> bool:
    with db.connect() as conn:
        return session_store.valid_password_reset(conn, secret) is not None


def complete_password_reset(db: Database, secret: str, new: str) -> dict:
    with db.connect() as conn:
        user_id = session_store.valid_password_reset(conn, secret)
        user = user_store.get_user(conn, user_id) if user_id else None
    if user is None:
        raise AccountError("token", "this reset link is invalid, used or expired; ask for a new one")
    try:
        passwords.check_policy(new, user["username"], user.get("email"))
    except passwords.WeakPassword as exc:
        raise AccountError("new_password", str(exc).split(": ", 1)[1]) from None
    with db.write() as conn:
        if session_store.use_password_reset(conn, secret) != user["id"]:
            raise AccountError("token", "this reset link is invalid, used or expired; ask for a new one")
    _set_password(db, user, new)
    return user


def create_api_token(db: Database, user_id: int, name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise AccountError("name", "give the token a name of 1 to 100 characters")
    secret = TOKEN_PREFIX + new_secret()
    with db.write() as conn:
        session_store.create_api_token(conn, user_id, name, secret)
    return secret


def revoke_api_token(db: Database, user_id: int, token_id: int) -> bool:
    with db.write() as conn:
        return session_store.revoke_api_token(conn, user_id, token_id)
