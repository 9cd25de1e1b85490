"""Code repository and project page links found in free text (abstracts, comments)."""

from __future__ import annotations

import re

_URL_RE = re.compile(r"https?://[^\s<>\"'{}|\\^`\]\[()]+", re.I)
_CODE_HOSTS = ("github.com", "gitlab.com")
_TRAILING = ".,;:!?)]}'\""


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
