"""Sure, unsure or not in the corpus: the one module that decides whether the corpus
answers a question, and how sure that is.

The decision is learned, not written as rules: the features of the question and
of every candidate unit (:mod:`assistant.asking.features`) go to the calibrated
scorer (:mod:`assistant.models.scorer.scorer`), which gives probabilities only:
that each unit holds the answer, and that the corpus answers at all. Here those
probabilities become a :class:`Verdict`, against the two operating points shipped
with the scorer (both chosen on validation documents): at or above the upper one
the answer is *sure*, unless the question has a word the corpus never uses; between
the two it is *unsure* (the closest passages, said to be no more than that); below
the lower one the corpus does not answer. Two things the scorer cannot read make a sure
answer unsure: whose item the best unit is (:mod:`assistant.asking.subjects`), and a
question that asks for the opposite of what it says (:mod:`assistant.asking.polarity`).
One fact of the text makes an answer sure: the unit that spells out the acronym a
question asks about (:mod:`assistant.asking.expansions`).
Everything that answers asks this module: the chain's answer and hedge branches,
the answerers (which unit to quote besides the best), and the continuations
("why?", "is that important?"). The verdict carries the ranking, so answerers
quote from the same ranking the decision used, and a refusal can still show the
closest passage.
"""

from __future__ import annotations

from collections.abc import Collection, Container
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.asking.candidates import UnitKey
from assistant.asking.expansions import asked_acronym, defining_unit
from assistant.asking.features import FeatureExtractor
from assistant.asking.polarity import opposes
from assistant.asking.retrieval import Retrieval
from assistant.asking.subjects import about_another_subject
from assistant.common.timing import stage
from assistant.indexing.embeddings import SentenceTransformerEmbeddings
from assistant.indexing.spelling import Normalized
from assistant.models.reader.reader import Reader
from assistant.models.scorer.scorer import (
    ScoredCandidate,
    Scorer,
    ScorerModel,
    Scores,
    configured_path,
)
from assistant.settings import Settings

LIKELY = 0.5
"""A unit more likely than this to answer answers too: a further unit is quoted, and a
continuation's best unit is enough to answer it."""


RELATED = 0.2
"""A unit outside what was quoted is "more" on a topic when it is at least this share as
likely to answer the topic as the topic's best unit."""


CLOSE = 0.05
"""An unsure answer shows a unit among its closest when it is at least this share as likely
to answer as its best. Chosen on the gold set's questions (cross-fitted scorers): at
0.2 an unsure answer showed 1.5 units and the right one among them 0.77 of the time;
at 0.05, 2.0 units and 0.84; showing three always, 2.4 units for 0.01 more."""


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
    sure: bool = True
    """For an answerable verdict: whether the answer is sure (else it is given as unsure)."""
    confidence: float | None = None
    """The calibrated probability that the answer is right, where the scorer has one."""

    @property
    def hedged(self) -> bool:
        """Answered, but not surely: the closest passages, said to be no more than that."""
        return self.answerable and not self.sure

    @property
    def closest(self) -> ScoredCandidate | None:
        """The unit that comes nearest to answering, refused or not."""
        return self.ranked[0] if self.ranked else None

    def within(self, keys: Container[tuple[str, int, int]]) -> Verdict:
        """The verdict on the units at ``keys`` alone (a continuation's neighbourhood):
        answerable when this one was and the best of them is likely to answer. The words
        asked for are a move's own, not the user's: a refusal names none."""
        ranked = tuple(s for s in self.ranked if s.candidate.key in keys)
        answerable = self.answerable and bool(ranked) and likely(ranked[0])
        return Verdict(
            answerable, self.probability, ranked, sure=self.sure, confidence=self.confidence
        )


