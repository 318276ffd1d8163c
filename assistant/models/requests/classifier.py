"""What a message asks for: a search for one passage, or something of another kind.

Most messages are questions that one passage answers. Some ask about a document
as a whole (a summary, its outline, which documents there are), and some are
moves in the conversation that lean on the answer just given ("tell me more",
"why?", "is that important?"). A small learned classifier tells them apart,
however they are typed ("sum it up pls", "tl;dr", "go on"): a multinomial
logistic regression over the message's MiniLM embedding, its character n-grams
(for "tl;dr" and typos) and its length. It is fitted by ``assistant
train-requests`` (:mod:`assistant.models.requests.training`) and shipped as
``assistant/models/requests/shipped/requests.json``; inference is numpy only.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from assistant.asking.documents import document_meant, without_titles
from assistant.common.text import QUESTION_FILLER, STOPWORDS, stem
from assistant.common.timing import stage
from assistant.errors import AssistantError
from assistant.indexing.statistics import KeywordIndex
from assistant.models.files import load_model_file

RequestKind = Literal[
    "ask", "summary", "outline", "documents", "more", "why", "importance", "greeting"
]
KINDS: tuple[RequestKind, ...] = (
    "ask",
    "summary",
    "outline",
    "documents",
    "more",
    "why",
    "importance",
    "greeting",
)
DOCUMENT_KINDS = frozenset({"summary", "outline", "documents"})
"""Requests about a document as a whole, or about the corpus."""
MOVE_KINDS = frozenset({"more", "why", "importance"})
"""Moves in a conversation: they continue from the answer before."""
OVERVIEW_KINDS = DOCUMENT_KINDS | {"greeting"}
"""What the overview answers: requests about documents, and a greeting or thanks (told
what the corpus holds and what to ask, never answered from a passage)."""
MODEL_FILE = "requests.json"
NGRAM_BUCKETS = 1024
"""Character n-grams are hashed into this many features."""
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


class RequestModelError(AssistantError):
    """The request classifier's parameter file is missing, unreadable or for other features."""


@dataclass(frozen=True)
class Request:
    """What a message was read as, and how sure the classifier is."""

    kind: RequestKind = "ask"
    probability: float = 1.0
    sure: bool = True
    """Whether the classifier is as sure as it is of most such requests; an unsure request
    about a document is answered as a question when the corpus answers it."""

    @property
    def about_documents(self) -> bool:
        """A summary, an outline or the list of documents."""
        return self.kind in DOCUMENT_KINDS

    @property
    def overview(self) -> bool:
        """About documents, or a greeting: answered by the overview, not from passages."""
        return self.kind in OVERVIEW_KINDS

    @property
    def move(self) -> bool:
        """ "Tell me more", "why?" or "is that important?": it continues the last answer."""
        return self.kind in MOVE_KINDS


@dataclass(frozen=True)
class CorpusWords:
    """What the corpus says about a message's words: which it uses, and which name a document.

    A question about something the corpus discusses usually names it ("What does
    the article say about KPIs?"); a request about a whole document names at most
    the document ("summarize the COO article").
    """

    vocabulary: Container[str] = frozenset()
    """Stemmed terms of the corpus."""
    titles: frozenset[str] = frozenset()
    """Stemmed terms of the documents' titles and file names."""

    @classmethod
    def of(cls, statistics: KeywordIndex) -> CorpusWords:
        """The words of an index snapshot."""
        return cls(statistics.vocabulary, statistics.title_terms)

    def topical(self, words: list[str]) -> int:
        """How many of ``words`` the corpus uses outside its titles."""
        stems = (stem(w) for w in words)
        return sum(1 for t in stems if t in self.vocabulary and t not in self.titles)


def text_features(text: str, corpus: CorpusWords | None = None) -> np.ndarray:
    """The message's character n-grams (hashed, unit length), its length in words, and how
    many of its words the corpus discusses."""
    lowered = " " + " ".join(text.lower().split()) + " "
    counts = np.zeros(NGRAM_BUCKETS, dtype=np.float32)
    for n in (2, 3, 4):
        for i in range(len(lowered) - n + 1):
            counts[zlib.crc32(lowered[i : i + n].encode()) % NGRAM_BUCKETS] += 1.0
    norm = float(np.linalg.norm(counts))
    if norm:
        counts /= norm
    words = _WORD.findall(lowered)
    content = [w for w in words if w not in STOPWORDS and w not in QUESTION_FILLER]
    topical = (corpus or CorpusWords()).topical(content)
    shape = np.array(
        [
            math.log1p(len(words)),
            math.log1p(len(content)),
            float("?" in text),
            math.log1p(topical),
            topical / max(1, len(content)),
        ],
        dtype=np.float32,
    )
    return np.concatenate([counts, shape])


def features(text: str, vector: np.ndarray, corpus: CorpusWords | None = None) -> np.ndarray:
    """Everything the classifier reads: the embedding, then :func:`text_features`."""
    return np.concatenate([np.asarray(vector, dtype=np.float32), text_features(text, corpus)])


