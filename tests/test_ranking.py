"""The trending formula, pinned: score = (votes + 0.5 * comments) / (age_hours + 2) ** 1.8."""

from datetime import datetime, timedelta

import pytest

from dailypapers.ranking import age_hours, rank_trending, trending_score


@pytest.mark.parametrize(
    ("votes", "comments", "hours", "expected"),
    [
        (10, 0, 0, 2.8717458874925876),  # 10 / 2 ** 1.8
        (1, 0, 0, 0.2871745887492588),
        (10, 0, 24, 0.028382325319900977),  # 10 / 26 ** 1.8
        (100, 0, 24, 0.28382325319900975),
        (0, 4, 0, 0.5743491774985175),  # a comment is worth half a vote
        (6, 2, 10, 0.07990460282375403),  # 7 / 12 ** 1.8
        (250, 13, 72, 0.1107822735856973),  # 256.5 / 74 ** 1.8
        (0, 0, 5, 0.0),
    ],
)
def test_trending_score_pinned(votes, comments, hours, expected):
    assert trending_score(votes, comments, hours) == pytest.approx(expected, rel=1e-12)


def test_negative_inputs_are_clamped():
    assert trending_score(-5, -1, -10) == 0.0
    assert trending_score(10, 0, -3) == trending_score(10, 0, 0)  # a clock skew never boosts a paper


def test_age_hours():
    now = datetime(2025, 1, 8, 12, 0)
    assert age_hours(datetime(2025, 1, 8, 6, 0), now) == 6.0
    assert age_hours(datetime(2025, 1, 9), now) == 0.0
    assert age_hours(None, now) == 24 * 365


def _row(pid, arxiv_id, up, votes, ic, cc, hours_ago, now):
    return {"id": pid, "arxiv_id": arxiv_id, "imported_upvotes": up, "vote_count": votes, "imported_comments": ic,
            "comment_count": cc, "submitted_at": now - timedelta(hours=hours_ago)}


def test_rank_trending_fresh_beats_old_and_counts_both_vote_sources():
    now = datetime(2025, 1, 8, 12, 0)
    rows = [
        _row(1, "2501.00001", 50, 0, 0, 0, 72, now),  # many votes, three days old: 50 / 74^1.8 = 0.0216
        _row(2, "2501.00002", 3, 2, 0, 0, 2, now),  # 5 community+imported votes, two hours old: 5 / 4^1.8 = 0.4353
        _row(3, "2501.00003", 0, 0, 0, 0, 1, now),
        _row(4, "2501.00004", 0, 0, 4, 6, 24, now),  # 10 comments = 5 points: 5 / 26^1.8 = 0.0142
    ]
    ids, scores = rank_trending(rows, now)
    assert ids == [2, 1, 4, 3]
    assert scores[0] == pytest.approx(5 / 4 ** 1.8)
    assert scores[1] == pytest.approx(50 / 74 ** 1.8)
    assert scores[2] == pytest.approx(5 / 26 ** 1.8)
    assert scores[3] == 0.0


def test_rank_ties_break_on_votes_then_newer_id():
    now = datetime(2025, 1, 8)
    rows = [_row(1, "2501.00001", 2, 0, 0, 0, 0, now), _row(2, "2501.00009", 2, 0, 0, 0, 0, now),
            _row(3, "2501.00005", 0, 0, 4, 0, 0, now)]  # same points as the others, fewer votes
    ids, _ = rank_trending(rows, now)
    assert ids == [2, 1, 3]
