"""Run question sets against systems and score every answer."""

from __future__ import annotations

import re
import statistics
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.evaluation.datasets import EvalQuestion, QuestionSet
from assistant.evaluation.metrics import (
    claim_support,
    contains_answer,
    fact_stated,
    percentile,
    strip_markers,
    token_f1,
)
from assistant.evaluation.systems import System, SystemAnswer
from assistant.indexing.embeddings import SentenceTransformerEmbeddings

_HEDGE_END = re.compile(r"The closest (?:it comes|they come):")
"""Where an unsure answer's framing ends (``answerers.base.hedge_text``) and its quotes begin."""

# A retrieved passage "hits" when it holds at least this share of a gold evidence span.
HIT_COVERAGE = 0.5
METRICS = (
    "hit@1",
    "hit@3",
    "mrr",
    "support_precision",
    "closest_precision",
    "evidence_recall",
    "key_fact_recall",
    "faithfulness",
    "answer_contained",
    "answer_in_citation",
    "token_f1",
    "refusal_rate",
    "false_refusal_rate",
    "sure_right_rate",
    "unsure_rate",
    "answered_right_rate",
    "sure_precision",
    "sure_unanswerable_rate",
    "unsure_unanswerable_rate",
    "fallback_rate",
    "ttft_p50_ms",
    "ttft_p95_ms",
    "latency_p50_ms",
    "latency_p95_ms",
    "index_seconds",
)


@dataclass
class QuestionResult:
    """One question's answer and its scores (``None`` where a score does not apply)."""

    id: str
    question: str
    kind: str
    answerable: bool
    text: str
    refused: bool
    scores: dict[str, float | None]
    seconds: float
    first_token: float | None = None
    fallback: bool = False
    hedged: bool = False

    @property
    def outcome(self) -> str:
        """``sure``, ``unsure`` or ``refused``."""
        return "refused" if self.refused else "unsure" if self.hedged else "sure"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "id": self.id,
            "question": self.question,
            "kind": self.kind,
            "answerable": self.answerable,
            "refused": self.refused,
            "hedged": self.hedged,
            "text": self.text,
            "seconds": round(self.seconds, 4),
            "first_token": None if self.first_token is None else round(self.first_token, 4),
            "fallback": self.fallback,
            "scores": self.scores,
        }


@dataclass
class RunResult:
    """One system on one question set: aggregate figures and every question."""

    question_set: str
    system: str
    metrics: dict[str, float | None]
    questions: list[QuestionResult] = field(default_factory=list)
    answerable: int = 0
    unanswerable: int = 0


def score(question: EvalQuestion, answer: SystemAnswer, *, short_answers: bool) -> dict[str, Any]:
    """Scores of one answer; retrieval and citation scores only for answerable questions."""
    text = strip_markers(answer.text)
    if not question.answerable:
        return {"refused": float(answer.refused), "right": 0.0}
    evidence = [span for group in question.evidence for span in group]
    rank = next(
        (
            position
            for position, passage in enumerate(answer.retrieved, start=1)
            if any(passage.covers(span, HIT_COVERAGE) for span in evidence)
        ),
        None,
    )
    cited = [span for span, _ in answer.citations]
    supported = [any(c.contains(span) for span in evidence) for c in cited]
    covered = [
        any(c.contains(span) for c in cited for span in group) for group in question.evidence
    ]
    facts = [fact_stated(text, alternatives) for alternatives in question.facts]
    markers = {i: quote for i, (_, quote) in enumerate(answer.citations, start=1)}
    # An unsure answer's framing ("may not answer this directly") speaks of its quotes; the
    # claims to check are the quotes' own sentences.
    claimed = _HEDGE_END.split(answer.text, maxsplit=1)[-1] if answer.hedged else answer.text
    supported_claims, claims = claim_support(claimed, markers) if not answer.refused else (0, 0)
    scores: dict[str, Any] = {
        "hit@1": float(rank == 1),
        "hit@3": float(rank is not None and rank <= 3),
        "mrr": 1.0 / rank if rank else 0.0,
        "supported_citations": sum(supported),
        "citations": len(cited),
        "evidence_recall": sum(covered) / len(covered) if covered else None,
        "key_fact_recall": sum(facts) / len(facts) if facts else None,
        "false_refusal": float(answer.refused),
        "supported_claims": supported_claims,
        "claims": claims,
        # A passage it quotes holds the answer: what a reader of the answer can check.
        "right": float(any(supported) and not answer.refused),
    }
    if short_answers:
        in_citation = any(contains_answer(quote, question.answers) for _, quote in answer.citations)
        scores["answer_contained"] = float(contains_answer(text, question.answers))
        scores["answer_in_citation"] = float(in_citation)
        scores["token_f1"] = 0.0 if answer.refused else token_f1(text, question.answers)
    return scores


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


def _ratio(results: list[QuestionResult], part: str, whole: str) -> float | None:
    total = sum(int(r.scores.get(whole) or 0) for r in results)
    return sum(int(r.scores.get(part) or 0) for r in results) / total if total else None


