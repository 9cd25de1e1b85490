"""Email verification pages: the mailed link (a page with a button, so mail scanners following links confirm
nothing) and the account page's "mail me a new link"."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dailypapers.community import email_verification, ratelimit
from dailypapers.web.auth import client_ip, csrf_protect, require_user
from dailypapers.web.deps import get_db, get_settings, templates

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
    return templates(request).TemplateResponse(request, f"community/{name}", context, status_code=status,
                                               headers={"Cache-Control": "no-store"})


@router.get("/account/email/verify/{token}", response_class=HTMLResponse)
def verify_form(request: Request, token: str) -> HTMLResponse:
    account = email_verification.pending_account(get_db(request), token)
    return _page(request, "email_verify.html", {"token": token, "account": account}, 200 if account else 400)


@router.post("/account/email/verify/{token}", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def verify(request: Request, token: str) -> HTMLResponse:
    account = email_verification.verify(get_db(request), token)
    if account is None:
        return _page(request, "email_verify.html", {"token": token, "account": None}, 400)
    return _page(request, "message.html", {"title": "Email address confirmed",
                                           "message": f"{account['email']} is confirmed as the address of "
                                                      f"{account['username']}."})


@router.post("/account/email/verify", dependencies=[Depends(csrf_protect)])
def send_new_link(request: Request, background: BackgroundTasks,
                  user: dict = Depends(require_user)) -> RedirectResponse:
    db, settings = get_db(request), get_settings(request)
    # Same limit as logins and resets: the button must not become a way to flood a mailbox.
    ratelimit.check(db, settings, "login", account=str(user["id"]), ip=client_ip(request),
                    bucket="verify")
    link = email_verification.start(db, settings, user)
    if link is not None:
        background.add_task(email_verification.mail_link, settings, user["email"], link)
    return RedirectResponse("/account?verify_sent=1", status_code=303)
