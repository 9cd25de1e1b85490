"""A paper as Markdown (`/papers/{id}.md`), for assistants and scripts: everything its page says, as plain text."""

from __future__ import annotations

import re

from dailypapers.authors import author_path
from dailypapers.ids import abs_url, pdf_url
from dailypapers.ranking import paper_comments, paper_votes

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def escape(text: str) -> str:
    """Text that Markdown shows as written (no emphasis, links or HTML from a title)."""
    return _SPECIAL.sub(r"\\\1", text)


def paper_markdown(row: dict, similar: list[dict], base_url: str) -> str:
    aid = row["arxiv_id"]
    lines = [f"# {escape(row['title'] or aid)}", ""]
    authors = row.get("authors") or []
    if authors:
        lines.append("**Authors:** " + ", ".join(f"[{escape(a)}]({base_url}{author_path(a)})" for a in authors))
    facts = [f"- arXiv: [{aid}{'v' + str(row['version']) if row.get('version') else ''}]({abs_url(aid)}) · "
             f"[PDF]({pdf_url(aid)}) · [page]({base_url}/papers/{aid})"]
    if row.get("published_at"):
        facts.append(f"- Published: {row['published_at'].date().isoformat()}")
    if row.get("updated_at") and row.get("updated_at") != row.get("published_at"):
        facts.append(f"- Updated: {row['updated_at'].date().isoformat()}")
    if row.get("day"):
        facts.append(f"- On the daily list of: {row['day'].isoformat()}")
    if row.get("categories"):
        facts.append(f"- Categories: {', '.join(row['categories'].split())}")
    facts.append(f"- Upvotes: {paper_votes(row)} · Comments: {paper_comments(row)} "
                 f"([read]({base_url}/papers/{aid}#comments))")
    if row.get("code_url"):
        facts.append(f"- Code: <{row['code_url']}>")
    if row.get("project_url"):
        facts.append(f"- Project page: <{row['project_url']}>")
    lines += ["", *facts, ""]
    if row.get("ai_summary"):
        lines += ["## AI summary (Hugging Face, written by a language model)", "", escape(row["ai_summary"]), ""]
    if row.get("tldr"):
        lines += ["## TL;DR (a sentence of the abstract, picked automatically)", "", escape(row["tldr"]), ""]
    if row.get("ai_keywords"):
        lines += ["## Keywords (Hugging Face)", "", ", ".join(escape(k) for k in row["ai_keywords"]), ""]
    if row.get("keyphrases"):
        lines += ["## Keyphrases (extracted from the title and abstract)", "",
                  ", ".join(escape(k) for k in row["keyphrases"]), ""]
    lines += ["## Abstract", "", escape(row.get("abstract") or ""), ""]
    if similar:
        lines += ["## Similar papers", ""]
        lines += [f"- [{escape(s['title'])}]({base_url}/papers/{s['arxiv_id']}.md) ({s['arxiv_id']})"
                  + (f": {escape(s['tldr'])}" if s.get("tldr") else "") for s in similar]
        lines.append("")
    return "\n".join(lines)
