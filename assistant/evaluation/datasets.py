"""Question sets: the article's gold set and any SQuAD-format article."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.settings import PROJECT_ROOT


class DatasetError(AssistantError):
    """A question set cannot be read or does not match its document."""


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of one document."""

    source: str
    start: int
    end: int

    def contains(self, other: Span) -> bool:
        """True if ``other`` lies entirely inside this span."""
        return self.source == other.source and self.start <= other.start and other.end <= self.end

    def covers(self, other: Span, share: float) -> bool:
        """True if at least ``share`` of ``other``'s characters lie inside this span."""
        if self.source != other.source or other.end <= other.start:
            return False
        overlap = min(self.end, other.end) - max(self.start, other.start)
        return overlap >= share * (other.end - other.start)


@dataclass(frozen=True)
class EvalQuestion:
    """One question, with what a good answer rests on and states."""

    id: str
    question: str
    kind: str
    answerable: bool
    evidence: tuple[tuple[Span, ...], ...] = ()
    """Groups of alternative spans; an answer should cite one span of every group."""
    facts: tuple[tuple[str, ...], ...] = ()
    """Facts the answer should state, each as alternative phrasings."""
    answers: tuple[str, ...] = ()
    """Short gold answers (SQuAD), for containment and token F1."""


@dataclass(frozen=True)
class QuestionSet:
    """Documents to index and the questions to ask about them."""

    name: str
    documents: dict[str, str]
    """File name → text, written into a fresh corpus folder for the run."""
    questions: tuple[EvalQuestion, ...]
    short_answers: bool = False
    """True for SQuAD-style sets, which also report answer containment and token F1."""
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    scorer_document: str | None = None
    """The training document these questions are about: evaluation scores them with
    the scorer fitted without it. ``None`` for documents the scorer never saw."""

    def title(self, source: str) -> str:
        """The title line of document ``source`` (its first line, without Markdown's ``#``)."""
        lines = self.documents[source].splitlines()
        return lines[0].lstrip("#").strip() if lines else ""

    def asks_title(self, question: EvalQuestion) -> bool:
        """Whether ``question`` rests on its document's title line alone ("What is the title
        of the article?"): the document list answers it, citing the title."""
        spans = [span for group in question.evidence for span in group]
        return bool(spans) and all(
            self.documents[s.source][s.start : s.end].strip() == self.title(s.source) for s in spans
        )

    def limited(self, limit: int | None) -> QuestionSet:
        """The first ``limit`` answerable and first ``limit`` unanswerable questions."""
        if limit is None:
            return self
        answerable = [q for q in self.questions if q.answerable][:limit]
        unanswerable = [q for q in self.questions if not q.answerable][:limit]
        return replace(self, questions=tuple(answerable + unanswerable))


def article_set(document: Path | None = None) -> QuestionSet:
    """The gold set about the article, checked against the article's text."""
    raw = json.loads(
        resources.files("assistant.evaluation").joinpath("data/article_gold.json").read_text()
    )
    path = document or PROJECT_ROOT / "corpus" / raw["document"]
    if not path.is_file():
        raise DatasetError(f"The gold set needs the article at {path}.")
    text = path.read_text(encoding="utf-8")
    source = raw["document"]
    questions = _article_questions(
        raw["answerable"], raw["out_of_corpus"], source, text, kind="kind", where=str(path)
    )
    return QuestionSet(
        name=raw["name"],
        documents={source: text},
        questions=questions,
        description=raw["description"],
        scorer_document="article",
    )


def _article_questions(
    answerable: list[dict[str, Any]],
    unanswerable: list[dict[str, Any]],
    source: str,
    text: str,
    *,
    kind: str,
    where: str,
) -> tuple[EvalQuestion, ...]:
    """Questions about the article, each evidence string located in ``text``.

    ``kind`` names the field that classifies a question ("kind" in the gold set,
    "style" in the unseen set); ``where`` names the text in errors.
    """
    questions: list[EvalQuestion] = []
    for item in answerable:
        groups = []
        for evidence in item["evidence"]:
            start = text.find(evidence)
            if start < 0:
                raise DatasetError(f"Evidence of {item['id']} is not in {where}: {evidence!r}")
            groups.append((Span(source, start, start + len(evidence)),))
        questions.append(
            EvalQuestion(
                id=item["id"],
                question=item["question"],
                kind=item[kind],
                answerable=True,
                evidence=tuple(groups),
                facts=tuple(tuple(f) for f in item["facts"]),
            )
        )
    questions.extend(
        EvalQuestion(id=i["id"], question=i["question"], kind=i[kind], answerable=False)
        for i in unanswerable
    )
    return tuple(questions)


def article_noisy_set(seed: int = 20261126) -> QuestionSet:
    """The gold set typed as people type: a typo and a chat variant of every question."""
    from assistant.evaluation.noise import noisy_variants

    gold = article_set()
    questions = tuple(
        replace(q, id=f"{q.id}-{kind}", question=text, kind=f"{q.kind}/{kind}")
        for q in gold.questions
        for kind, text in noisy_variants(q.question, seed)
    )
    return replace(
        gold,
        name="article-noisy",
        questions=questions,
        description=f"{gold.description} Noisy variants (typos, chat), seed {seed}.",
    )


