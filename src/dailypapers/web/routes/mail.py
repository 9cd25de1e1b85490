"""Subscriptions without an account, double opt-in, one-click unsubscribe (RFC 8058), bounce webhook, previews and
the mail admin page.

Links in mails carry the subscriber's unguessable token; a GET never changes anything (mail scanners follow links),
only the POST behind a page's button does. The one-click unsubscribe POST needs no cookie and no CSRF token (mail
providers send it from their servers), is idempotent and answers 200 without a redirect.
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import AfterValidator, AliasChoices, BaseModel, BeforeValidator, Field, TypeAdapter, ValidationError

from dailypapers.clock import utcnow
from dailypapers.community import ratelimit
from dailypapers.config import Settings
from dailypapers.mail.addresses import (
    FREQUENCIES,
    InvalidInput,
    format_topics,
    mailbox_key,
    normalize_email,
    normalize_frequency,
    parse_topics,
)
from dailypapers.mail.backends import MailError, get_backend
from dailypapers.mail.compose import confirmation_message
from dailypapers.mail.sender import preview
from dailypapers.roles import has_role
from dailypapers.store import deliveries as dstore
from dailypapers.store import subscriptions as sstore
from dailypapers.web.auth import client_ip, current_user
from dailypapers.web.deps import get_db, get_settings, templates
from dailypapers.web.errors import error_response
from dailypapers.web.periods import BadParameter, parse_day
from dailypapers.web.security import MAIL_PREVIEW_CSP

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

EVENT_KINDS = ("hard", "soft", "complaint")


def _page(request: Request, name: str, status: int = 200, **ctx) -> HTMLResponse:
    ctx.setdefault("nav", "subscribe")
    return templates(request).TemplateResponse(request, name, ctx, status_code=status,
                                               headers={"Cache-Control": "no-store"})


def _send_confirmation(settings: Settings, subscriber: dict) -> None:
    backend = get_backend(settings)
    try:
        backend.send(confirmation_message(settings, subscriber))
    except MailError as exc:
        log.error("confirmation mail to %s failed: %s", subscriber["email"], exc)
    finally:
        backend.close()


# -- subscribe and confirm ------------------------------------------------------------------------------------------

@router.get("/subscribe", response_class=HTMLResponse)
def subscribe_form(request: Request):
    user = current_user(request)  # a logged-in reader's address is filled in
    return _page(request, "mail/subscribe.html", frequencies=FREQUENCIES,
                 form={"email": user["email"] if user else "", "frequency": "daily", "topics": ""})


@router.post("/subscribe", response_class=HTMLResponse)
def subscribe(request: Request, background: BackgroundTasks, email: str = Form(""), frequency: str = Form("daily"),
              topics: str = Form("")):
    form = {"email": email, "frequency": frequency, "topics": topics}
    try:
        address = normalize_email(email)
        freq = normalize_frequency(frequency)
        topic_list = parse_topics(topics)
    except InvalidInput as exc:
        field, _, message = str(exc).partition(": ")
        errors = {field: message} if field in form and message else {"form": str(exc)}
        return _page(request, "mail/subscribe.html", 422, form=form, frequencies=FREQUENCIES, errors=errors)
    settings, db = get_settings(request), get_db(request)
    # Each request may mail a stranger: per mailbox (+tags and capitals are one inbox) and per client address.
    ratelimit.check(db, settings, "subscribe", account=f"mailbox:{mailbox_key(address)}", ip=client_ip(request))
    with db.write() as conn:
        sub, needs_confirmation = sstore.subscribe(conn, address, freq, topic_list, utcnow())
    if needs_confirmation:
        background.add_task(_send_confirmation, settings, sub)
    # The same answer whether or not the address was known: the form must not reveal who subscribes.
    chosen = "a daily digest (weekdays)" if freq == "daily" else "a weekly digest"
    about = f" on {format_topics(topic_list)}" if topic_list else " of what is trending"
    return _page(request, "mail/notice.html", title="Check your inbox",
                 message=f"You asked for {chosen}{about}. If {address} can receive our mail, a confirmation link "
                         f"is on its way. Nothing will be sent before you confirm.")


@router.get("/subscribe/confirm/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, token: str):
    with get_db(request).connect() as conn:
        sub = sstore.get_by_token(conn, token)
    if sub is None:
        return error_response(request, 404, "This confirmation link is unknown or was mistyped.")
    if sub["status"] == sstore.CONFIRMED:
        return _page(request, "mail/notice.html", title="Already confirmed",
                     message=f"{sub['email']} is subscribed to the {sub['frequency']} digest.",
                     link=(f"/subscription/{token}", "Manage your subscription"))
    return _page(request, "mail/notice.html", title="Confirm your subscription",
                 message=f"Send the {sub['frequency']} digest to {sub['email']}?",
                 action=f"/subscribe/confirm/{token}", button="Confirm subscription")


@router.post("/subscribe/confirm/{token}", response_class=HTMLResponse)
def confirm(request: Request, token: str):
    with get_db(request).write() as conn:
        sub = sstore.get_by_token(conn, token)
        if sub is not None and sub["status"] == sstore.UNSUBSCRIBED:
            sub = None  # an old confirmation link must not undo a later unsubscribe
        elif sub is not None:
            sub = sstore.confirm(conn, token, utcnow())
    if sub is None or sub["status"] != sstore.CONFIRMED:
        return error_response(request, 404, "This confirmation link is unknown, expired or was mistyped.")
    return _page(request, "mail/notice.html", title="Subscription confirmed",
                 message=f"{sub['email']} will get the {sub['frequency']} digest.",
                 link=(f"/subscription/{token}", "Choose topics or change frequency"))


# -- unsubscribe (RFC 8058) -----------------------------------------------------------------------------------------

@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str):
    with get_db(request).connect() as conn:
        sub = sstore.get_by_token(conn, token)
    if sub is None:
        return error_response(request, 404, "This unsubscribe link is unknown or was mistyped.")
    if sub["status"] in (sstore.UNSUBSCRIBED, sstore.SUPPRESSED):
        return _page(request, "mail/notice.html", title="Unsubscribed",
                     message=f"{sub['email']} gets no digests from us.")
    return _page(request, "mail/notice.html", title="Unsubscribe",
                 message=f"Stop sending digests to {sub['email']}?", action=f"/unsubscribe/{token}",
                 button="Unsubscribe", field=("List-Unsubscribe", "One-Click"))


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe(request: Request, token: str):
    with get_db(request).write() as conn:
        sub = sstore.unsubscribe(conn, token, utcnow())
    if sub is None:
        return error_response(request, 404, "This unsubscribe link is unknown or was mistyped.")
    return _page(request, "mail/notice.html", title="Unsubscribed",
                 message=f"{sub['email']} will get no more digests. Changed your mind? Subscribe again any time.",
                 link=("/subscribe", "Subscribe again"))


# -- manage and preview ---------------------------------------------------------------------------------------------

@router.get("/subscription/{token}", response_class=HTMLResponse)
def manage_page(request: Request, token: str):
    with get_db(request).connect() as conn:
        sub = sstore.get_by_token(conn, token)
    if sub is None:
        return error_response(request, 404, "This subscription link is unknown or was mistyped.")
    return _page(request, "mail/manage.html", sub=sub, token=token, frequencies=FREQUENCIES,
                 form={"frequency": sub["frequency"], "topics": format_topics(sub["topics"] or [])})


@router.post("/subscription/{token}", response_class=HTMLResponse)
def manage(request: Request, token: str, frequency: str = Form("daily"), topics: str = Form("")):
    db = get_db(request)
    with db.connect() as conn:
        sub = sstore.get_by_token(conn, token)
    if sub is None:
        return error_response(request, 404, "This subscription link is unknown or was mistyped.")
    form = {"frequency": frequency, "topics": topics}
    try:
        freq, topic_list = normalize_frequency(frequency), parse_topics(topics)
    except InvalidInput as exc:
        return _page(request, "mail/manage.html", 422, sub=sub, token=token, frequencies=FREQUENCIES, form=form,
                     error=str(exc))
    with db.write() as conn:
        sstore.update_preferences(conn, sub["id"], freq, topic_list)
    sub.update(frequency=freq, topics=topic_list)
    return _page(request, "mail/manage.html", sub=sub, token=token, frequencies=FREQUENCIES, saved=True,
                 form={"frequency": freq, "topics": format_topics(topic_list)})


def _preview_response(request: Request, sub: dict, day: str | None) -> Response:
    try:  # the calendar's edges (year 1) would overflow the digest's date arithmetic
        when = parse_day(day, "date").start if day else None
    except BadParameter as exc:
        return error_response(request, exc.status, str(exc), exc.param)
    _, message = preview(get_db(request), get_settings(request), sub, day=when)
    html = message.get_body(("html",)).get_content()
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex",
                                       "Content-Security-Policy": MAIL_PREVIEW_CSP})


@router.get("/subscription/{token}/preview", response_class=HTMLResponse)
def preview_page(request: Request, token: str, day: str | None = Query(None, alias="date")):
    """The digest this subscriber would get next, as the mail's HTML part (nothing is sent or recorded)."""
    with get_db(request).connect() as conn:
        sub = sstore.get_by_token(conn, token)
    if sub is None:
        return error_response(request, 404, "This subscription link is unknown or was mistyped.")
    return _preview_response(request, sub, day)


