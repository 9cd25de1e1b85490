"""Account pages: register, log in/out, account settings (password, API tokens), password reset by mail."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dailypapers.community import accounts, email_verification, ratelimit, votes
from dailypapers.store import sessions as session_store
from dailypapers.store import users as user_store
from dailypapers.web.auth import (
    SESSION_COOKIE,
    clear_session_cookie,
    client_ip,
    csrf_protect,
    current_user,
    require_user,
    safe_next,
    set_session_cookie,
)
from dailypapers.web.deps import get_db, get_settings, templates
from dailypapers.web.inputs import RowIdPath

router = APIRouter(include_in_schema=False)
RESET_SENT = ("If an account uses that address, a link to reset its password is on its way. "
              "The link works once and expires soon.")
LOGIN_FAILED = "Wrong email, username or password."


def _page(request: Request, name: str, context: dict, status: int = 200):
    return templates(request).TemplateResponse(request, f"community/{name}", context, status_code=status)


def _logged_in_redirect(request: Request, user_id: int, target: str):
    settings = get_settings(request)
    new = accounts.start_session(get_db(request), settings, user_id, old_secret=request.cookies.get(SESSION_COOKIE),
                                 ip=client_ip(request), user_agent=request.headers.get("user-agent"))
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, new.secret, settings.session_days)
    return response


@router.get("/register", response_class=HTMLResponse)
def register_form(request: Request, next: str = "/"):
    return _page(request, "register.html", {"next": safe_next(next), "values": {}, "errors": {}})


@router.post("/register", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def register(request: Request, background: BackgroundTasks, username: str = Form(""), email: str = Form(""),
             password: str = Form(""), next: str = Form("/")):
    db, settings = get_db(request), get_settings(request)
    ratelimit.check(db, settings, "login", account=None, ip=client_ip(request), bucket="register")
    try:
        user_id = accounts.register(db, username, email, password)
    except accounts.AccountError as exc:
        return _page(request, "register.html", {"next": safe_next(next), "errors": {exc.field: exc.message},
                                                "values": {"username": username, "email": email}}, 400)
    with db.connect() as conn:
        user = user_store.get_user(conn, user_id)
    if user is not None and (link := email_verification.start(db, settings, user)):
        background.add_task(email_verification.mail_link, settings, user["email"], link)
    return _logged_in_redirect(request, user_id, safe_next(next))


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/", upvote: str = ""):
    return _page(request, "login.html", {"next": safe_next(next), "error": None, "identifier": "",
                                         "upvote": upvote[:64]})


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def login(request: Request, identifier: str = Form(""), password: str = Form(""), next: str = Form("/"),
          upvote: str = Form("", max_length=64)):
    db, settings = get_db(request), get_settings(request)
    ratelimit.check_login(db, settings, account=accounts.login_key(db, identifier), ip=client_ip(request))
    user = accounts.authenticate(db, identifier, password)
    if user is None:
        return _page(request, "login.html", {"next": safe_next(next), "error": LOGIN_FAILED,
                                             "identifier": identifier, "upvote": upvote}, 400)
    if upvote:
        _upvote_after_login(request, user, upvote)
    return _logged_in_redirect(request, user["id"], safe_next(next))


def _upvote_after_login(request: Request, user: dict, paper_text: str) -> None:
    """A visitor pressed upvote and was asked to log in: the vote they meant is cast now (the login form carried
    it, under the login form's own CSRF check). An unknown or hidden paper, or a rate limit, just skips it."""
    from dailypapers.ids import InvalidArxivId, parse_arxiv_id
    from dailypapers.store.submissions import paper_by_arxiv_id

    try:
        arxiv_id, _ = parse_arxiv_id(paper_text)
    except InvalidArxivId:
        return
    db = get_db(request)
    with db.connect() as conn:
        paper = paper_by_arxiv_id(conn, arxiv_id)
    if paper is None or paper["hidden"]:
        return
    try:
        votes.change(db, get_settings(request), user, paper["id"], "add", client_ip(request))
    except ratelimit.RateLimited:
        return


@router.post("/logout", dependencies=[Depends(csrf_protect)])
def logout(request: Request, everywhere: str = Form("")):
    db = get_db(request)
    user = current_user(request)
    secret = request.cookies.get(SESSION_COOKIE)
    if user is not None and everywhere:
        accounts.end_all_sessions(db, user["id"])
    elif secret:
        accounts.end_session(db, secret)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(request, response)
    return response


def _account_page(request: Request, user: dict, status: int = 200, **extra):
    with get_db(request).connect() as conn:
        tokens = session_store.list_api_tokens(conn, user["id"])
        session_count = session_store.count_user_sessions(conn, user["id"])
    context = {"user": user, "tokens": tokens, "session_count": session_count, "new_token": None, "errors": {},
               "notice": None, "verify_sent": bool(request.query_params.get("verify_sent")), **extra}
    return _page(request, "account.html", context, status)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, user: dict = Depends(require_user)):
    return _account_page(request, user)