def aggregate(results: list[QuestionResult], *, index_seconds: float) -> dict[str, float | None]:
    """The figures of a run, from its questions' scores."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    # A sure answer cites its quotes as support; an unsure one offers the few closest
    # passages, said to be no more than that: their precision is a figure of its own.
    cited_as_support = [r for r in answerable if r.outcome != "unsure"]
    unsure = [r for r in answerable if r.outcome == "unsure"]
    latencies = [r.seconds * 1000 for r in results]
    first = [r.first_token * 1000 for r in results if r.first_token is not None and not r.refused]
    answered = [r for r in results if not r.refused]
    metrics: dict[str, float | None] = {
        "hit@1": _mean(r.scores["hit@1"] for r in answerable),
        "hit@3": _mean(r.scores["hit@3"] for r in answerable),
        "mrr": _mean(r.scores["mrr"] for r in answerable),
        "support_precision": _ratio(cited_as_support, "supported_citations", "citations"),
        "closest_precision": _ratio(unsure, "supported_citations", "citations"),
        "evidence_recall": _mean(r.scores["evidence_recall"] for r in answerable),
        "key_fact_recall": _mean(r.scores["key_fact_recall"] for r in answerable),
        "faithfulness": _ratio(answerable, "supported_claims", "claims"),
        "answer_contained": _mean(r.scores.get("answer_contained") for r in answerable),
        "answer_in_citation": _mean(r.scores.get("answer_in_citation") for r in answerable),
        "token_f1": _mean(r.scores.get("token_f1") for r in answerable),
        "refusal_rate": _mean(float(r.refused) for r in unanswerable),
        "false_refusal_rate": _mean(float(r.refused) for r in answerable),
        "sure_right_rate": _mean(
            float(r.outcome == "sure" and bool(r.scores.get("right"))) for r in answerable
        ),
        "unsure_rate": _mean(float(r.outcome == "unsure") for r in answerable),
        "answered_right_rate": _mean(float(bool(r.scores.get("right"))) for r in answerable),
        "sure_precision": _mean(
            float(bool(r.scores.get("right"))) for r in results if r.outcome == "sure"
        ),
        "sure_unanswerable_rate": _mean(float(r.outcome == "sure") for r in unanswerable),
        "unsure_unanswerable_rate": _mean(float(r.outcome == "unsure") for r in unanswerable),
        "fallback_rate": _mean(float(r.fallback) for r in answered),
        "ttft_p50_ms": percentile(first, 0.5) if first else None,
        "ttft_p95_ms": percentile(first, 0.95) if first else None,
        "latency_p50_ms": percentile(latencies, 0.5) if latencies else None,
        "latency_p95_ms": percentile(latencies, 0.95) if latencies else None,
        "index_seconds": index_seconds,
    }
    return metrics


def run(
    question_set: QuestionSet,
    systems: Sequence[System],
    *,
    progress: bool = True,
) -> list[RunResult]:
    """Index the set's documents with each system and ask every question."""
    from tqdm.auto import tqdm

    runs: list[RunResult] = []
    with tempfile.TemporaryDirectory(prefix="assistant-eval-") as folder:
        work = Path(folder)
        corpus = work / "corpus"
        corpus.mkdir()
        for name, text in question_set.documents.items():
            (corpus / name).write_text(text, encoding="utf-8")
        for system in systems:
            index_seconds = system.build(corpus, work)
            results: list[QuestionResult] = []
            bar = tqdm(
                question_set.questions,
                desc=f"{question_set.name} / {system.name}",
                unit="q",
                disable=not progress,
                leave=False,
            )
            for question in bar:
                answer = system.ask(question.question)
                results.append(
                    QuestionResult(
                        id=question.id,
                        question=question.question,
                        kind=question.kind,
                        answerable=question.answerable,
                        text=answer.text,
                        refused=answer.refused,
                        scores=score(question, answer, short_answers=question_set.short_answers),
                        seconds=answer.seconds,
                        first_token=answer.first_token,
                        fallback=answer.fallback,
                        hedged=answer.hedged,
                    )
                )
            metrics = aggregate(results, index_seconds=index_seconds)
            if not question_set.short_answers:
                for key in ("answer_contained", "answer_in_citation", "token_f1"):
                    metrics[key] = None
            runs.append(
                RunResult(
                    question_set=question_set.name,
                    system=system.name,
                    metrics=metrics,
                    questions=results,
                    answerable=sum(q.answerable for q in question_set.questions),
                    unanswerable=sum(not q.answerable for q in question_set.questions),
                )
            )
    return runs


def default_embeddings() -> SentenceTransformerEmbeddings:
    """The configured embedding model, shared by every system of a run."""
    from assistant.settings import Settings

    settings = Settings()
    return SentenceTransformerEmbeddings(
        settings.embedding_model,
        device=settings.embedding_device,
        batch_size=settings.embedding_batch_size,
        fast=settings.embedding_fast,
        cache_dir=settings.cache_dir,
    )