# -- bounces --------------------------------------------------------------------------------------------------------

def _secret_ok(request: Request, secret: str) -> bool:
    given = request.headers.get("x-webhook-secret") or ""
    auth = request.headers.get("authorization") or ""
    if auth.lower().startswith("bearer "):
        given = given or auth[7:].strip()
    return bool(given) and hmac.compare_digest(given.encode(), secret.encode())


@router.post("/webhooks/bounce")
async def bounce_webhook(request: Request):
    """Bounces and complaints from the mail provider: `{"email", "type": hard|soft|complaint, "detail"}`, or a list of
    those (also under "events"). Authenticated by the `mail_webhook_secret` in `X-Webhook-Secret` or a Bearer token."""
    settings = get_settings(request)
    if not settings.mail_webhook_secret:
        return JSONResponse({"error": "the bounce webhook is disabled (setting mail_webhook_secret)"}, 404)
    if not _secret_ok(request, settings.mail_webhook_secret.get_secret_value()):
        return JSONResponse({"error": "missing or wrong webhook secret"}, 403)
    try:  # checked after the secret: strangers learn nothing about the format
        events = _BOUNCE_BODY.validate_json(await request.body() or b"null")
    except ValidationError as exc:
        return JSONResponse({"error": _bounce_error(exc)}, 400)
    events = events.events if isinstance(events, BounceBatch) else events
    events = events if isinstance(events, list) else [events]
    results = []
    with get_db(request).write() as conn:
        for ev in events:
            status = sstore.record_event(conn, ev.email, ev.type, ev.detail, utcnow(), settings.mail_soft_bounce_limit)
            results.append({"email": ev.email, "type": ev.type, "status": status})
    return {"processed": len(results), "results": results}


