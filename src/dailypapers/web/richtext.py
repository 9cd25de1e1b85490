"""Paper text as HTML: `$…$` LaTeX as MathML (rendered here, on the server: no JavaScript, no CDN), bare
http(s) URLs as links, and the search layer's `<mark>` highlights. Everything else is escaped.

MathML from latex2mathml is re-checked against an allowlist of MathML elements and attributes before it reaches a
page: `\\text{<img …>}` or `\\href{javascript:…}` would otherwise smuggle markup through. Anything unexpected (or
LaTeX latex2mathml cannot parse) falls back to the source text, dollar signs included.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from functools import lru_cache

from latex2mathml.converter import convert
from markupsafe import Markup, escape

# `$x$` as pandoc reads it: no space just inside the dollars and no digit right after the closing one, so prices
# ("$5 and $10") stay text. `$$…$$` is display math.
_MATH = re.compile(r"\$\$(?P<display>[^$]{1,800}?)\$\$|\$(?P<inline>[^\s$](?:[^$]{0,798}[^\s$\\])?)\$(?!\d)")
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\""
_MARK = re.compile(r"</?mark>")

_MATHML_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot",
    "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "merror",
    "mmultiscripts", "mprescripts", "none", "semantics", "annotation",
}
_MATHML_ATTRS = {
    "xmlns", "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "width", "height",
    "depth", "columnalign", "columnspacing", "rowspacing", "rowalign", "columnlines", "rowlines", "frame",
    "framespacing", "displaystyle", "scriptlevel", "accent", "accentunder", "linethickness", "notation",
    "minsize", "maxsize", "movablelimits", "symmetric", "largeop", "form", "encoding", "bevelled",
}
_NS = "{http://www.w3.org/1998/Math/MathML}"


@lru_cache(maxsize=4096)
def latex_to_mathml(latex: str, display: bool = False) -> str | None:
    """MathML for one formula, or None when it cannot be converted safely."""
    try:
        out = convert(latex, display="block" if display else "inline")
        root = ET.fromstring(out)
    except Exception:  # latex2mathml raises many kinds of errors on bad LaTeX; all mean "show the source"
        return None
    for el in root.iter():
        tag = el.tag.removeprefix(_NS)
        if tag not in _MATHML_TAGS or any(a not in _MATHML_ATTRS for a in el.attrib):
            return None
    return out


def _links(text: str, rel: str) -> str:
    """Escape `text` and turn its http(s) URLs into links."""
    out, pos = [], 0
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(_TRAILING)
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        out.append(str(escape(text[pos:m.start()])))
        out.append(f'<a href="{escape(url)}" rel="{rel}">{escape(url)}</a>')
        pos = m.start() + len(url)
    out.append(str(escape(text[pos:])))
    return "".join(out)


def _plain(text: str, marks: bool, links: bool, rel: str) -> str:
    if not marks:
        return _links(text, rel) if links else str(escape(text))
    # Highlights arrive as literal <mark> tags: keep exactly those, escape everything else.
    parts = _MARK.split(text)
    tags = _MARK.findall(text)
    out = []
    for i, part in enumerate(parts):
        out.append(_links(part, rel) if links else str(escape(part)))
        if i < len(tags):
            out.append(tags[i])
    return "".join(out)


def rich_text(text: str | None, *, marks: bool = False, links: bool = True, math: bool = True,
              rel: str = "nofollow noopener") -> Markup:
    """`text` (plain, or with `<mark>` highlights when `marks`) as safe HTML with math and links."""
    raw = str(text or "")
    if marks:  # the search layer escapes its snippets; undo that once so nothing is escaped twice
        raw = html.unescape(raw)
    if not math or "$" not in raw:
        return Markup(_plain(raw, marks, links, rel))
    out, pos = [], 0
    for m in _MATH.finditer(raw):
        latex = m.group("display") or m.group("inline")
        rendered = latex_to_mathml(_MARK.sub("", latex), bool(m.group("display")))
        if rendered is None:
            continue  # stays in the text around it, shown as written
        out.append(_plain(raw[pos:m.start()], marks, links, rel))
        out.append(rendered)
        pos = m.end()
    out.append(_plain(raw[pos:], marks, links, rel))
    return Markup("".join(out))


def math_text(text: str | None) -> Markup:
    """Titles: math, no links."""
    return rich_text(text, links=False)


def author_query(name: str) -> str:
    """The search query for one author's papers (the query syntax joins a name's words with `_`)."""
    return "author:" + "_".join(str(name).split())
