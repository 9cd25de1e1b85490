"""Shared text pieces of the TL;DR and keyphrase extractors: sentence splitting, word tokens, stopwords."""

from __future__ import annotations

import re

# A sentence ends at . ! ? followed by space and an upper-case letter, digit or bracket, unless the period ends a
# common abbreviation ("e.g.", "et al.", "Fig.") or a single initial ("J. Smith").
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"“])")
_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "etc.", "vs.", "fig.", "figs.", "eq.", "eqs.", "sec.", "ref.", "cf.",
                  "approx.", "resp.", "no.", "dr.", "mr.", "ms.", "prof.", "al.", "ca.", "viz.")
WORD = re.compile(r"[A-Za-z0-9]+")

def wordset(text: str) -> frozenset[str]:
    """A word list written as whitespace-separated text (readable, easy to extend)."""
    return frozenset(text.split())


STOPWORDS = wordset("""
a about above across after again against all almost along also although always am among an and another any are
around as at be because been before being below between both but by can cannot could did do does doing done down
due during each either else enough even ever every few for from further had has have having he her here hers
herself him himself his how however i if in into is it its itself just least less like made make makes many may
me might more moreover most much must my myself neither no nor not now of off often on once one only onto or other
others otherwise our ours ourselves out over own per rather same several she should since so some such than that
the their theirs them themselves then there thereby therefore these they this those though through thus to too
toward towards under until up upon us very via was we were what whatever when where whereas whether which while
who whom whose why will with within without would yet you your yours
""")


def split_sentences(text: str) -> list[str]:
    """The sentences of an abstract (whitespace already collapsed), in order."""
    pieces = _BOUNDARY.split(text.strip())
    out: list[str] = []
    for piece in pieces:
        if out and _ends_with_abbreviation(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return [s for s in out if s]


def _ends_with_abbreviation(sentence: str) -> bool:
    tail = sentence.lower()
    if tail.endswith(_ABBREVIATIONS):
        return True
    # "J. Smith": a lone capital letter before the period
    return len(tail) >= 2 and tail[-1] == "." and tail[-2].isalpha() and (len(tail) == 2 or not tail[-3].isalnum())


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric words (the unit ROUGE and the scorers count in)."""
    return [w.lower() for w in WORD.findall(text)]
