"""The facts a clause states, and how a claim's facts depart from a unit's.

A :class:`Clause` holds what the checks compare: its agent and the roles it
mentions (read by :mod:`assistant.answerers.claims`), whether it is negated, the
sign of its comparisons, its fact words, and its names and numbers in order.
:func:`conflicts` lists, in words for people, how a claim clause departs from
the unit clause it is held against.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

_NEGATIONS = {"not", "n't", "no", "never", "neither", "nor", "without", "none", "nothing"}
# The sign of a comparison, by the word that makes it. Other words spaCy tags as
# comparative (JJR, RBR) count as "more".
_DIRECTION = {
    "more": 1, "higher": 1, "greater": 1, "broader": 1, "wider": 1, "bigger": 1,
    "larger": 1, "senior": 1, "above": 1, "outrank": 1, "superior": 1,
    "less": -1, "fewer": -1, "lower": -1, "lesser": -1, "narrower": -1, "smaller": -1,
    "junior": -1, "below": -1, "inferior": -1, "subordinate": -1,
}  # fmt: skip
_NUMBER_WORDS = dict(
    zip("three four five six seven eight nine ten eleven twelve".split(), range(3, 13), strict=True)
) | {w: w for w in "first second third fourth fifth sixth seventh eighth ninth tenth".split()}
_NUMERIC = {"CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY", "DATE", "TIME"}
_FACT_WORDS = {"NOUN", "PROPN", "ADJ"}
"""The parts of speech that carry a claim's facts: a new one must be in the passage."""
# Nouns a faithful paraphrase may add without adding a fact ("part of the COO's job").
LIGHT_NOUNS = frozenset(
    "part job role task duty responsibility way thing side kind type lot bit one eye hand "
    "charge care term article text author summary short both each other rest effort work "
    "matter aspect area contribution".split()
    # and adjectives that grade or quantify rather than state a fact
    + "most many much more key main big whole entire available clear various certain own "
    "same such overall general".split()
)


@dataclass(frozen=True)
class Clause:
    """One clause of a sentence, as the checks need it."""

    text: str
    agent: frozenset[str]
    """Who does it: role keys of the subject, its owner ("a COO's decisions") or a
    passive's "by" phrase."""
    roles: frozenset[str]
    """Every role the clause mentions, the agent included."""
    negated: bool
    direction: int
    """Sign of its comparisons: 1 (more, higher), -1 (less, lower), 0 (none)."""
    content: frozenset[str]
    """Lemmas of its nouns, verbs, adjectives and adverbs."""
    nouns: frozenset[str]
    names: frozenset[str] = field(default=frozenset())
    """Proper names, lower case."""
    numbers: frozenset[str] = field(default=frozenset())
    order: tuple[tuple[str, str], ...] = ()
    """Consecutive names and numbers, in order ("from 44 to 40": ("44", "40")), where
    the words between them say something (not a plain "A, B and C" list)."""


EMPTY = Clause("", frozenset(), frozenset(), False, 0, frozenset(), frozenset())


def conflicts(
    claim: Clause, unit: Clause, setting: str, implicit: frozenset[str] = frozenset()
) -> list[str]:
    """How ``claim`` departs from ``unit``, in words for people (empty: it does not).

    ``setting`` is everything the unit says with its framing (title, section,
    lead-in): a name or number of the claim must appear there. ``implicit`` are the
    roles the title names, the other side of a comparison the unit leaves unsaid.
    """
    found = []
    if claim.agent and unit.agent and not claim.agent & unit.agent:
        found.append(f"the passage says this of {_names(unit.agent)}, not {_names(claim.agent)}")
    elif extra := claim.roles - unit.roles - claim.agent:
        # "The COO outranks the operations manager" from "The COO holds a higher-ranking
        # position": a comparison's other side may be left to the title.
        implied = claim.direction and claim.direction == unit.direction and extra <= implicit
        if not implied:
            found.append(f"the passage does not involve {_names(extra)}")
    if claim.negated != unit.negated:
        found.append("it denies what the passage says" if claim.negated else "it drops a negation")
    if claim.direction and claim.direction != unit.direction:
        found.append(
            "its comparison goes the other way"
            if unit.direction
            else "the passage makes no such comparison"
        )
    text = f" {' '.join(setting.lower().split())} "
    missing = sorted(n for n in claim.names if not _mentions(text, n))
    if missing:
        found.append(f"the passage does not mention {', '.join(missing)}")
    numbers = {_number(w) for w in re.findall(r"[\w.,£$€]+", text)}
    absent = sorted(n for n in claim.numbers if n not in numbers)
    if absent:
        found.append(f"the passage does not give {', '.join(absent)}")
    if _swapped(claim, unit):
        found.append("it attaches names or numbers to the wrong things")
    return found


