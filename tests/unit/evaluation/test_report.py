"""The answers-by-kind table: outcomes, and the most a better sure-or-unsure choice allows."""

from __future__ import annotations

from assistant.evaluation.report import outcomes_table
from assistant.evaluation.runner import QuestionResult, RunResult


def _result(*, right: bool, hedged: bool = False, refused: bool = False) -> QuestionResult:
    scores: dict[str, float | None] = {"right": float(right)}
    return QuestionResult(
        "q", "question?", "paraphrase", True, "text", refused, scores, 0.01, hedged=hedged
    )


def _row(results: list[QuestionResult]) -> list[str]:
    table = outcomes_table(RunResult("set", "extractive", {}, results))
    line = next(line for line in table.splitlines() if line.startswith("| paraphrase"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_the_table_shows_how_often_a_sure_or_unsure_answer_quoted_the_right_passage():
    results = [
        _result(right=True),
        _result(right=True, hedged=True),
        _result(right=False, hedged=True),
        _result(right=False, refused=True),
    ]
    row = _row(results)
    assert (row[4], row[7]) == ("0.25", "0.50")
