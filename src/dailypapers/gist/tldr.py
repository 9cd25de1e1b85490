"""One-sentence TL;DR: the abstract's sentence that best states what the paper does, its lead-in trimmed.

Extractive by construction: the result is always a sentence of the abstract, or its tail from the verb phrase
"we propose …" on (first letter capitalized), never new words."""

from __future__ import annotations

import re
from collections import Counter

from dailypapers.gist.text import STOPWORDS, split_sentences, words

# Sentences that announce the contribution ("we propose", "this paper introduces", "X is a novel …").
_CUE = re.compile(
    r"\b(?:we|this (?:paper|work|study|article)|our (?:work|paper|method|approach))\s+(?:\w+ly\s+)?"
    r"(?:propose|proposes|introduce|introduces|present|presents|develop|develops|design|designs|describe|"
    r"describes|build|builds|release|releases|formulate|formulates|construct|constructs|offer|offers|"
    r"curate|curates|establish|establishes|demonstrate|demonstrates|show|shows|explore|explores|investigate|"
    r"investigates|study|studies|leverage|leverages|tackle|tackles|address|addresses)\b",
    re.I,
)
_STRONG_CUE = re.compile(r"\b(?:propose|proposes|introduce|introduces|present|presents)\b", re.I)
_NOVEL = re.compile(r"\b(?:novel|new|first|framework|benchmark|method|approach|model)\b", re.I)
_NOISE = re.compile(r"https?://|github|\bcode\b.*\bavailable\b|\bavailable at\b|project page|\bLINK\b", re.I)
# The lead-in before "we propose …" ("To address this, in this work, ") says nothing the reader needs.
_LEAD_IN = re.compile(
    r"^.{0,120}?(?:,\s*|^)(?=(?:we|this paper|this work|this study)\s+(?:\w+ly\s+)?"
    r"(?:propose|proposes|introduce|introduces|present|presents|develop|develops|design|designs)\b)",
    re.I,
)


def _content(tokens: list[str]) -> list[str]:
    return [t for t in tokens if t not in STOPWORDS and not t.isdigit()]


def _trim(sentence: str) -> str:
    match = _LEAD_IN.match(sentence)
    if match and match.end() > 0:
        rest = sentence[match.end():]
        return rest[0].upper() + rest[1:]
    return sentence


def tldr(title: str, abstract: str) -> str | None:
    """The TL;DR of a paper, or None when the abstract has no sentence."""
    sentences = split_sentences(abstract)
    if not sentences:
        return None
    if len(sentences) == 1:
        return _trim(sentences[0])
    toks = [_content(words(s)) for s in sentences]
    doc_freq: Counter[str] = Counter()
    for t in toks:
        doc_freq.update(set(t))
    title_words = set(_content(words(title)))
    best, best_score = 0, float("-inf")
    n = len(sentences)
    for i, (sentence, t) in enumerate(zip(sentences, toks, strict=True)):
        if not t:
            continue
        unique = set(t)
        centrality = sum(doc_freq[w] - 1 for w in unique) / (len(unique) + 3)
        title_overlap = len(unique & title_words) / (len(title_words) or 1)
        score = 0.6 * centrality + 2.0 * title_overlap
        if _CUE.search(sentence):
            score += 1.5 + (1.0 if _STRONG_CUE.search(sentence) else 0.0)
        if _NOVEL.search(sentence):
            score += 0.3
        score -= 0.25 * i / n
        if _NOISE.search(sentence):
            score -= 3.0
        length = len(t)
        if length < 6:
            score -= 1.5
        elif length > 40:
            score -= 0.05 * (length - 40)
        if score > best_score:
            best, best_score = i, score
    return _trim(sentences[best])
