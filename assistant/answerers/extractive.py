"""The default answerer: grounded, extractive, model-free.

It quotes the units the scorer ranked highest (sentences, list lead-ins, list
items), each followed by a ``[n]`` marker that points at its exact span. The
unit most likely to answer comes first; a further unit is quoted only when the
scorer finds it more likely than not to answer too, except in an unsure answer,
which shows the few units the scorer ranks close to its best (at most
``max_units``), since it does not know which of them answers. A list is quoted whole when
its lead-in is the answer or several of its items are; a single item or a
sentence opening with a pronoun gets its subject named in brackets, as added
context, while the quote stays verbatim. It never writes a word that is not in
the corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from assistant.answerers.base import cite, hedge_text, start_answer
from assistant.answerers.polar import PolarAnswers
from assistant.asking.decision import close, likely
from assistant.asking.state import QuestionState
from assistant.asking.subjects import subject_of
from assistant.common.timing import stage
from assistant.models.reader.reader import read_together, reader_text
from assistant.models.scorer.scorer import ScoredCandidate
from assistant.response import Answer, Citation, Segment, compose

PhraseCount = Callable[[str], int]


@dataclass(frozen=True)
class _Group:
    """One citation's worth of answer: a sentence, an item, or a lead-in with its list."""

    members: tuple[ScoredCandidate, ...]
    context: str = ""
    """A subject named for the reader ("An operations manager"), not part of the quote."""

    @property
    def is_list(self) -> bool:
        return len(self.members) > 1


class ExtractiveAnswerer:
    """Composes answers from verbatim sentences and list items of the passages.

    ``stream(state)`` takes a :class:`~assistant.asking.state.QuestionState` whose
    verdict ranks the candidate units and yields :class:`Answer` snapshots.
    """

    name = "extractive"

    def __init__(self, *, max_units: int = 3, polar: PolarAnswers | None = None) -> None:
        self.max_units = max_units
        self.polar = polar
        """Says "Yes."/"No." first for a yes/no question its first quote settles."""

    def stream(self, state: QuestionState) -> Iterator[Answer]:
        """Yield growing answers, one citation at a time; the last is complete."""
        base, refusal = start_answer(state, self.name)
        if refusal is not None:
            yield refusal
            return
        assert state.verdict is not None
        statistics = state.corpus_statistics
        phrase_count = statistics.phrase_count if statistics else (lambda _: 0)
        with stage("compose"):
            groups = self.select(state.verdict.ranked, phrase_count, closest=base.hedged)
        assert groups, "the decision answers only with a ranked unit to quote"
        citations = [_citation(group, marker) for marker, group in enumerate(groups, start=1)]
        segments = [_segments(group, marker) for marker, group in enumerate(groups, start=1)]
        if base.hedged:
            # Unsure: the quotes are said to be the closest the corpus comes, no more.
            segments[0] = [
                Segment("sentence", hedge_text(state.documents, state.verdict)),
                *segments[0],
            ]
        elif self.polar is not None:
            with stage("polar"):
                said = self.polar.verdict(state.standalone, _premise(groups[0]))
            if said is not None:
                segments[0] = [Segment("sentence", f"{said}."), *segments[0]]
        for shown in range(1, len(groups) + 1):
            pieces = tuple(piece for group in segments[:shown] for piece in group)
            yield replace(
                base,
                text=compose(pieces),
                segments=pieces,
                citations=citations[:shown],
                complete=shown == len(groups),
            )

    def select(
        self,
        ranked: tuple[ScoredCandidate, ...],
        phrase_count: PhraseCount,
        *,
        closest: bool = False,
    ) -> list[_Group]:
        """The units to quote, best first, grouped into citations; ``closest`` (an unsure
        answer): the closest units whether or not each is likely to answer."""
        if not ranked:
            return []
        chosen = [ranked[0]]
        best = ranked[0].probability
        # A document that repeats a sentence word for word is quoted it once.
        quoted = {ranked[0].candidate.text}
        for scored in ranked[1:]:
            # An unsure answer does not know which unit answers, so it shows the few the
            # scorer ranks close to the best, for the reader to judge.
            wanted = close(scored, best) if closest else likely(scored)
            if len(chosen) < self.max_units and wanted and scored.candidate.text not in quoted:
                chosen.append(scored)
                quoted.add(scored.candidate.text)
        groups: list[_Group] = []
        done: set[str] = set()
        for scored in chosen:
            candidate = scored.candidate
            if candidate.unit.kind == "sentence":
                groups.append(_Group((scored,), subject_of(candidate, phrase_count)))
                continue
            if candidate.chunk.id in done:
                continue
            done.add(candidate.chunk.id)
            items = [
                c
                for c in chosen
                if c.candidate.chunk.id == candidate.chunk.id and c.candidate.unit.kind == "item"
            ]
            if candidate.unit.kind == "leadin" or len(items) >= 2:
                members = [
                    c
                    for c in ranked
                    if c.candidate.chunk.id == candidate.chunk.id
                    and c.candidate.unit.kind != "sentence"
                ]
                groups.append(_Group(tuple(sorted(members, key=lambda c: c.candidate.unit.start))))
            else:
                groups.append(_Group((scored,), subject_of(candidate, phrase_count)))
        return groups


def _premise(group: _Group) -> str:
    """The first quote as the entailment model reads it: with its setting, a list whole."""
    members = [m.candidate for m in group.members]
    return read_together(members) if group.is_list else reader_text(members[0])


def _citation(group: _Group, marker: int) -> Citation:
    first, last = group.members[0].candidate, group.members[-1].candidate
    score = max(m.probability for m in group.members)
    return cite(first.chunk, first.unit.start, last.unit.end, marker=marker, score=score)


def _segments(group: _Group, marker: int) -> list[Segment]:
    """A group as answer segments: a sentence or item alone, or a list with its marker once."""
    members = [m.candidate for m in group.members]
    if not group.is_list:
        return [Segment("sentence", members[0].text, marker, group.context)]
    if members[0].unit.kind == "leadin":
        leadin, *items = members
        return [Segment("leadin", leadin.text, marker)] + [Segment("item", c.text) for c in items]
    return [Segment("item", c.text) for c in members[:-1]] + [
        Segment("item", members[-1].text, marker)
    ]
