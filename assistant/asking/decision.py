"""Answer or refuse: the one place that decides whether the corpus answers a question.

The decision is learned, not written as rules: the features of the question and
of every candidate unit (:mod:`assistant.asking.features`) go to the calibrated scorer
(:mod:`assistant.asking.scorer`), which ranks the units by the probability that they
hold the answer and says how likely the corpus is to answer at all. The verdict
carries both, so the answerers quote from the same ranking the decision used,
and a refusal can still show the closest passage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.asking.features import FeatureExtractor
from assistant.asking.reader import Reader
from assistant.asking.retrieval import Retrieval
from assistant.asking.scorer import ScoredCandidate, Scorer, configured_path
from assistant.common.timing import stage
from assistant.indexing.embeddings import SentenceTransformerEmbeddings
from assistant.indexing.spelling import Normalized
from assistant.settings import Settings


@dataclass(frozen=True)
class Verdict:
    """Whether to answer, with the ranked units and the question's words the corpus lacks."""

    answerable: bool
    probability: float
    """Calibrated probability that the corpus answers the question."""
    ranked: tuple[ScoredCandidate, ...] = ()
    """Candidate units, most likely to hold the answer first."""
    missing: tuple[str, ...] = ()
    """Words of the question that the corpus never uses (for the refusal's wording)."""

    @property
    def closest(self) -> ScoredCandidate | None:
        """The unit that comes nearest to answering, refused or not."""
        return self.ranked[0] if self.ranked else None


class ScopeCheck:
    """Scores a question's candidates and decides whether to answer."""

    def __init__(
        self,
        embeddings: SentenceTransformerEmbeddings,
        scorer: Scorer | None = None,
        *,
        scorer_path: Path | None = None,
        reader: Reader | None = None,
        read_best: int = 12,
    ) -> None:
        self._scorer = scorer
        self._scorer_path = scorer_path
        self.reader = reader
        self.features = FeatureExtractor(
            embeddings.encode, reader.score if reader else None, read_best=read_best
        )

    @classmethod
    def from_settings(
        cls,
        embeddings: SentenceTransformerEmbeddings,
        settings: Settings,
        scorer: Scorer | None = None,
    ) -> ScopeCheck:
        """The check with the configured scorer and reader."""
        reader = (
            Reader(settings.cache_dir, folder=settings.reader_path, int8=settings.reader_int8)
            if settings.reader
            else None
        )
        return cls(
            embeddings,
            scorer,
            scorer_path=configured_path(settings.scorer_path, reader=settings.reader),
            reader=reader,
            read_best=settings.reader_candidates,
        )

    def load(self) -> None:
        """Read the scorer and the reader now (beside the index check) rather than on the
        first question."""
        _ = self.scorer
        if self.reader is not None:
            self.reader.load()

    @property
    def scorer(self) -> Scorer:
        """The learned scorer (the shipped one unless another was given), read on first use."""
        if self._scorer is None:
            self._scorer = Scorer.load(self._scorer_path)
        return self._scorer

    def judge(self, normalized: Normalized, retrieval: Retrieval) -> Verdict:
        """The verdict on a (normalized) question given what was retrieved for it."""
        if not retrieval.passages:
            return Verdict(answerable=False, probability=0.0, missing=normalized.unknown)
        with stage("score"):
            scores = self.scorer.score(self.features.extract(normalized, retrieval))
        return Verdict(scores.answerable, scores.probability, scores.ranked, normalized.unknown)