@router.post("/account/password", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def change_password(request: Request, current_password: str = Form(""), new_password: str = Form(""),
                    user: dict = Depends(require_user)):
    db, settings = get_db(request), get_settings(request)
    ratelimit.check(db, settings, "login", account=str(user["id"]), ip=client_ip(request), bucket="password")
    try:
        new = accounts.change_password(db, settings, user, current_password, new_password, ip=client_ip(request),
                                       user_agent=request.headers.get("user-agent"))
    except accounts.AccountError as exc:
        return _account_page(request, user, 400, errors={exc.field: exc.message})
    response = RedirectResponse("/account?changed=1", status_code=303)
    set_session_cookie(request, response, new.secret, settings.session_days)
    return response


@router.post("/account/tokens", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def create_token(request: Request, name: str = Form(""), user: dict = Depends(require_user)):
    try:
        secret = accounts.create_api_token(get_db(request), user["id"], name)
    except accounts.AccountError as exc:
        return _account_page(request, user, 400, errors={exc.field: exc.message})
    return _account_page(request, user, new_token=secret)


@router.post("/account/tokens/{token_id}/revoke", dependencies=[Depends(csrf_protect)])
def revoke_token(request: Request, token_id: RowIdPath, user: dict = Depends(require_user)):
    accounts.revoke_api_token(get_db(request), user["id"], token_id)
    return RedirectResponse("/account", status_code=303)


@router.get("/password/forgot", response_class=HTMLResponse)
def forgot_form(request: Request):
    return _page(request, "password_forgot.html", {"sent": None})


@router.post("/password/forgot", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def forgot(request: Request, background: BackgroundTasks, email: str = Form("")):
    db, settings = get_db(request), get_settings(request)
    ratelimit.check(db, settings, "login", account=email.strip().lower(), ip=client_ip(request), bucket="reset")
    link = accounts.request_password_reset(db, settings, email)
    if link is not None:
        # Sent after the response: a slow mail server must not make known addresses answer slower.
        background.add_task(accounts.mail_reset_link, settings, email.strip().lower(), link)
    return _page(request, "password_forgot.html", {"sent": RESET_SENT})


@router.get("/password/reset/{token}", response_class=HTMLResponse)
def reset_form(request: Request, token: str):
    valid = accounts.reset_token_valid(get_db(request), token)
    return _page(request, "password_reset.html", {"token": token, "valid": valid, "error": None},
                 200 if valid else 400)


@router.post("/password/reset/{token}", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def reset(request: Request, token: str, new_password: str = Form("")):
    try:
        accounts.complete_password_reset(get_db(request), token, new_password)
    except accounts.AccountError as exc:
        return _page(request, "password_reset.html", {"token": token, "valid": exc.field != "token",
                                                      "error": exc.message}, 400)
    return _page(request, "message.html", {"title": "Password changed",
                                           "message": "Your password was changed and every session ended. "
                                                      "Log in with the new password."})
