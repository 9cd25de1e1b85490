"""Search highlights in templates: text is escaped, only the search feature's `<mark>` tags survive."""

from __future__ import annotations

import html

from markupsafe import Markup, escape


def marked(text: str | None) -> Markup:
    # Unescape first so text the search layer already escaped is not escaped twice; then escape everything and
    # restore the <mark> tags, so no other markup (say, from a paper title) can reach the page.
    safe = str(escape(html.unescape(str(text or ""))))
    return Markup(safe.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))
