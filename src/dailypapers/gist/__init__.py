"""What a paper is about at a glance, computed offline on the CPU from its title and abstract alone:
a one-sentence extractive TL;DR and a handful of keyphrases. A base module (imports only its own parts), so the
store can fill the columns whenever it writes a paper."""

from __future__ import annotations

from dataclasses import dataclass

from dailypapers.gist.keyphrases import keyphrases
from dailypapers.gist.tldr import tldr

# Bumped whenever the extractors change what they return, so stored gists of an older version are recomputed.
VERSION = 1


@dataclass(frozen=True)
class Gist:
    tldr: str | None
    keyphrases: list[str]


def explain(title: str | None, abstract: str | None) -> Gist:
    title, abstract = title or "", abstract or ""
    return Gist(tldr(title, abstract), keyphrases(title, abstract) if (title or abstract) else [])


__all__ = ["VERSION", "Gist", "explain", "keyphrases", "tldr"]
