"""How requests that are not a search for one passage are answered, measured.

``assistant eval-requests`` asks the article, through :meth:`Assistant.answer`,
every phrasing of ``requests_unseen.json`` (written by a session that saw only
the article, never used to fit or tune anything) and plays its conversations
(a question, then a move). It reports:

- summaries: the share of summary requests answered with a summary that cites
  at least three sections, quotes no boilerplate and has at most eight sentences;
- outlines: the share of outline requests answered with the headings;
- the list of documents, and the title asked for (cited at its heading);
- moves: the share of continuations that cite something the answer before did
  not and are not refused where the article has more to say, and the share
  that say so where it has not (and the share that say so or are unsure);
- the share of specific questions (every article set) answered as questions (one
  about the document's title, as the document list);
- the summary's warm latency.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.evaluation.datasets import (
    QuestionSet,
    article_noisy_set,
    article_set,
    unseen_set,
)

SIGN_OFF = (
    "For more insights on business management and leadership, stay tuned to Small "
    "Business Management."
)
"""The article's boilerplate (gold, for measuring only: the assistant never reads this)."""
MAX_SENTENCES = 8
MIN_SECTIONS = 3


@dataclass
class Figure:
    """One measured share, with the rows it failed on."""

    name: str
    n: int = 0
    passed: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, ok: bool, label: str) -> None:
        self.n += 1
        self.passed += ok
        if not ok:
            self.failures.append(label)

    @property
    def share(self) -> float:
        return self.passed / self.n if self.n else 0.0


@dataclass
class RequestReport:
    """Every figure of :mod:`assistant.evaluation.conversations`."""

    figures: list[Figure]
    summary_ms: tuple[float, float]
    """Warm summary latency, p50 and p95."""

    def table(self) -> str:
        """The figures as a Markdown table."""
        rows = ["| measure | n | share |", "| --- | --- | --- |"]
        rows += [f"| {f.name} | {f.n} | {f.share:.3f} |" for f in self.figures]
        p50, p95 = self.summary_ms
        rows.append(f"| summary latency, warm (ms): p50 {p50:.1f}, p95 {p95:.1f} | | |")
        return "\n".join(rows)

    def save(self, folder: Path) -> list[Path]:
        """``whole-document.md`` and ``whole-document.json`` in ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        md = folder / "whole-document.md"
        md.write_text(
            "# Requests that are not a search for one passage\n\n"
            "Written by `assistant eval-requests`: the unseen phrasings and conversations of "
            "`assistant/evaluation/data/requests_unseen.json` (never used to fit or tune), "
            "asked of the article through `Assistant.answer`, and every question of the "
            "article sets, which must stay questions.\n\n" + self.table() + "\n",
            encoding="utf-8",
        )
        js = folder / "whole-document.json"
        data = {
            f.name: {"n": f.n, "share": round(f.share, 4), "failures": f.failures}
            for f in self.figures
        }
        data["summary_ms"] = {"p50": self.summary_ms[0], "p95": self.summary_ms[1]}
        js.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return [md, js]


def _unseen() -> dict[str, Any]:
    text = resources.files("assistant.evaluation").joinpath("data/requests_unseen.json")
    return dict(json.loads(text.read_text("utf-8")))


def evaluate_requests(work: Path | None = None) -> RequestReport:
    """Ask everything of a fresh assistant over the article; see the module's docstring."""
    from assistant.api import Assistant

    gold = article_set()
    with tempfile.TemporaryDirectory(prefix="assistant-requests-") as folder:
        root = work or Path(folder)
        corpus = root / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        for name, text in gold.documents.items():
            (corpus / name).write_text(text, encoding="utf-8")
        bot = Assistant(corpus, root / "index", cache_dir=root / "cache")
        bot.index()
        return _measure(bot, _unseen(), gold)


def _measure(bot: Any, unseen: dict[str, Any], gold: QuestionSet) -> RequestReport:
    headings = _headings(gold)
    summaries = Figure("summary requests answered with a good summary")
    for text in unseen["summary"]:
        reply = bot.answer(text)
        sections = {c.section for c in reply.citations}
        ok = (
            reply.request == "summary"
            and len(sections) >= MIN_SECTIONS
            and all(SIGN_OFF not in c.quote for c in reply.citations)
            and 0 < len(reply.citations) <= MAX_SENTENCES
        )
        summaries.add(ok, text)
    outlines = Figure("outline requests answered with the headings")
    for text in unseen["outline"]:
        reply = bot.answer(text)
        outlines.add([c.quote for c in reply.citations] == headings, text)
    documents = Figure("document-list requests answered with the list")
    for text in unseen["documents"]:
        documents.add(bot.answer(text).request == "documents", text)
    titles = Figure("title requests answered with the title, cited at its heading")
    title = gold.title(next(iter(gold.documents)))
    for text in unseen["titles"]:
        titles.add([c.quote for c in bot.answer(text).citations] == [title], text)
    more = Figure("moves where the article has more: something new cited, not refused")
    nothing = Figure("moves where the article has nothing more: said so")
    not_sure = Figure("moves where the article has nothing more: said so, or said to be unsure")
    kinds = {
        (kind, has): Figure(f"… {kind} moves, the article {'has more' if has else 'has not'}")
        for kind in ("more", "why", "importance")
        for has in (True, False)
    }
    for conversation in unseen["conversations"]:
        first = bot.answer(conversation["first"])
        reply = bot.answer(conversation["move"], [(conversation["first"], first.text)])
        before = {(c.source, c.start, c.end) for c in first.citations}
        new = {(c.source, c.start, c.end) for c in reply.citations} - before
        label = f"{conversation['first']} → {conversation['move']}"
        has = bool(conversation["has_more"])
        ok = not reply.refused and bool(new) if has else reply.refused
        (more if has else nothing).add(ok, label)
        if not has:
            not_sure.add(reply.refused or reply.hedged, label)
        kinds[(conversation["kind"], has)].add(ok, label)
    specific = []
    for question_set, note in (
        (unseen_set(), "never fitted"),
        (gold, "the classifier's training data"),
        (article_noisy_set(), "the classifier's training data"),
    ):
        figure = Figure(f"{question_set.name} questions answered as questions ({note})")
        for question in question_set.questions:
            # "What is the title of the article?" is for the document list, which cites it.
            expected = "documents" if question_set.asks_title(question) else "ask"
            figure.add(bot.answer(question.question).request == expected, question.question)
        specific.append(figure)
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        bot.answer("Summarize the article")
        timings.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(timings, n=20)[-1]
    figures = [summaries, outlines, documents, titles, more, nothing, not_sure]
    figures += [*kinds.values(), *specific]
    return RequestReport(figures, (statistics.median(timings), p95))


def _headings(gold: QuestionSet) -> list[str]:
    """The article's section headings, from its Markdown (the gold outline)."""
    text = next(iter(gold.documents.values()))
    return [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("## ")]
