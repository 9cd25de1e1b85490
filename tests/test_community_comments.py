# ruff: noqa: F811  (pytest fixtures imported from tests.community_support are parameters here)
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from dailypapers.community import accounts
from dailypapers.community.sanitize import ALLOWED_TAGS, clean_html, render_comment
from dailypapers.store.schema import moderation_log, papers
from tests.community_support import add_paper, app, client, form_csrf, login, make_user  # noqa: F401

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    '<svg onload="alert(1)"><circle r=1 /></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)">hi</p>',
    '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
    "![img](x\" onerror=\"alert(1))",
    "<details open ontoggle=alert(1)>",
    '<object data="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<<script>script>alert(1)<</script>/script>",
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
]


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML (escaped text builds none)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


@pytest.mark.parametrize("payload", XSS)
def test_xss_payloads_render_inert(payload):
    html = render_comment(payload)
    for tag, attrs in _elements(html):
        assert tag in ALLOWED_TAGS, html
        assert not any(name.startswith("on") or name == "style" for name in attrs), html
        if "href" in attrs:
            assert urlsplit(attrs["href"].strip()).scheme in ("http", "https", "mailto", ""), html


@pytest.mark.parametrize("payload", XSS + ["**bold** and [link](https://example.org) `code`", "> quote\n\n- a\n- b"])
def test_sanitizing_is_idempotent(payload):
    once = render_comment(payload)
    assert clean_html(once) == once
    raw = clean_html(payload)
    assert clean_html(raw) == raw


def test_markdown_survives_sanitizing():
    html = render_comment("# Title\n\n**bold** _it_ [link](https://example.org) `x<y`")
    assert "<h3>Title</h3>" in html and "<strong>bold</strong>" in html and "<em>it</em>" in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener noreferrer">link</a>' in html
    assert "<code>x&lt;y</code>" in html


def _h(db, username, role="member"):
    return {"Authorization": f"Bearer {accounts.create_api_token(db, make_user(db, username, role)['id'], 't')}"}


def _comment_count(db, pid):
    with db.connect() as conn:
        return conn.execute(sa.select(papers.c.comment_count).where(papers.c.id == pid)).scalar()


def test_comment_reply_edit_delete_and_counts(client, db):
    pid = add_paper(db, "2611.00040")
    alice, bob = _h(db, "alice"), _h(db, "bob")
    r = client.post("/api/papers/2611.00040/comments", json={"body": "Nice <script>x</script> **work**"},
                    headers=alice)
    assert r.status_code == 201, r.text
    top = r.json()
    assert "<script>" not in top["html"] and "<strong>work</strong>" in top["html"]
    reply = client.post("/api/papers/2611.00040/comments", json={"body": "agreed", "parentId": top["id"]},
                        headers=bob).json()
    r = client.post("/api/papers/2611.00040/comments", json={"body": "deeper", "parentId": reply["id"]}, headers=alice)
    assert r.status_code == 400 and "one level" in r.text
    assert _comment_count(db, pid) == 2
    listing = client.get("/api/papers/2611.00040/comments").json()
    assert listing["numComments"] == 2 and listing["comments"][0]["replies"][0]["markdown"] == "agreed"
    assert client.patch(f"/api/comments/{top['id']}", json={"body": "mine"}, headers=bob).status_code == 403
    r = client.patch(f"/api/comments/{top['id']}", json={"body": "edited"}, headers=alice)
    assert r.status_code == 200 and r.json()["editedAt"] and r.json()["markdown"] == "edited"
    assert client.delete(f"/api/comments/{top['id']}", headers=bob).status_code == 403
    assert client.delete(f"/api/comments/{top['id']}", headers=alice).status_code == 200
    assert _comment_count(db, pid) == 1
    listing = client.get("/api/papers/2611.00040/comments").json()
    assert listing["comments"][0]["deleted"] and listing["comments"][0]["html"] == ""  # tombstone keeps the reply
    assert client.delete(f"/api/comments/{top['id']}", headers=alice).status_code == 404
    assert _comment_count(db, pid) == 1


def test_moderator_deletes_any_comment_and_it_is_logged(client, db):
    add_paper(db, "2611.00041")
    cid = client.post("/api/papers/2611.00041/comments", json={"body": "spam spam"}, headers=_h(db, "spammer")).json()
    mod = _h(db, "mod", "moderator")
    assert client.delete(f"/api/comments/{cid['id']}?reason=spam", headers=mod).status_code == 200
    log = client.get("/api/moderation/log").json()
    assert log[0]["action"] == "delete_comment" and log[0]["moderator"] == "mod" and log[0]["reason"] == "spam"
    with db.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(moderation_log)).scalar() == 1


def test_empty_and_oversized_comments_name_the_field(client, db):
    add_paper(db, "2611.00042")
    h = _h(db, "carl")
    r = client.post("/api/papers/2611.00042/comments", json={"body": "  "}, headers=h)
    assert r.status_code == 400 and "body" in r.text
    r = client.post("/api/papers/2611.00042/comments", json={"body": "x" * 10_001}, headers=h)
    assert r.status_code == 400 and "longer" in r.text
    r = client.post("/api/papers/2611.00042/comments", content=b"{nope", headers={**h, "content-type":
                                                                                  "application/json"})
    assert r.status_code == 400 and "JSON" in r.text


def test_comment_forms_in_the_browser_flow(client, db):
    pid = add_paper(db, "2611.00043")
    make_user(db, "dora")
    login(client, "dora")
    page = client.get("/papers/2611.00043/comments")
    assert page.status_code == 200 and "Add a comment" in page.text
    r = client.post("/papers/2611.00043/comments", data={"body": "<img src=x onerror=alert(1)> hello",
                                                         "csrf_token": form_csrf(client)}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get("/papers/2611.00043/comments")
    assert "hello" in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text  # shown as text
    assert not any("onerror" in attrs for _tag, attrs in _elements(page.text))
    cid = re.search(r'id="c(\d+)"', page.text).group(1)
    assert client.post(f"/comments/{cid}/edit", data={"body": "changed"}).status_code == 403  # no CSRF token
    client.post(f"/comments/{cid}/edit", data={"body": "changed", "csrf_token": form_csrf(client)})
    assert "changed" in client.get("/papers/2611.00043/comments").text
    client.post(f"/comments/{cid}/delete", data={"csrf_token": form_csrf(client)})
    assert _comment_count(db, pid) == 0


def test_comment_rate_limit(settings, db):
    from fastapi.testclient import TestClient

    from dailypapers.web.app import create_app

    add_paper(db, "2611.00044")
    h = _h(db, "fast")
    with TestClient(create_app(settings.replace(rate_comment="2/minute"), db=db)) as c:
        codes = [c.post("/api/papers/2611.00044/comments", json={"body": f"c{i}"}, headers=h).status_code
                 for i in range(3)]
    assert codes == [201, 201, 429]