def _mentions(text: str, name: str) -> bool:
    """Whether ``text`` names ``name``, allowing "Victorian" for "Victoria"."""
    if f" {name} " in text or name in text:
        return True
    words = [w for w in re.findall(r"\w+", name) if len(w) >= 3]
    return bool(words) and all(
        any(f" {w[:cut]}" in text for cut in range(len(w), max(len(w) - 3, 4), -1)) for w in words
    )


def _names(keys: frozenset[str]) -> str:
    return " and ".join(sorted(k.upper() if " " not in k and len(k) <= 5 else k for k in keys))


def read_clause(
    doc: Any, tokens: list[Any], agent: frozenset[str], roles: frozenset[str]
) -> Clause:
    """The facts of one clause: ``tokens`` of the spaCy ``doc``, said by ``agent``."""
    positions = {t.i for t in tokens}
    names: set[str] = set()
    numbers: set[str] = set()
    mentions: list[tuple[int, int, str]] = []
    for entity in doc.ents:
        if entity.root.i not in positions:
            continue
        if entity.label_ in _NUMERIC:
            counted = [t for t in entity if _counts(t)]
            numbers.update(_number(t.text) for t in counted)
            mentions += [(t.i, t.i + 1, _number(t.text)) for t in counted]
        else:
            name = entity.text.lower().removeprefix("the ")
            names.add(name)
            mentions.append((entity.start, entity.end, name))
    for t in tokens:
        if _counts(t) and not t.ent_type_:
            numbers.add(_number(t.text))
            mentions.append((t.i, t.i + 1, _number(t.text)))
        elif t.pos_ == "PROPN" and not t.ent_type_ and t.is_alpha and not t.is_upper:
            names.add(t.lower_)
    return Clause(
        text=" ".join(t.text for t in tokens),
        agent=agent,
        roles=roles,
        negated=any(t.dep_ == "neg" or t.lower_ in _NEGATIONS for t in tokens),
        direction=_direction(tokens),
        content=frozenset(
            t.lemma_.lower() for t in tokens if t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ", "ADV"}
        ),
        nouns=frozenset(t.lemma_.lower() for t in tokens if t.pos_ in _FACT_WORDS and t.is_alpha),
        names=frozenset(n for n in names if n not in roles and len(n) > 1),
        numbers=frozenset(numbers),
        order=_order(doc, sorted(mentions)),
    )


def _order(doc: Any, mentions: list[tuple[int, int, str]]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for (_, end, first), (start, _, second) in itertools.pairwise(mentions):
        between = doc[end:start]
        listed = len(between) > 0 and all(t.is_punct or t.lower_ in {"and", "or"} for t in between)
        if first != second and start - end <= _NEAR and not listed:
            pairs.append((first, second))
    return tuple(pairs)


_NEAR = 6
"""Tokens between two names for their order to be read as a relation."""


def _direction(tokens: list[Any]) -> int:
    """The sign of the clause's comparisons; "more than 20 million" compares no one."""
    direction = 0
    for t in tokens:
        if any(x.like_num for x in [t.head, *t.children]):
            continue
        sign = _DIRECTION.get(t.lower_) or _DIRECTION.get(t.lemma_.lower())
        if sign is None and t.tag_ in {"JJR", "RBR"}:
            sign = 1
        if sign:
            direction = sign if direction == 0 else direction * sign
    return direction


def _counts(token: Any) -> bool:
    """A number worth checking: digits, or a number word from three up."""
    return bool(token.like_num) and (
        any(ch.isdigit() for ch in token.text) or token.lower_ in _NUMBER_WORDS
    )


def _number(text: str) -> str:
    """A number as digits: "1,307,402" → "1307402", "£30m" → "30", "five" → "5"."""
    word = text.lower().strip(".,")
    if word in _NUMBER_WORDS:
        return str(_NUMBER_WORDS[word])
    digits = _DIGITS.search(word)
    return digits.group().replace(",", "") if digits else word


_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _swapped(claim: Clause, unit: Clause) -> bool:
    """Whether the claim puts two names or numbers of the unit in each other's places:
    "from 40 to 44" for "from 44 to 40", "12 seats in the House" for "37 seats in the
    House and 12 in the Senate"."""
    after: dict[str, set[str]] = {}
    for first, second in unit.order:
        after.setdefault(first, set()).add(second)
    keys = {k for pair in unit.order for k in pair}
    for first, second in claim.order:
        if first not in keys or second not in keys or second in after.get(first, set()):
            continue
        if first in after.get(second, set()) or after.get(first, set()) & keys:
            return True
    return False
