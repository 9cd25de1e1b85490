"""XML parsing shared by the arXiv clients.

The standard library's ElementTree (expat) is enough: it never fetches external entities or DTDs, and the
bundled expat (≥ 2.4.1) caps entity amplification, so a hostile "billion laughs" document fails instead of
eating memory. A response that is not well-formed (truncated mid-document, an HTML error page) becomes a
`SourceFormatError` naming the URL, line and column.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET


class SourceFormatError(ValueError):
    """A response from arXiv that cannot be understood; the message names the URL and what is wrong."""


def parse_xml(text: str, url: str) -> ET.Element:
    if not text.strip():
        raise SourceFormatError(f"{url}: empty response where XML was expected")
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        snippet = text.lstrip()[:60].replace("\n", " ")
        raise SourceFormatError(f"{url}: malformed or truncated XML ({exc}); response starts {snippet!r}") from None


def text_of(elem: ET.Element | None, path: str, ns: dict[str, str]) -> str | None:
    if elem is None:
        return None
    found = elem.find(path, ns)
    if found is None or found.text is None:
        return None
    return found.text
