"""An evaluation's results: a table for people, JSON for machines, a chart."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.evaluation.runner import METRICS, RunResult

# Shares are shown as percentages; times and counts as they are.
_PERCENT = {m for m in METRICS if not m.endswith(("_ms", "_seconds"))}
# The chart keeps to the shares a reader compares across systems.
_CHART_METRICS = tuple(m for m in METRICS if m in _PERCENT - {"token_f1", "fallback_rate"})


def machine() -> str:
    """A one-line description of the machine the figures come from."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


@dataclass
class EvaluationReport:
    """Every run of an evaluation, with when and where it was measured."""

    runs: list[RunResult]
    measured_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    machine: str = field(default_factory=machine)
    settings: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    """Per question set: what it is and which scorer answered it."""

    def get(self, question_set: str, system: str) -> RunResult:
        """The run of ``system`` on ``question_set``."""
        for run in self.runs:
            if run.question_set == question_set and run.system == system:
                return run
        raise KeyError(f"no run of {system!r} on {question_set!r}")

    def table(self, question_set: str | None = None) -> str:
        """The figures as Markdown: one row per metric, one column per run.

        With ``question_set``, only that set's runs; otherwise every run.
        """
        runs = [r for r in self.runs if question_set in (None, r.question_set)]
        header = ["metric"] + [f"{r.question_set} / {r.system}" for r in runs]
        rows = [header, ["---"] * len(header)]
        counts = ["questions (answerable + not)"] + [
            f"{r.answerable} + {r.unanswerable}" for r in runs
        ]
        rows.append(counts)
        for metric in METRICS:
            values = [r.metrics.get(metric) for r in runs]
            if all(v is None for v in values):
                continue
            rows.append([metric] + [_format(metric, v) for v in values])
        return "\n".join("| " + " | ".join(row) + " |" for row in rows)

    def tables(self) -> str:
        """One table per question set, each under a heading saying what it measures, with
        its answers as sure, unsure or refused by kind of question."""
        parts = []
        for name in dict.fromkeys(r.question_set for r in self.runs):
            note = self.notes.get(name, "")
            kinds = "\n\n".join(
                outcomes_table(r)
                for r in self.runs
                if r.question_set == name and r.system != "baseline"
            )
            parts.append(
                f"## {name}\n\n{note}\n\n{self.table(name)}\n\n{kinds}".replace("\n\n\n", "\n\n")
            )
        return "\n\n".join(parts)

    def markdown(self) -> str:
        """A short document: when, where, the table and how to read it."""
        when = self.measured_at.strftime("%Y-%m-%d %H:%M UTC")
        return (
            f"# Evaluation\n\nMeasured {when} on {self.machine}.\n\n{self.setup()}\n\n"
            f"{self.tables()}\n\n## How to read it\n\n"
            "Retrieval: hit@k and MRR of the first passage holding at least half of a gold "
            "evidence span. Citations: support precision is the share of citations whose span "
            "contains gold evidence; evidence recall the share of evidence groups a citation "
            "contains. Answers: key-fact recall is the share of expected facts the answer states; "
            "faithfulness the share of answer sentences with at least 60% of their content words "
            "in the spans they cite; "
            "for SQuAD sets, answer contained / in citation use SQuAD normalisation and token F1 "
            "is SQuAD's. Refusals: refusal rate on questions the corpus does not answer, false "
            "refusal rate on those it does. Latency is per question, index time per set. "
            "By kind of question: sure, unsure and refused add up to one; *sure or unsure, "
            "right passage* counts the answers that quoted the right passage whether sure or "
            "not: the most that a better choice between sure and unsure alone could make sure "
            "and right.\n"
        )

    def setup(self) -> str:
        """Which systems ran, with the model behind each generative backend."""
        backends = self.settings.get("backends", [])
        parts = []
        for backend in backends:
            if backend == "local":
                model = (
                    self.settings.get("llm_model_path") or "SmolLM2-135M-Instruct Q4_1 (bundled)"
                )
                parts.append(f"`local` = llama.cpp in-process, {model}")
            elif backend == "openai":
                url = self.settings.get("openai_base_url") or "api.openai.com"
                parts.append(f"`openai` = {self.settings.get('openai_model')} at {url}")
            else:
                parts.append(f"`{backend}`")
        baseline = any(r.system == "baseline" for r in self.runs)
        systems = ", ".join(parts) + (
            ", `baseline` = the LangChain tutorial recipe" if baseline else ""
        )
        return f"Systems: {systems}."

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready (per-question results included)."""
        return {
            "measured_at": self.measured_at.isoformat(),
            "machine": self.machine,
            "settings": self.settings,
            "runs": [
                {
                    "question_set": r.question_set,
                    "system": r.system,
                    "answerable": r.answerable,
                    "unanswerable": r.unanswerable,
                    "metrics": r.metrics,
                    "questions": [q.to_dict() for q in r.questions],
                }
                for r in self.runs
            ],
        }

    def plot(self, path: Path) -> Path:
        """A bar chart of the quality figures, one panel per question set."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        sets = list(dict.fromkeys(r.question_set for r in self.runs))
        figure, axes = plt.subplots(len(sets), 1, figsize=(11, 3.6 * len(sets)), squeeze=False)
        for axis, question_set in zip(axes[:, 0], sets, strict=True):
            runs = [r for r in self.runs if r.question_set == question_set]
            metrics = [m for m in _CHART_METRICS if any(r.metrics.get(m) is not None for r in runs)]
            width = 0.8 / max(1, len(runs))
            for offset, run in enumerate(runs):
                values = [run.metrics.get(m) or 0.0 for m in metrics]
                positions = [i + offset * width for i in range(len(metrics))]
                bars = axis.bar(positions, values, width, label=run.system)
                axis.bar_label(bars, fmt="%.2f", fontsize=7, padding=1)
            axis.set_xticks([i + width * (len(runs) - 1) / 2 for i in range(len(metrics))])
            axis.set_xticklabels(metrics, rotation=20, ha="right", fontsize=8)
            axis.set_ylim(0, 1.12)
            axis.set_title(question_set)
            axis.legend(loc="upper right", fontsize=8)
        when = self.measured_at.strftime("%Y-%m-%d")
        figure.suptitle(f"Answer quality, measured {when}")
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=110)
        plt.close(figure)
        return path

    def save(self, folder: Path) -> dict[str, Path]:
        """Write ``evaluation.md``, ``evaluation.json`` and ``evaluation.png`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = {
            "markdown": folder / "evaluation.md",
            "json": folder / "evaluation.json",
            "chart": folder / "evaluation.png",
        }
        paths["markdown"].write_text(self.markdown(), encoding="utf-8")
        paths["json"].write_text(json.dumps(self.to_dict(), indent=1), encoding="utf-8")
        self.plot(paths["chart"])
        return paths


def outcomes_table(run: RunResult) -> str:
    """How ``run`` answered each kind of question: sure (and, for questions the corpus
    answers, sure with the right passage quoted), unsure, or refused; and how often a sure
    or unsure answer quoted the right passage: the most that a better choice between sure
    and unsure alone could make sure and right."""
    kinds: dict[tuple[bool, str], list[Any]] = {}
    for q in run.questions:
        kinds.setdefault((q.answerable, q.kind), []).append(q)
    rows = [
        f"*{run.system}: answers by kind of question*",
        "",
        "| kind | answerable | questions | sure | sure, right passage | unsure | refused "
        "| sure or unsure, right passage |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for (answerable, kind), questions in sorted(
        kinds.items(), key=lambda k: (not k[0][0], k[0][1])
    ):
        n = len(questions)
        share = {
            o: sum(q.outcome == o for q in questions) / n for o in ("sure", "unsure", "refused")
        }
        right = quoted = "n/a"
        if answerable:
            cited = [q for q in questions if q.scores.get("right")]
            right = f"{sum(q.outcome == 'sure' for q in cited) / n:.2f}"
            quoted = f"{sum(q.outcome != 'refused' for q in cited) / n:.2f}"
        rows.append(
            f"| {kind} | {'yes' if answerable else 'no'} | {n} | {share['sure']:.2f} | {right} "
            f"| {share['unsure']:.2f} | {share['refused']:.2f} | {quoted} |"
        )
    return "\n".join(rows)


def _format(metric: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    if metric in _PERCENT:
        return f"{value:.3f}"
    return f"{value:.1f}" if metric.endswith("_ms") else f"{value:.2f}"
