"""The adversarial verifier benchmark: does the check of generated sentences reject
sentences that turn a passage around, and keep the ones that say it in other words?

Two files, written by separate sessions from the article and the SQuAD passages
alone: ``verifier_dev.json`` (what the check was developed against) and
``verifier_holdout.json`` (written independently afterwards, never used to
change the check; its figures are the ones to believe). Each item is a sentence
and the verbatim text it derives from; ``mutation`` items must be rejected,
``paraphrase`` items kept. Article items are checked against every unit of the
article; SQuAD items against every unit of their paragraph.

Scored like RAGTruth's span-level detection, with "reject" as the positive class:
precision (of the rejected sentences, the share that were mutations), recall
(of the mutations, the share rejected), and the share of paraphrases kept.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answerers.verify import SentenceVerifier, claims
from assistant.asking.candidates import candidates_of
from assistant.asking.retrieval import Passage
from assistant.documents.chunking import chunk_document
from assistant.documents.formats import parse_document
from assistant.evaluation.report import machine
from assistant.indexing.embeddings import SentenceTransformerEmbeddings
from assistant.indexing.statistics import KeywordIndex
from assistant.settings import PROJECT_ROOT, Settings

SPLITS = {"dev": "verifier_dev.json", "holdout": "verifier_holdout.json"}
ARTICLE = "operations-manager-vs-coo.md"
SYSTEMS = ("claims", "similarity")
"""The check shipped now, and the similarity-and-overlap check it replaced (0.6, 0.5)."""


@dataclass
class BenchmarkResult:
    """Verdicts and figures per split, part (article, squad) and system."""

    figures: dict[str, dict[str, Any]]
    errors: list[dict[str, Any]]
    seconds: float
    measured_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def table(self) -> str:
        """The figures as a Markdown table."""
        rows = [
            "| split | part | check | mutations | rejected (recall) | precision | "
            "paraphrases | kept |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for key, f in self.figures.items():
            split, part, system = key.split("/")
            rows.append(
                f"| {split} | {part} | {system} | {f['mutations']} | {f['recall']:.3f} | "
                f"{f['precision']:.3f} | {f['paraphrases']} | {f['kept']:.3f} |"
            )
        return "\n".join(rows)

    def by_kind(self) -> str:
        """Rejection of each kind of mutation, per split and check."""
        kinds = sorted({k for f in self.figures.values() for k in f["by_kind"]})
        rows = ["| split | part | check | " + " | ".join(kinds) + " |"]
        rows.append("| --- | --- | --- | " + " | ".join("---" for _ in kinds) + " |")
        for key, f in self.figures.items():
            cells = [f"{f['by_kind'][k]:.2f}" if k in f["by_kind"] else "n/a" for k in kinds]
            rows.append(f"| {' | '.join(key.split('/'))} | " + " | ".join(cells) + " |")
        return "\n".join(rows)

    def save(self, folder: Path) -> list[Path]:
        """Write ``verifier.md`` and ``verifier.json`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        when = self.measured_at.strftime("%Y-%m-%d %H:%M UTC")
        markdown = folder / "verifier.md"
        markdown.write_text(
            f"# Checking generated sentences\n\nMeasured {when} on {machine()} in "
            f"{self.seconds:.0f} s by `assistant verify-bench`.\n\n"
            f"{__doc__.split(chr(10) + chr(10), 1)[1].strip()}\n\n"
            f"{self.table()}\n\n## Rejection by kind of mutation\n\n{self.by_kind()}\n",
            encoding="utf-8",
        )
        data = folder / "verifier.json"
        data.write_text(
            json.dumps(
                {
                    "measured_at": self.measured_at.isoformat(),
                    "machine": machine(),
                    "figures": self.figures,
                    "errors": self.errors,
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        return [markdown, data]


def run_benchmark(embeddings: SentenceTransformerEmbeddings | None = None) -> BenchmarkResult:
    """Check every benchmark sentence with both checks."""
    started = time.perf_counter()
    settings = Settings()
    model = embeddings or SentenceTransformerEmbeddings(settings.embedding_model)
    article = (PROJECT_ROOT / "corpus" / ARTICLE).read_text(encoding="utf-8")
    titles = _squad_titles()
    figures: dict[str, dict[str, Any]] = {}
    errors: list[dict[str, Any]] = []
    for split, name in SPLITS.items():
        data = json.loads(_data(name).read_text(encoding="utf-8"))
        for part in ("article", "squad"):
            for system in SYSTEMS:
                verdicts = []
                for item in data[part]:
                    if part == "article":
                        text, source = article, ARTICLE
                    else:
                        text = item["context"]
                        title = next((t for c, t in titles.items() if text in c), "Passage")
                        source = f"{title}.txt"
                    verifier = _verifier(model, text, source, system, settings)
                    kept, reasons = _verdict(verifier, item["sentence"])
                    verdicts.append((item, kept))
                    if system == "claims" and kept == (item["label"] == "mutation"):
                        errors.append({**item, "split": split, "kept": kept, "reasons": reasons})
                figures[f"{split}/{part}/{system}"] = _score(verdicts)
    return BenchmarkResult(figures, errors, time.perf_counter() - started)


_VERIFIERS: dict[tuple[str, str], SentenceVerifier] = {}


def _verifier(
    model: SentenceTransformerEmbeddings, text: str, source: str, system: str, settings: Settings
) -> SentenceVerifier:
    """A verifier over every unit of ``text`` (built once per text and system)."""
    key = (text, system)
    if key not in _VERIFIERS:
        kind = "markdown" if source.endswith(".md") else "text"
        document = parse_document(text.encode(), source=source, kind=kind)
        chunks = chunk_document(
            document,
            count_tokens=model.count_tokens,
            max_tokens=settings.chunk_max_tokens,
            token_ends=model.token_ends,
        )
        candidates = candidates_of([Passage(c, 0.0, 0.0) for c in chunks])
        vectors = model.encode([c.scoring_text for c in candidates])
        new = system == "claims"
        _VERIFIERS[key] = SentenceVerifier(
            model,
            candidates,
            np.asarray(vectors, dtype=np.float32),
            min_similarity=settings.grounding_min_similarity if new else 0.6,
            min_overlap=settings.grounding_min_overlap if new else 0.5,
            idf=KeywordIndex(chunks).idf,
            structure=new,
        )
    return _VERIFIERS[key]


def _verdict(verifier: SentenceVerifier, sentence: str) -> tuple[bool, list[str]]:
    checks = [verifier.check(claim) for claim in claims(sentence)]
    return bool(checks) and all(c.kept for c in checks), [r for c in checks for r in c.reasons]


def _score(verdicts: list[tuple[dict[str, Any], bool]]) -> dict[str, Any]:
    mutations = [kept for item, kept in verdicts if item["label"] == "mutation"]
    paraphrases = [kept for item, kept in verdicts if item["label"] == "paraphrase"]
    rejected_mutations = sum(not k for k in mutations)
    rejected_paraphrases = sum(not k for k in paraphrases)
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for item, kept in verdicts:
        if item["label"] == "mutation":
            by_kind[item["kind"]].append(not kept)
    rejected = rejected_mutations + rejected_paraphrases
    return {
        "mutations": len(mutations),
        "paraphrases": len(paraphrases),
        "recall": rejected_mutations / max(len(mutations), 1),
        "precision": rejected_mutations / rejected if rejected else 1.0,
        "kept": sum(paraphrases) / max(len(paraphrases), 1),
        "by_kind": {k: sum(v) / len(v) for k, v in sorted(by_kind.items())},
    }


def _data(name: str) -> Path:
    return Path(str(resources.files("assistant.evaluation").joinpath("data", name)))


def _squad_titles() -> dict[str, str]:
    """Each SQuAD paragraph of the bundled files, with its article's title."""
    found = {}
    for name in ("squad-v1-dev-3articles.json", "squad-v2-dev-normans.json"):
        for article in json.loads(_data(name).read_text(encoding="utf-8"))["data"]:
            for paragraph in article["paragraphs"]:
                found[paragraph["context"]] = article["title"].replace("_", " ")
    return found
