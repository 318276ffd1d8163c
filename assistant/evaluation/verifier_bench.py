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
from assistant.errors import BackendNotInstalledError
from assistant.evaluation.entailment_eval import NLI_SETS, nli_pairs, polar_figures
from assistant.evaluation.report import machine
from assistant.indexing.embeddings import SentenceTransformerEmbeddings
from assistant.indexing.statistics import KeywordIndex
from assistant.models.entailment.entailment import EntailmentModel
from assistant.models.reader.text import unit_text
from assistant.settings import PROJECT_ROOT, Settings

SPLITS = {"dev": "verifier_dev.json", "holdout": "verifier_holdout.json"}
ARTICLE = "operations-manager-vs-coo.md"
SYSTEMS = ("entailment", "entailment+claims", "claims", "similarity")
"""The entailment model alone, it with the structural check's veto, the structural
check alone (shipped before it), and the similarity-and-overlap check (0.6, 0.5)."""
NLI_LIMIT = 400
"""Pairs measured per NLI set (the structural check parses each premise)."""


@dataclass
class BenchmarkResult:
    """Verdicts and figures per split, part (article, squad) and system."""

    figures: dict[str, dict[str, Any]]
    errors: list[dict[str, Any]]
    seconds: float
    measured_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    threshold: float | None = None
    """The entailment threshold used (``ASSISTANT_ENTAILMENT_THRESHOLD``)."""
    dev_threshold: float | None = None
    """The threshold the dev split alone would choose (most of recall + kept)."""
    nli: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Accuracy on the evaluation-only NLI sets, per check."""
    polar: dict[str, Any] = field(default_factory=dict)
    """Yes/no answers on BoolQ: how many got one, how many of those were wrong."""

    def polar_note(self) -> str:
        """The yes/no figures in a sentence."""
        f = self.polar
        if not f:
            return ""
        return (
            f"On {f['questions']} BoolQ validation questions (never fitted on), each read "
            f"against the sentence of its passage sharing most of its words, "
            f"{f['read']:.1%} were read as yes/no statements and {f['answered']:.1%} got "
            f'"Yes." or "No." (at `ASSISTANT_POLAR_THRESHOLD` {f["threshold"]:.2f}); '
            f"{f['wrong']:.1%} of those were wrong ({f['wrong_share']:.1%} of all questions). "
            f"Yes is the right answer to {f['yes']:.1%} of the questions.\n"
        )

    def nli_table(self) -> str:
        """Entailed or not, on ANLI and SICK: each check's accuracy."""
        rows = [
            "| set | pairs | entailed | majority class | claims | entailment |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for name, f in self.nli.items():
            cells = " | ".join(
                f"{f[k]:.3f}" if f.get(k) is not None else "n/a" for k in SYSTEMS[2::-2]
            )
            rows.append(
                f"| {name} | {f['pairs']} | {f['entailed']:.3f} | "
                f"{max(f['entailed'], 1 - f['entailed']):.3f} | {cells} |"
            )
        return "\n".join(rows)

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

    def _threshold_note(self) -> str:
        if self.threshold is None:
            return ""
        return (
            f"The entailment checks keep a sentence at probability {self.threshold:.2f} or "
            f"more (`ASSISTANT_ENTAILMENT_THRESHOLD`); the dev split alone would choose "
            f"{self.dev_threshold:.2f}.\n\n"
        )

    def save(self, folder: Path) -> list[Path]:
        """Write ``verifier.md`` and ``verifier.json`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        when = self.measured_at.strftime("%Y-%m-%d %H:%M UTC")
        markdown = folder / "verifier.md"
        markdown.write_text(
            f"# Checking generated sentences\n\nMeasured {when} on {machine()} in "
            f"{self.seconds:.0f} s by `assistant verify-bench`.\n\n"
            f"{__doc__.split(chr(10) + chr(10), 1)[1].strip()}\n\n"
            f"{self.table()}\n\n{self._threshold_note()}"
            f"## Rejection by kind of mutation\n\n{self.by_kind()}\n"
            + (f"\n## Yes or no\n\n{self.polar_note()}" if self.polar else "")
            + (
                "\n## Entailment on evaluation-only NLI sets\n\n"
                "Binary (entailment against neutral or contradiction), on the first "
                f"{NLI_LIMIT} pairs of each set; never fitted on.\n\n{self.nli_table()}\n"
                if self.nli
                else ""
            ),
            encoding="utf-8",
        )
        data = folder / "verifier.json"
        data.write_text(
            json.dumps(
                {
                    "measured_at": self.measured_at.isoformat(),
                    "machine": machine(),
                    "figures": self.figures,
                    "threshold": self.threshold,
                    "dev_threshold": self.dev_threshold,
                    "nli": self.nli,
                    "polar": self.polar,
                    "errors": self.errors,
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        return [markdown, data]


def run_benchmark(
    embeddings: SentenceTransformerEmbeddings | None = None,
    *,
    eval_only: Path | None = None,
    entailment: EntailmentModel | None = None,
) -> BenchmarkResult:
    """Check every benchmark sentence with each check (the entailment ones when its
    weights are in place); with ``eval_only``, also ANLI and SICK."""
    started = time.perf_counter()
    settings = Settings()
    model = embeddings or SentenceTransformerEmbeddings(settings.embedding_model)
    nli = entailment or _entailment_model(settings)
    systems = SYSTEMS if nli is not None else SYSTEMS[2:]
    article = (PROJECT_ROOT / "corpus" / ARTICLE).read_text(encoding="utf-8")
    titles = _squad_titles()
    figures: dict[str, dict[str, Any]] = {}
    errors: list[dict[str, Any]] = []
    scores: list[tuple[str, float]] = []
    for split, name in SPLITS.items():
        data = json.loads(_data(name).read_text(encoding="utf-8"))
        for part in ("article", "squad"):
            for system in systems:
                verdicts = []
                for item in data[part]:
                    if part == "article":
                        text, source = article, ARTICLE
                    else:
                        text = item["context"]
                        title = next((t for c, t in titles.items() if text in c), "Passage")
                        source = f"{title}.txt"
                    verifier = _verifier(model, text, source, system, settings, nli=nli)
                    kept, reasons, probability = _verdict(verifier, item["sentence"])
                    verdicts.append((item, kept))
                    if split == "dev" and system == "entailment" and probability is not None:
                        scores.append((item["label"], probability))
                    if system == systems[0] and kept == (item["label"] == "mutation"):
                        errors.append(
                            {
                                **item,
                                "split": split,
                                "check": system,
                                "kept": kept,
                                "reasons": reasons,
                                "entailment": probability,
                            }
                        )
                figures[f"{split}/{part}/{system}"] = _score(verdicts)
    result = BenchmarkResult(figures, errors, 0.0)
    if nli is not None:
        result.threshold = settings.entailment_threshold
        result.dev_threshold = _best_threshold(scores)
        result.polar = polar_figures(nli, settings)
        if eval_only is not None:
            result.nli = _nli_figures(eval_only, model, nli, settings)
    result.seconds = time.perf_counter() - started
    return result


def _entailment_model(settings: Settings) -> EntailmentModel | None:
    """The configured entailment model, or ``None`` when its weights are not in place."""
    try:
        return EntailmentModel(
            settings.cache_dir, folder=settings.entailment_path, int8=settings.reader_int8
        )
    except BackendNotInstalledError:
        return None


def _best_threshold(scores: list[tuple[str, float]]) -> float:
    """The probability that rejects most mutations and keeps most paraphrases on dev."""
    best, value = 0.5, -1.0
    for threshold in np.linspace(0.05, 0.95, 91):
        mutations = [p < threshold for label, p in scores if label == "mutation"]
        kept = [p >= threshold for label, p in scores if label == "paraphrase"]
        score = float(np.mean(mutations or [0]) + np.mean(kept or [0]))
        if score > value:
            best, value = float(threshold), score
    return round(best, 2)


def _nli_figures(
    folder: Path, model: SentenceTransformerEmbeddings, nli: EntailmentModel, settings: Settings
) -> dict[str, dict[str, Any]]:
    """Accuracy of the structural check and of the entailment model on ANLI and SICK."""
    found: dict[str, dict[str, Any]] = {}
    for name, file in NLI_SETS.items():
        path = folder / file
        if not path.exists():
            continue
        pairs = nli_pairs(path)[:NLI_LIMIT]
        truth = np.array([entailed for _, _, entailed in pairs])
        probabilities = np.array(
            [
                float(nli.probabilities(claim, [unit_text(premise)])[0])
                for premise, claim, _ in pairs
            ]
        )
        ours = probabilities >= settings.entailment_threshold
        old = []
        for premise, claim, _ in pairs:
            verifier = _verifier(model, premise, "premise.txt", "claims", settings, nli=None)
            old.append(_verdict(verifier, claim)[0])
        _VERIFIERS.clear()  # one premise each: nothing to reuse
        found[name] = {
            "pairs": len(pairs),
            "entailed": float(truth.mean()),
            "entailment": float((ours == truth).mean()),
            "claims": float((np.array(old) == truth).mean()),
        }
    return found


_VERIFIERS: dict[tuple[str, str], SentenceVerifier] = {}


def _verifier(
    model: SentenceTransformerEmbeddings,
    text: str,
    source: str,
    system: str,
    settings: Settings,
    *,
    nli: EntailmentModel | None,
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
        new = system != "similarity"
        entails = nli.probabilities if nli is not None and "entailment" in system else None
        _VERIFIERS[key] = SentenceVerifier(
            model,
            candidates,
            np.asarray(vectors, dtype=np.float32),
            min_similarity=settings.grounding_min_similarity if new else 0.6,
            min_overlap=settings.grounding_min_overlap if new else 0.5,
            idf=KeywordIndex(chunks).idf,
            structure=system in ("claims", "entailment+claims"),
            entails=entails,
            min_entailment=settings.entailment_threshold,
        )
    return _VERIFIERS[key]


def _verdict(verifier: SentenceVerifier, sentence: str) -> tuple[bool, list[str], float | None]:
    checks = [verifier.check(claim) for claim in claims(sentence)]
    kept = bool(checks) and all(c.kept for c in checks)
    entailed = [c.entailment for c in checks if c.entailment is not None]
    # A sentence stands on its weakest claim.
    return kept, [r for c in checks for r in c.reasons], min(entailed) if entailed else None


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