def _email(value: str) -> str:
    try:
        return normalize_email(value, "")
    except InvalidInput as exc:
        raise ValueError(str(exc).removeprefix(": ")) from None


class BounceEvent(BaseModel):
    """One bounce or complaint as mail providers post it (`kind` is accepted for `type`, in any case)."""

    email: Annotated[str, AfterValidator(_email)]
    type: Annotated[Literal["hard", "soft", "complaint"], BeforeValidator(lambda v: str(v).lower() if v else v)] = (
        Field(validation_alias=AliasChoices("type", "kind")))
    detail: Annotated[str | None, BeforeValidator(lambda v: str(v)[:1000] or None if v else None)] = None


class BounceBatch(BaseModel):
    events: list[BounceEvent] = Field(min_length=1)


_BOUNCE_BODY = TypeAdapter(BounceBatch | Annotated[list[BounceEvent], Field(min_length=1)] | BounceEvent)


def _bounce_error(exc: ValidationError) -> str:
    """The first problem, as `events[i].field: why` (`body: …` when the JSON itself is not an event or a list)."""
    errors = exc.errors()
    # A union tries each shape; the problem worth naming is in the deepest path (a field of one event).
    error = max(errors, key=lambda e: len(e["loc"]))
    loc = [str(x) for x in error["loc"] if x not in ("BounceBatch", "BounceEvent", "list[BounceEvent]", "events")]
    index = next((x for x in loc if x.isdigit()), None)
    fields = [x for x in loc if not x.isdigit() and not x.startswith("function-")]
    if error["type"] == "json_invalid":
        return "body: not JSON"
    if not fields or len(error["loc"]) < 2:
        return "body: expected an event object {email, type, detail} or a list of them"
    where = f"events[{index or 0}].{fields[-1]}"
    message = str((error.get("ctx") or {}).get("error") or error["msg"])
    if error["type"] == "literal_error":
        message = f"must be one of {', '.join(EVENT_KINDS)}"
    return f"{where}: {message}"


# -- admin ----------------------------------------------------------------------------------------------------------

def _admin_allowed(request: Request) -> bool:
    user = current_user(request)
    return user is not None and has_role(user["role"], "admin")


@router.get("/admin/mail", response_class=HTMLResponse)
def admin_page(request: Request, page: int = Query(1, ge=1, le=100000)):
    if not _admin_allowed(request):
        return error_response(request, 403, "The mail admin page is for admins.")
    per_page = 100
    with get_db(request).connect() as conn:
        ctx: dict = {"periods": dstore.periods(conn), "rows": dstore.recent(conn, per_page, (page - 1) * per_page),
               "subscribers": sstore.count_by_status(conn), "events": sstore.recent_events(conn, 30),
               "page": page, "per_page": per_page}
    return _page(request, "mail/admin.html", nav="admin", **ctx)


@router.get("/admin/mail/preview", response_class=HTMLResponse)
def admin_preview(request: Request, email: str = Query(...), day: str | None = Query(None, alias="date")):
    if not _admin_allowed(request):
        return error_response(request, 403, "The mail admin page is for admins.")
    try:
        address = normalize_email(email)
    except InvalidInput as exc:
        return error_response(request, 400, str(exc), "email")
    with get_db(request).connect() as conn:
        sub = sstore.get_by_email(conn, address)
    if sub is None:
        return error_response(request, 404, f"{address} is not a subscriber.")
    return _preview_response(request, sub, day)
