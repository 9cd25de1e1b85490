"""5–10 keyphrases per paper: noun-phrase-like runs of the title and abstract, without a part-of-speech tagger.

Candidates are word runs between stopwords and punctuation (1–4 words), acronyms with their expansions
("quantization-aware training (QAT)"), and names written with capitals, digits or hyphens ("Web-Shepherd").
They are scored by frequency, position, presence in the title and shape, and near-duplicates are dropped."""

from __future__ import annotations

import re
from collections import defaultdict

from dailypapers.gist.text import STOPWORDS, wordset

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-+.]*[A-Za-z0-9+]|[A-Za-z0-9]|[^\sA-Za-z0-9]")
_ACRONYM_DEF = re.compile(r"([A-Za-z][\w\-]*(?:\s+[\w\-]+){0,5})\s+\(([A-Z][A-Za-z0-9\-]*[A-Z0-9][s]?)\)")
# Words that end a candidate even though they are not stopwords: verbs and vague nouns abstracts are full of.
_BREAK = wordset("""
achieve achieves achieved achieving address addresses allow allows apply applied approach approaches based
benefit better can capture captures challenge challenges challenging compared conduct conducted consistently
demonstrate demonstrates demonstrated despite different effective effectively efficient enable enables enabling
enhance enhances especially existing experiment experiments experimental extensive finally first further given
help improve improved improves improving include including introduce introduced introduces key lead leads less
leverage leverages leveraging limited make method methods novel new outperform outperforms paper perform
performance performs present presents presented previous prior propose proposed proposes provide provides recent
recently remain remains require requires result results robust second show shows shown significant
significantly simple specifically state-of-the-art strong study superior task tasks third two three use used uses
using various well whereas work yields paper existing across novel approach framework highly extend extends
predict predicts
train trains convert converts reduce reduces obtain obtains mitigate mitigates adopt adopts generate generates
evaluate evaluates propose study studies explore explores investigate investigates reveal reveals
find finds observe observes remain achieve serve serves offer offers via through toward among
""")
_MAX_WORDS = 4
_PIECE_WEIGHT = {1: 0.15, 2: 0.5, 3: 0.35, 4: 0.2}
# Evaluative adjectives that open many runs ("small LoRA adapter") but are not part of the term.
_LEADING_FILLER = wordset("""
small consistent unprecedented diverse comprehensive effective efficient complex strong powerful general specific
multiple single standard typical common key core main overall extensive substantial superior systematic accurate
better best higher lower more most challenging important critical crucial competitive promising remarkable
notable impressive considerable broad wide wider rich richer fundamental various numerous significant additional
popular prominent existing current modern traditional conventional original massive huge tiny minimal simple
""")
# Gerunds that name things in this field; any other "-ing" word starting a run is a verb ("converting notes").
_NOUN_GERUNDS = wordset("""
learning training reasoning modeling modelling planning understanding processing computing encoding decoding
sampling fine-tuning pretraining pre-training finetuning tuning embedding embeddings rendering matching tracking
mapping editing forecasting ranking retrieval-augmented prompting grounding captioning answering labeling
labelling routing scheduling clustering pruning distillation scaling inpainting denoising segmenting parsing
tokenizing reranking unlearning alignment sensing imaging filtering shaping merging steering thinking coding
""")


def _segments(text: str) -> list[list[str]]:
    """Runs of candidate words, split at stopwords, break words, punctuation and numbers."""
    runs: list[list[str]] = []
    run: list[str] = []
    for tok in _TOKEN.findall(text):
        low = tok.lower()
        if not tok[0].isalnum() or low in STOPWORDS or low in _BREAK or tok.isdigit() or len(tok) == 1:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(tok)
    if run:
        runs.append(run)
    return [trimmed for r in runs if (trimmed := _trim_run(r))]


def _verbish(word: str) -> bool:
    low = word.lower()
    if low.endswith("ly") and len(low) > 4:
        return True
    if low.endswith("ed") and len(low) > 4 and not any(c.isupper() for c in word):
        return True
    return low.endswith("ing") and low not in _NOUN_GERUNDS and not any(c.isupper() for c in word[1:])