def distractor_set(pages: int = 5000) -> QuestionSet:
    """The gold set asked of a corpus where the article is one document among junk and others.

    Beside the article: a document of ``pages`` near-identical one-line pages
    (thousands of chunks that say nothing) and the four SQuAD articles. Compare
    with ``article`` to see what a large irrelevant document costs.
    """
    gold = article_set()
    documents = dict(gold.documents)
    documents["zebra-pages.txt"] = "\n\n".join(
        f"Zebra page {n} tiny text." for n in range(1, pages + 1)
    )
    for squad in bundled_squad_sets():
        documents.update(squad.documents)
    return replace(
        gold,
        name="article-distractors",
        documents=documents,
        description=(
            f"{gold.description} Asked of a corpus that also holds {pages:,} pages of junk "
            "and the four SQuAD articles."
        ),
    )


def unseen_set() -> QuestionSet:
    """Questions about the article written by someone who never saw the system or its data.

    Never used to fit or choose anything: the figure for questions nobody tuned for.
    """
    return written_set("article_unseen.json", "article-unseen", kind="style")


def written_set(file: str, name: str, *, kind: str) -> QuestionSet:
    """A set of questions about the article from a data file (``answerable`` and
    ``unanswerable`` rows, each row's class in its ``kind`` field), evidence located."""
    raw = json.loads(resources.files("assistant.evaluation").joinpath(f"data/{file}").read_text())
    gold = article_set()
    source, text = next(iter(gold.documents.items()))
    questions = _article_questions(
        raw["answerable"], raw["unanswerable"], source, text, kind=kind, where="the article"
    )
    return QuestionSet(
        name=name, documents=gold.documents, questions=questions, description=raw["description"]
    )


def bundled_squad_sets() -> list[QuestionSet]:
    """The SQuAD articles the project ships, each scored by the scorer fitted without it."""
    folder = resources.files("assistant.evaluation").joinpath("data")
    sets = [squad_set(Path(str(folder.joinpath("squad-v2-dev-normans.json"))))]
    three = Path(str(folder.joinpath("squad-v1-dev-3articles.json")))
    for title in ("Southern_California", "Sky_(United_Kingdom)", "Victoria_(Australia)"):
        sets.append(squad_set(three, title=title))
    return [replace(s, scorer_document=s.name.removeprefix("squad:")) for s in sets]


def _read_json(path: Path) -> Any:
    """A JSON file, gzip-compressed or not."""
    import gzip

    opener = gzip.open if Path(path).suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def squad_titles(path: Path) -> list[str]:
    """The article titles of a SQuAD-format file."""
    try:
        return [str(a.get("title")) for a in _read_json(path)["data"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatasetError(f"{path} is not a readable SQuAD-format file: {exc}") from exc


def squad_set(path: Path, *, title: str | None = None) -> QuestionSet:
    """One article of a SQuAD (v1.1 or v2.0) file, indexed as one document.

    Paragraphs are joined by blank lines; answer offsets are moved into the
    joined text, so citations can be checked against them. Without ``title``,
    the file's first article is used.
    """
    try:
        articles = _read_json(path)["data"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatasetError(f"{path} is not a readable SQuAD-format file: {exc}") from exc
    article = next((a for a in articles if title is None or a.get("title") == title), None)
    if article is None:
        names = ", ".join(str(a.get("title")) for a in articles[:10])
        raise DatasetError(f"No article titled {title!r} in {path} (first titles: {names}).")
    name = str(article.get("title") or "squad")
    source = f"{name}.txt"
    parts: list[str] = []
    questions: list[EvalQuestion] = []
    offset = 0
    for paragraph in article["paragraphs"]:
        context = paragraph["context"]
        for qa in paragraph["qas"]:
            answers = [a for a in qa.get("answers", []) if a.get("text")]
            impossible = bool(qa.get("is_impossible")) or not answers
            spans = tuple(
                Span(
                    source, offset + a["answer_start"], offset + a["answer_start"] + len(a["text"])
                )
                for a in answers
            )
            questions.append(
                EvalQuestion(
                    id=str(qa["id"]),
                    question=qa["question"],
                    kind="unanswerable" if impossible else "answerable",
                    answerable=not impossible,
                    evidence=() if impossible else (spans,),
                    facts=() if impossible else (tuple(dict.fromkeys(a["text"] for a in answers)),),
                    answers=tuple(dict.fromkeys(a["text"] for a in answers)),
                )
            )
        parts.append(context)
        offset += len(context) + 2
    text = "\n\n".join(parts) + "\n"
    for question in questions:
        for group in question.evidence:
            for span in group:
                answer = text[span.start : span.end]
                if answer not in question.answers:
                    raise DatasetError(f"Answer offsets of {question.id} do not match its text.")
    return QuestionSet(
        name=f"squad:{name}",
        documents={source: text},
        questions=tuple(questions),
        short_answers=True,
        description=f"SQuAD article {name!r} from {Path(path).name}",
    )
