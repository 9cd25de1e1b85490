"""Digest subscription on the account page of a logged-in user (`/account/subscription`).

The subscription goes to the account's email address, and the page shows or changes it only once the account has
proven it owns that address (email verification): anyone can register with someone else's address, and must not
see or change the digests that address's owner confirmed. With a verified address, subscribing takes effect at once
(the address is proven and its owner pressed the button). Forms carry the session's CSRF token.
"""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from dailypapers.clock import utcnow
from dailypapers.community import email_verification
from dailypapers.mail.addresses import (
    FREQUENCIES,
    InvalidInput,
    format_topics,
    normalize_email,
    normalize_frequency,
    parse_topics,
)
from dailypapers.store import subscriptions as sstore
from dailypapers.web.auth import csrf_protect, require_user
from dailypapers.web.deps import get_db, templates

router = APIRouter(include_in_schema=False)


def _find(conn: sa.Connection, user: dict) -> dict | None:
    """The subscription of the account's address, once the account has proven it owns it; else None."""
    if not email_verification.is_verified(user):
        return None
    return sstore.get_by_email(conn, user["email"].lower())


def _unverified(request: Request, user: dict) -> HTMLResponse:
    return _page(request, user, None, 403, error="Confirm your email address first (the link we mailed, or a new "
                                                 "one from your account page).")


def _page(request: Request, user: dict, sub: dict | None, status: int = 200, **ctx) -> HTMLResponse:
    form = ctx.pop("form", None) or {"frequency": (sub or {}).get("frequency", "daily"),
                                     "topics": format_topics((sub or {}).get("topics") or [])}
    return templates(request).TemplateResponse(
        request, "mail/account.html", {"nav": "account", "user": user, "sub": sub, "form": form,
                                       "frequencies": FREQUENCIES, **ctx},
        status_code=status, headers={"Cache-Control": "no-store"})


@router.get("/account/subscription", response_class=HTMLResponse)
def account_subscription(request: Request, user: dict = Depends(require_user)):
    with get_db(request).connect() as conn:
        sub = _find(conn, user)
    return _page(request, user, sub)


@router.post("/account/subscription", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def save_account_subscription(request: Request, user: dict = Depends(require_user),
                              frequency: str = Form("daily"), topics: str = Form(""), action: str = Form("save")):
    db = get_db(request)
    if not email_verification.is_verified(user):
        return _unverified(request, user)
    with db.connect() as conn:
        sub = _find(conn, user)
    form = {"frequency": frequency, "topics": topics}
    if action == "unsubscribe":
        if sub is not None:
            with db.write() as conn:
                sub = sstore.unsubscribe(conn, sub["token"], utcnow())
        return _page(request, user, sub, message="Unsubscribed: no more digests.")
    try:
        freq, topic_list = normalize_frequency(frequency), parse_topics(topics)
        email = normalize_email(user.get("email") or "", "account email")
    except InvalidInput as exc:
        return _page(request, user, sub, 422, form=form, error=str(exc))
    if sub is not None and sub["status"] == sstore.CONFIRMED:
        with db.write() as conn:
            sstore.update_preferences(conn, sub["id"], freq, topic_list)
            sub = sstore.get(conn, sub["id"])
        return _page(request, user, sub, message="Saved.")
    with db.write() as conn:
        sub, _ = sstore.subscribe(conn, email, freq, topic_list, utcnow(), name=user.get("display_name")
                                  or user.get("username"), user_id=user["id"])
        if sub["status"] == sstore.PENDING:  # the verified address is the confirmation: no second mail
            sub = sstore.confirm(conn, sub["token"], utcnow())
    if sub is not None and sub["status"] == sstore.CONFIRMED:
        return _page(request, user, sub, message=f"Subscribed: digests go to {email}.")
    return _page(request, user, sub, message=f"{email} cannot receive digests (it bounced or complained).")
