"""Digest subscription on the account page of a logged-in user (`/account/subscription`).

The subscription belongs to the account (user_id) and goes to the account's email address. A new one is still
confirmed by mail first (the account's address may never have been verified); preferences of a confirmed one
change at once, since the owner is logged in. Forms carry the session's CSRF token.
"""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse

from dailypapers.clock import utcnow
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
from dailypapers.web.deps import get_db, get_settings, templates
from dailypapers.web.routes.mail import _send_confirmation

router = APIRouter(include_in_schema=False)


def _find(conn, user: dict) -> dict | None:
    sub = sstore.get_by_user(conn, user["id"])
    if sub is None and user.get("email"):
        sub = sstore.get_by_email(conn, user["email"].lower())
    return sub


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
def save_account_subscription(request: Request, background: BackgroundTasks, user: dict = Depends(require_user),
                              frequency: str = Form("daily"), topics: str = Form(""), action: str = Form("save")):
    db = get_db(request)
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
        sub, needs_confirmation = sstore.subscribe(conn, email, freq, topic_list, utcnow(), name=user.get(
            "display_name") or user.get("username"), user_id=user["id"])
    if needs_confirmation:
        background.add_task(_send_confirmation, get_settings(request), sub)
        return _page(request, user, sub, message=f"Almost done: confirm with the link we mailed to {email}.")
    return _page(request, user, sub, message=f"{email} cannot receive digests (it bounced or complained).")
