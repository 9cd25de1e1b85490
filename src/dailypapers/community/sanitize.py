"""Comment bodies: Markdown (CommonMark, raw HTML disabled) rendered by markdown-it-py, then cleaned by nh3
with a small allowlist. Raw HTML in the source is shown as text; whatever gets through rendering is cleaned
again, and cleaning is idempotent (clean(clean(x)) == clean(x))."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

MAX_COMMENT_CHARS = 10_000
ALLOWED_TAGS = {"p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a",
                "h3", "h4", "h5", "h6", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

# Bare http(s) URLs become links (linkify-it-py); "example.com" without a scheme stays text.
_md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
_md.enable("linkify").disable("image")
if _md.linkify is not None:  # set by the "linkify" option when linkify-it-py is installed (a dependency)
    _md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})


def clean_html(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="nofollow ugc noopener noreferrer", strip_comments=True,
                     clean_content_tags={"script", "style"})


def render_comment(markdown: str) -> str:
    """Safe HTML for a comment's Markdown source."""
    html = _md.render(markdown)
    # Headings inside a comment must not outrank the page's own; h1/h2 become h3.
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>").replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    return clean_html(html)
