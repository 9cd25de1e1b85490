"""Papers in the JSON shapes of Hugging Face's papers API, so its clients (`huggingface_hub`) read ours.

A daily-list item is `{paper: {...}, publishedAt, title, summary, numComments, submittedBy, ...}`; a single paper
(`/api/papers/{id}`) is the `paper` object itself. Our own extras live under the key `dailypapers`.
"""

from __future__ import annotations

from datetime import datetime

from dailypapers.ids import abs_url, pdf_url
from dailypapers.links import http_url
from dailypapers.ranking import paper_comments, paper_votes


def iso_z(value: datetime | None) -> str | None:
    """Hugging Face's timestamp format: `2025-01-08T06:12:00.000Z` (stored times are naive UTC)."""
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _submitter(row: dict) -> dict | None:
    if not row.get("submitter_name") and not row.get("submitter_username"):
        return None
    username = row.get("submitter_username") or ""
    return {"_id": username, "name": username, "user": username, "fullname": row.get("submitter_name") or username,
            "type": "user", "avatarUrl": ""}


def _extras(row: dict, base_url: str, score: float | None = None) -> dict:
    day = row.get("day")
    extra = {
        "url": f"{base_url}/papers/{row['arxiv_id']}",
        "arxivUrl": abs_url(row["arxiv_id"]),
        "pdfUrl": pdf_url(row["arxiv_id"]),
        "categories": (row.get("categories") or "").split(),
        "dailyDate": day.isoformat() if day else None,
        "communityUpvotes": row.get("vote_count") or 0,
        "importedUpvotes": row.get("imported_upvotes") or 0,
        "updatedAt": iso_z(row.get("updated_at")),
        "version": row.get("version"),
        # Extracted here from the title and abstract (dailypapers.gist); Hugging Face's own are ai_summary/ai_keywords.
        "tldr": row.get("tldr"),
        "keyphrases": row.get("keyphrases") or [],
    }
    if score is not None:
        extra["score"] = score
    return extra


def paper_object(row: dict, base_url: str) -> dict:
    """The `paper` object (also what `/api/papers/{id}` returns)."""
    obj = {
        "id": row["arxiv_id"],
        "authors": [{"_id": f"{row['arxiv_id']}-{i}", "name": name, "hidden": False}
                    for i, name in enumerate(row.get("authors") or [])],
        "publishedAt": iso_z(row.get("published_at")),
        "title": row.get("title") or "",
        "summary": row.get("abstract") or "",
        "upvotes": paper_votes(row),
        "numComments": paper_comments(row),
        "discussionId": row["arxiv_id"],
        "githubRepo": http_url(row.get("code_url")),  # http(s) only, also for rows stored before the check
        "projectPage": http_url(row.get("project_url")),
        "ai_summary": row.get("ai_summary"),
        "ai_keywords": row.get("ai_keywords"),
    }
    if row.get("submitted_at"):
        obj["submittedOnDailyAt"] = iso_z(row["submitted_at"])
        obj["submittedOnDailyBy"] = _submitter(row)
    obj["dailypapers"] = _extras(row, base_url)
    return {k: v for k, v in obj.items() if v is not None}


def daily_item(row: dict, base_url: str, score: float | None = None) -> dict:
    """One item of `/api/daily_papers` and `/api/papers/search`."""
    paper = paper_object(row, base_url)
    item = {
        "paper": paper,
        "publishedAt": iso_z(row.get("submitted_at")) or paper.get("publishedAt"),
        "title": paper["title"],
        "summary": paper["summary"],
        "numComments": paper["numComments"],
        "submittedBy": _submitter(row),
        "isAuthorParticipating": False,
        "dailypapers": _extras(row, base_url, score),
    }
    return {k: v for k, v in item.items() if v is not None}
