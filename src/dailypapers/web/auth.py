"""Who is asking: session cookies and API tokens, roles, CSRF tokens and proxy-aware request facts.

Route modules use:
  `current_user(request)`        -> the user dict or None (FastAPI dependency or plain call; cached per request)
  `Depends(require_user)`        -> the user, else 401 (API) or a redirect to /login (pages)
  `Depends(require_role("moderator"))` -> the user when their role is at least that (admin > moderator > member)
  `Depends(csrf_protect)`        -> 403 unless a cookie-authenticated state change carries the CSRF token
                                    (form field `csrf_token` or header `X-CSRF-Token`; Bearer API requests skip it)
API tokens (`Authorization: Bearer`) count only under /api/: pages and forms (account, token management, log out
everywhere, moderation) ignore the header, so a token can never do what only a logged-in browser may.
Templates get `current_user` and `csrf_token` from the context processor installed by `install(app)`;
`{{ csrf_input() }}` writes the hidden form field.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from dailypapers.roles import ROLES, checked_role, has_role
from dailypapers.store import comments as comment_store
from dailypapers.store import sessions as session_store
from dailypapers.store import votes as vote_store
from dailypapers.web.deps import get_db

SESSION_COOKIE = "dp_session"
CSRF_COOKIE = "dp_csrf"
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}  # for callers that compare ranks
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class LoginRequired(Exception):
    """Raised for pages that need a logged-in user; `install` turns it into a redirect to /login."""


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def client_ip(request: Request) -> str:
    """The client address, which the proxy-headers middleware has already taken from X-Forwarded-For when (and
    only when) the peer is one of `trusted_proxies` (web/security.py)."""
    return request.client.host if request.client else "unknown"


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"  # X-Forwarded-Proto from a trusted proxy already applied


def _bearer(request: Request) -> str | None:
    """The API token of an /api/ request; None everywhere else (pages ignore the header entirely)."""
    if not is_api(request):
        return None
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def current_user(request: Request) -> dict | None:
    """The logged-in user (dict with id, username, role, …, `auth` = "session" or "token"), or None."""
    if "dp_user" in request.scope:
        return request.scope["dp_user"]
    user = None
    db = get_db(request)
    token = _bearer(request)
    if token:
        with db.connect() as conn:
            user = session_store.api_token_user(conn, token)
        if user is None:
            raise HTTPException(401, "Authorization: the API token is unknown or revoked",
                                headers={"WWW-Authenticate": "Bearer"})
        user["auth"] = "token"
        if user["last_used_at"] is None or session_store.needs_touch(user["last_used_at"]):
            with db.write() as conn:  # at most every few minutes: reads must not queue for the write lock
                session_store.touch_api_token(conn, user["token_id"])
    else:
        secret = request.cookies.get(SESSION_COOKIE)
        if secret:
            with db.connect() as conn:
                user = session_store.session_user(conn, secret)
            if user is not None:
                user["auth"] = "session"
                if session_store.needs_touch(user["last_seen_at"]):
                    with db.write() as conn:
                        session_store.touch_session(conn, secret)
    request.scope["dp_user"] = user
    return user


def require_user(request: Request) -> dict:
    user = current_user(request)
    if user is None:
        if is_api(request):
            raise HTTPException(401, "log in or send Authorization: Bearer <API token>",
                                headers={"WWW-Authenticate": "Bearer"})
        raise LoginRequired()
    return user


def require_role(role: str):
    """Dependency factory: the user when their role ranks at least `role`, else 401/redirect or 403."""
    checked_role(role)

    def dependency(request: Request) -> dict:
        user = require_user(request)
        if not has_role(user["role"], role):
            raise HTTPException(403, f"this needs the {role} role")
        return user

    return dependency


def csrf_token(request: Request) -> str:
    """The token forms must send back: the session's own, or for visitors a random cookie (double submit)."""
    user = current_user(request)
    if user is not None and user.get("auth") == "session":
        return user["csrf_token"]
    token = request.scope.get("dp_new_csrf") or request.cookies.get(CSRF_COOKIE)
    if not token:
        token = secrets.token_urlsafe(32)
        request.scope["dp_new_csrf"] = token  # the middleware sets the cookie on the response
    return token


async def csrf_protect(request: Request) -> None:
    if request.method not in _UNSAFE or _bearer(request):
        return
    if is_api(request) and not request.cookies.get(SESSION_COOKIE):
        return  # no ambient credentials to abuse: the endpoint's own auth answers (401)
    sent = request.headers.get("x-csrf-token")
    if not sent and "form" in request.headers.get("content-type", ""):
        field = (await request.form()).get("csrf_token")
        sent = field if isinstance(field, str) else None
    user = current_user(request)
    expected = user["csrf_token"] if user is not None else request.cookies.get(CSRF_COOKIE)
    if not sent or not expected or not hmac.compare_digest(str(sent), str(expected)):
        raise HTTPException(403, "CSRF token missing or invalid: reload the page and submit the form again")


def set_session_cookie(request: Request, response: Response, secret: str, max_age_days: int) -> None:
    response.set_cookie(SESSION_COOKIE, secret, max_age=max_age_days * 86400, httponly=True, samesite="lax",
                        secure=is_https(request), path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request))


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def _template_context(request: Request) -> dict:
    def csrf_input() -> Markup:
        return Markup('<input type="hidden" name="csrf_token" value="{}">').format(csrf_token(request))

    def user_voted(paper_id: int) -> bool:
        """Whether the logged-in user upvoted the paper (their votes are loaded once per request)."""
        user = current_user(request)
        if user is None:
            return False
        if "dp_votes" not in request.scope:
            with get_db(request).connect() as conn:
                request.scope["dp_votes"] = vote_store.voted_paper_ids(conn, user["id"])
        return paper_id in request.scope["dp_votes"]

    def comment_thread(paper_id: int) -> list[dict]:
        with get_db(request).connect() as conn:
            return comment_store.comments_for_paper(conn, paper_id)

    # The token is looked up only when a template prints it: cached anonymous pages must not carry one
    # visitor's token to the next (visitors' forms that need one are on uncached pages).
    return {"current_user": current_user(request), "csrf_token": _LazyToken(request), "csrf_input": csrf_input,
            "user_voted": user_voted, "comment_thread": comment_thread}


class _LazyToken:
    def __init__(self, request: Request) -> None:
        self._request = request

    def __str__(self) -> str:
        return csrf_token(self._request)

    __html__ = __str__


def install(app: FastAPI) -> None:
    """Hook auth into the app: template context, the visitor CSRF cookie, login redirects."""
    templates = app.state.templates
    templates.context_processors.append(_template_context)

    @app.exception_handler(LoginRequired)
    async def _login_redirect(request: Request, _exc: LoginRequired):
        nxt = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            nxt = request.headers.get("referer") and safe_next(_path_of(request.headers["referer"])) or "/"
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(nxt)}", status_code=303)

    @app.middleware("http")
    async def _csrf_cookie(request: Request, call_next):
        response = await call_next(request)
        token = request.scope.get("dp_new_csrf")
        if token:
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="lax", secure=is_https(request),
                                path="/")
        return response


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