@dataclass(frozen=True)
class RequestModel:
    """A multinomial logistic regression over standardised features, and its operating point."""

    kinds: tuple[RequestKind, ...]
    mean: np.ndarray = field(repr=False)
    scale: np.ndarray = field(repr=False)
    coef: np.ndarray = field(repr=False)
    """One row per kind."""
    intercept: np.ndarray = field(repr=False)
    threshold: float
    """A kind other than ``ask`` is taken only this sure; below it, the message is a question."""
    sure: dict[str, float] = field(default_factory=dict)
    """Per kind, the probability that nine in ten of its requests reach (in cross-validation):
    below it, a reading is unsure."""
    metadata: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Each row's probability of each kind."""
        rows = np.atleast_2d(np.asarray(rows, dtype=np.float64))
        logits = ((rows - self.mean) / self.scale) @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def decide(self, probabilities: np.ndarray) -> Request:
        """The request one row of probabilities stands for."""
        best = int(np.argmax(probabilities))
        kind, probability = self.kinds[best], float(probabilities[best])
        if kind != "ask" and probability < self.threshold:
            return Request("ask", float(probabilities[self.kinds.index("ask")]))
        return Request(kind, probability, probability >= self.sure.get(kind, 0.0))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters and metadata."""

        def rounded(values: np.ndarray) -> Any:
            return np.round(values.astype(np.float64), 6).tolist()

        return {
            **self.metadata,
            "kinds": list(self.kinds),
            "features": f"minilm-384 + char-2-4-grams-{NGRAM_BUCKETS} + 5 shape",
            "mean": rounded(self.mean),
            "scale": rounded(self.scale),
            "coef": rounded(self.coef),
            "intercept": rounded(self.intercept),
            "threshold": round(self.threshold, 6),
            "sure": {k: round(v, 6) for k, v in self.sure.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RequestModel:
        """A model from :meth:`to_dict`'s output, checked against this code's features."""
        kinds = tuple(data["kinds"])
        coef = np.asarray(data["coef"], dtype=np.float64)
        if set(kinds) != set(KINDS) or coef.shape[1] != len(data["mean"]):
            raise RequestModelError(
                "The request classifier was fitted for other kinds or features than this "
                "version reads. Retrain it with `assistant train-requests`."
            )
        metadata = {
            k: v
            for k, v in data.items()
            if k
            not in {"kinds", "features", "mean", "scale", "coef", "intercept", "threshold", "sure"}
        }
        return cls(
            kinds,
            np.asarray(data["mean"], dtype=np.float64),
            np.asarray(data["scale"], dtype=np.float64),
            coef,
            np.asarray(data["intercept"], dtype=np.float64),
            float(data["threshold"]),
            {str(k): float(v) for k, v in data.get("sure", {}).items()},
            metadata,
        )


class RequestClassifier:
    """Reads what a message asks for; the model is read on first use."""

    def __init__(
        self, encode: Callable[[str], np.ndarray], *, model_path: Path | None = None
    ) -> None:
        self.encode = encode
        self.model_path = model_path

    @property
    def model(self) -> RequestModel:
        """The shipped model, or the one at ``model_path``."""
        return load_model(str(self.model_path) if self.model_path else None)

    def read(
        self, text: str, history: Sequence[tuple[str, str]], statistics: KeywordIndex
    ) -> tuple[Request, str]:
        """What a message asks of this corpus and, for a request about one document, which
        document ("" when nothing says which)."""
        request = self.classify(without_titles(text, statistics.titles), CorpusWords.of(statistics))
        if request.kind == "more" and not history:
            request = Request("summary", request.probability)  # more of nothing: the gist
        elif request.move and not history and names_a_subject(text, statistics):
            # Nothing to continue, so it asks its own question: "why is knowing the
            # diffrence important" is about the difference, not about an earlier answer.
            request = Request("ask", 1.0 - request.probability)
        if not request.about_documents:
            return request, ""
        return request, document_meant(text, history, statistics)

    def classify(self, text: str, corpus: CorpusWords | None = None) -> Request:
        """What ``text`` asks for, given the words of the corpus it is asked of."""
        with stage("classify"):
            model = self.model
            row = features(text, self.encode(text), corpus)
            return model.decide(model.probabilities(row)[0])


def names_a_subject(text: str, statistics: KeywordIndex) -> bool:
    """Whether ``text`` names something the corpus discusses (typos read as the corpus
    word they stand for), besides the words any question or move is made of."""
    normalized = statistics.words.normalize(text).text
    return any(
        statistics.words.knows(word)
        for word in _WORD.findall(normalized.lower())
        if word not in STOPWORDS and word not in QUESTION_FILLER
    )


@cache
def load_model(path: str | None = None) -> RequestModel:
    """The request model in ``path``, or the package's."""
    return load_model_file(
        __package__ or "",
        MODEL_FILE,
        path,
        RequestModel.from_dict,
        what="request classifier",
        error=RequestModelError,
        command="assistant train-requests",
    )
