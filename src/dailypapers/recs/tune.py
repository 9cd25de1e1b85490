"""Fitting the default ranker's weights: a logistic regression over the standardised signals of every candidate
of the tuning events (relevant = 1), which `dailypapers eval-recs --tune` prints and evaluates on the other half."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dailypapers.recs.evaluate import Event, Featurize
from dailypapers.recs.features import Library
from dailypapers.recs.methods import SIGNALS, signals, standardise


def fit_weights(events: Sequence[Event], featurize: Featurize, c: float = 1.0) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression

    rows, labels = [], []
    for event in events:
        candidates = featurize(event.candidates)
        raw = signals(Library(featurize(event.library)), candidates)
        rows.append(np.column_stack([standardise(raw[name].astype(np.float64)) for name in SIGNALS]))
        relevant = set(event.relevant)
        labels.append(np.array([p.arxiv_id in relevant for p in candidates.papers], dtype=np.int8))
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit(np.vstack(rows), np.concatenate(labels))
    return {name: round(float(w), 3) for name, w in zip(SIGNALS, model.coef_[0], strict=True)}
