"""Code repository and project page links: found in free text (abstracts, comments), and checked wherever they come
from (`http_url`), since a page renders them as links."""

from __future__ import annotations

import re

_URL_RE = re.compile(r"https?://[^\s<>\"'{}|\\^`\]\[()]+", re.I)
_CODE_HOSTS = ("github.com", "gitlab.com")
_TRAILING = ".,;:!?)]}'\""
_UNSAFE_CHARS = re.compile(r"[\s\x00-\x1f\x7f]")


def http_url(value: object) -> str | None:
    """`value` when it is an absolute http(s) URL with a host, else None.

    Only these may be stored or rendered as links: imported data can carry `javascript:` or `data:` URLs, and
    browsers ignore tabs, newlines and leading control characters inside a scheme, so any whitespace or control
    character refuses the value instead of being stripped."""
    if not isinstance(value, str) or len(value) > 2000:
        return None
    value = value.strip()
    if not value or _UNSAFE_CHARS.search(value):
        return None
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return None
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rpartition("@")[2]
    return value if host and not host.startswith(":") else None


def _clean(url: str) -> str:
    url = url.rstrip(_TRAILING)
    if url.lower().endswith(".git"):
        url = url[:-4]
    return url


def _host(url: str) -> str:
    host = url.split("://", 1)[1].split("/", 1)[0].lower()
    return host[4:] if host.startswith("www.") else host


def _repo_root(url: str) -> str | None:
    """github.com/owner/repo[/...] → https://github.com/owner/repo; None for a bare host or user page."""
    scheme_rest = url.split("://", 1)[1]
    parts = [p for p in scheme_rest.split("/") if p]
    if len(parts) < 3:
        return None
    return f"https://{_host(url)}/{parts[1]}/{parts[2]}"


def find_urls(text: str | None) -> list[str]:
    # Abstracts are hard-wrapped; arXiv wraps long URLs onto the next line only at spaces, so no rejoining.
    if not text or "http" not in text:
        return []
    return [_clean(m.group(0)) for m in _URL_RE.finditer(text)]


def extract_links(*texts: str | None) -> tuple[str | None, str | None]:
    """(code repository URL, project page URL) from the first matching links in the texts."""
    code: str | None = None
    project: str | None = None
    for text in texts:
        for url in find_urls(text):
            host = _host(url)
            if code is None and host in _CODE_HOSTS:
                code = _repo_root(url)
                if code:
                    continue
            if project is None and (host.endswith("github.io") or host == "huggingface.co"):
                project = url
    return code, project