def _trim_run(run: list[str]) -> list[str]:
    """Cut a run at verb-like words (adverbs, participles, gerunds that are verbs), keeping the longest noun part."""
    parts: list[list[str]] = [[]]
    for i, word in enumerate(run):
        if _verbish(word) and not (word.lower().endswith("ing") and i == len(run) - 1 and i > 0):
            parts.append([])
        else:
            parts[-1].append(word)
    best = max(parts, key=len)
    while best and best[0].lower() in _LEADING_FILLER:
        best = best[1:]
    return best


def _shape_bonus(phrase: str) -> float:
    """Names and terms of art: a word with an inner capital (LoRA, GPT), a digit or a hyphen."""
    for word in phrase.split():
        if any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word) or "-" in word:
            return 1.0
    return 0.0


def _is_title_case(title: str) -> bool:
    words = [w for w in title.split() if w[:1].isalpha() and w.lower() not in STOPWORDS]
    return len(words) >= 2 and all(w[0].isupper() for w in words)


def _expansion(before: list[str], acronym: str) -> str | None:
    """The words before "(ABC)" that spell it: as many as the acronym has capitals, checked by initials."""
    letters = [c.lower() for c in acronym if c.isupper()]
    if not letters or len(letters) > len(before):
        return None
    for n in (len(letters), len(letters) - 1, len(letters) + 1):
        if 0 < n <= len(before):
            words = before[-n:]
            initials = "".join(w[0].lower() for w in words)
            hyphen_initials = "".join(p[0].lower() for w in words for p in w.split("-") if p)
            if letters[0] == initials[0] and (initials == "".join(letters) or hyphen_initials == "".join(letters)):
                return " ".join(words)
    return None


def _word_shape(word: str) -> bool:
    return bool(_SHAPED.search(word[1:])) or "-" in word


_SHAPED = re.compile(r"[A-Z0-9]")


def keyphrases(title: str, abstract: str, top: int = 10) -> list[str]:
    """The paper's keyphrases, best first, lower-cased unless written with inner capitals (acronyms, names)."""
    scores: dict[str, float] = defaultdict(float)
    prior: dict[str, float] = {}  # what a candidate earns once: shape, length, title, how early it appears
    surface: dict[str, str] = {}
    position = 0
    # Title Case capitals say nothing about a word; the abstract's spelling does.
    title_text = title.lower() if _is_title_case(title) else title
    for part, in_title in ((title_text, True), (abstract, False)):
        boost = 2.0 if in_title else 1.0
        for run in _segments(part):
            position += 1
            lows = [w.lower() for w in run]
            shaped = [_word_shape(w) or w[0].isdigit() for w in run]
            size = len(run)
            for n in range(1, min(_MAX_WORDS, size) + 1):
                # Whole runs are the likeliest noun phrases; their pieces count for less, single words least.
                weight = (1.0 if n == size else _PIECE_WEIGHT[n]) * (0.6 if n == 1 else 1.0) * boost
                for i in range(size - n + 1):
                    key = " ".join(lows[i:i + n])
                    scores[key] += weight
                    if key not in prior or (not in_title and surface[key] == key):  # the abstract's spelling
                        surface[key] = " ".join(run[i:i + n])
                    if key not in prior:
                        prior[key] = ((1.0 if any(shaped[i:i + n]) else 0.0) + (1.0 if in_title else 0.0)
                                      + 0.4 * min(n, 3) - 0.01 * position)
    for match in _ACRONYM_DEF.finditer(f"{title}. {abstract}"):
        acronym = match.group(2)
        scores[acronym.lower()] += 1.5
        surface.setdefault(acronym.lower(), acronym)
        prior.setdefault(acronym.lower(), 1.4)
        expansion = _expansion(match.group(1).split(), acronym)
        if expansion:
            key = expansion.lower()
            scores[key] += 2.0
            surface.setdefault(key, expansion)
            prior[key] = max(prior.get(key, 0.0), 0.4 * min(key.count(" ") + 1, 3))
    ranked = sorted(scores, key=lambda k: scores[k] + prior[k], reverse=True)
    chosen: list[str] = []
    for key in ranked:
        if any(key in c or c in key for c in chosen):
            continue
        chosen.append(key)
        if len(chosen) == top:
            break
    return [surface[k] if _shape_bonus(surface[k]) and surface[k] != surface[k].capitalize() else k for k in chosen]