def verdict_of(
    scores: Scores,
    model: ScorerModel,
    missing: tuple[str, ...] = (),
    *,
    question: str = "",
    sure_threshold: float | None = None,
) -> Verdict:
    """The verdict on a question's scores: answered when the probability that the corpus
    answers reaches the scorer's lower operating point; sure when the probability that
    the answer is right reaches the upper one (``sure_threshold`` instead, when an
    operator sets one). A scorer without the second probability makes every answer sure.
    A question in words the corpus never uses (``missing``) is never answered surely: the
    answer says that the corpus does not mention them, which a sure answer cannot. Nor is
    a ``question`` that denies what its best unit says."""
    probability = scores.probability
    answerable = bool(scores.ranked) and probability >= model.threshold
    upper = sure_threshold if sure_threshold is not None else model.sure_threshold
    right = scores.right
    # "What software do COOs use?" against "Monitoring key performance indicators": the
    # scorer finds the topic and may be sure, but the thing asked for is not in the corpus.
    # "Which role does NOT collaborate …?" finds "Collaborating with …": the scorer reads
    # the words, not their polarity.
    opposed = answerable and opposes(question, scores.ranked[0].candidate.text)
    sure = (
        answerable
        and not missing
        and not opposed
        and (right is None or upper is None or right >= upper)
    )
    confidence = None
    if right is not None and model.calibration is not None:
        confidence = model.calibration(right)
    return Verdict(answerable, probability, scores.ranked, missing, sure, confidence)


def likely(scored: ScoredCandidate) -> bool:
    """Whether a unit is more likely than not to answer (so it may be quoted too)."""
    return scored.probability >= LIKELY


def close(scored: ScoredCandidate, best: float) -> bool:
    """Whether a unit is close enough to the best (``best``, its probability) to be shown
    beside it in an unsure answer."""
    return scored.probability >= CLOSE * best


def related(scored: ScoredCandidate, best: float) -> bool:
    """Whether a unit is close enough to the topic's ``best`` unit to be told as "more"."""
    return scored.probability >= RELATED * best


def answers(verdict: Verdict | None, retrieved: int, *, surely: bool = False) -> bool:
    """Whether to answer with what was retrieved (``surely``: as a sure answer): as the
    verdict says; with no verdict (a chain without this check), whenever something was."""
    if verdict is None:
        return retrieved > 0
    answered = retrieved > 0 and verdict.answerable and bool(verdict.ranked)
    return answered and (verdict.sure or not surely)


class Decision:
    """Scores a question's candidates and decides whether to answer."""

    def __init__(
        self,
        embeddings: SentenceTransformerEmbeddings,
        scorer: Scorer | None = None,
        *,
        scorer_path: Path | None = None,
        reader: Reader | None = None,
        read_best: int = 12,
        sure_threshold: float | None = None,
    ) -> None:
        self._scorer = scorer
        self._scorer_path = scorer_path
        self.sure_threshold = sure_threshold
        """The operator's upper operating point, instead of the scorer's (``None``: its own)."""
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
    ) -> Decision:
        """The decision with the configured scorer and reader."""
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
            sure_threshold=settings.sure_threshold,
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

    def judge(
        self,
        normalized: Normalized,
        retrieval: Retrieval,
        skip: Collection[UnitKey] = (),
    ) -> Verdict:
        """The verdict on a (normalized) question given what was retrieved for it; the
        units at ``skip`` (boilerplate) are never candidates."""
        if not retrieval.passages:
            return Verdict(answerable=False, probability=0.0, missing=normalized.lacking)
        with stage("score"):
            scores = self.scorer.score(self.features.extract(normalized, retrieval, skip))
        verdict = verdict_of(
            scores,
            self.scorer.model,
            normalized.lacking,
            question=normalized.text,
            sure_threshold=self.sure_threshold,
        )
        best = verdict.closest
        if verdict.sure and best is not None:
            # "Does the operations manager monitor KPIs?" finds the COO's item: the scorer
            # reads the words, not whose item it is; the answer is at most unsure.
            with stage("subject"):
                other = about_another_subject(normalized.text, best.candidate, retrieval.statistics)
            if other:
                verdict = replace(verdict, sure=False)
        acronym = asked_acronym(normalized.text, retrieval.statistics.words.acronyms)
        if acronym is not None:
            verdict = _spelled_out(verdict, acronym)
        return verdict


def _spelled_out(verdict: Verdict, acronym: str) -> Verdict:
    """The verdict on "what does COO stand for?": the unit that spells the acronym out,
    first and sure, where the corpus spells it out one way (:mod:`assistant.asking.expansions`)."""
    unit = defining_unit(acronym, verdict.ranked)
    if unit is None:
        return verdict
    ranked = (unit, *(s for s in verdict.ranked if s is not unit))
    # The scorer's confidence was for its own ranking; this answer rests on the text.
    return replace(verdict, answerable=True, sure=True, ranked=ranked, missing=(), confidence=None)
