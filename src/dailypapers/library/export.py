"""The library written as BibTeX or CSL-JSON (what reference managers import)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from dailypapers.ids import abs_url

_BIB_SPECIAL = re.compile(r"([&%$#_{}])")


def _bib_escape(text: str) -> str:
    return _BIB_SPECIAL.sub(r"\\\1", text.replace("\\", r"\textbackslash{}"))


def _key(paper: dict) -> str:
    return "arxiv_" + re.sub(r"[^A-Za-z0-9]", "_", paper["arxiv_id"])


def _doi(paper: dict) -> str:
    return paper.get("doi") or f"10.48550/arXiv.{paper['arxiv_id']}"


def to_bibtex(rows: Sequence[dict]) -> str:
    entries = []
    for p in rows:
        fields = [
            ("title", p["title"]),
            ("author", " and ".join(p.get("authors") or [])),
            ("year", str(p["published_at"].year) if p.get("published_at") else ""),
            ("eprint", p["arxiv_id"]),
            ("archivePrefix", "arXiv"),
            ("primaryClass", p.get("primary_category") or ""),
            ("doi", _doi(p)),
            ("url", abs_url(p["arxiv_id"])),
            ("keywords", ", ".join(p.get("tags") or [])),
            ("annote", p.get("note") or ""),
        ]
        body = ",\n".join(f"  {name} = {{{_bib_escape(value)}}}" for name, value in fields if value)
        entries.append(f"@misc{{{_key(p)},\n{body}\n}}\n")
    return "\n".join(entries)


def _csl_name(name: str) -> dict[str, str]:
    given, _, family = name.strip().rpartition(" ")
    return {"family": family, "given": given} if given else {"literal": family}


def to_csl_json(rows: Sequence[dict]) -> str:
    items = []
    for p in rows:
        item: dict = {
            "id": _key(p), "type": "article", "title": p["title"],
            "author": [_csl_name(a) for a in p.get("authors") or []],
            "abstract": p.get("abstract") or "", "URL": abs_url(p["arxiv_id"]), "DOI": _doi(p),
            "number": f"arXiv:{p['arxiv_id']}", "publisher": "arXiv",
        }
        if p.get("published_at"):
            d = p["published_at"]
            item["issued"] = {"date-parts": [[d.year, d.month, d.day]]}
        if p.get("tags"):
            item["keyword"] = ", ".join(p["tags"])
        if p.get("note"):
            item["note"] = p["note"]
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2)
