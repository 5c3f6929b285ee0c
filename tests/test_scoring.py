from __future__ import annotations

import pytest

from pipeline.scoring import MAX_MISSING, WEIGHTS, score


def test_clean_report_scores_100() -> None:
    assert score(set()).score == 100


def test_each_flag_deducts_its_weight() -> None:
    for flag, (points, _) in WEIGHTS.items():
        if flag == "missing_sections":
            continue
        assert score({flag}).score == 100 - points


def test_missing_parts_capped() -> None:
    assert score({"missing_sections"}, missing_parts=1).score == 90
    assert score({"missing_sections"}, missing_parts=4).score == 100 - MAX_MISSING


def test_not_a_report_drops_report_only_flags() -> None:
    card = score({"not_a_report", "team_report", "missing_sections"}, missing_parts=4)
    assert card.flags == ("not_a_report",) and card.score == 60


def test_unknown_flag_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown flags"):
        score({"plagiarism"})
