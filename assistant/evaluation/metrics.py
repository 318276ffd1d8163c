"""Scoring functions: SQuAD normalisation, token F1, fact checks, percentiles."""

from __future__ import annotations

import math
import re
import string
from collections import Counter

from assistant.common.text import terms

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_MARKERS = re.compile(r"\[\d+\]")
_PUNCTUATION = set(string.punctuation) | {
    "\u2018",
    "\u2019",
    "\u201c",
    "\u201d",
    "\u2013",
    "\u2014",
}


def strip_markers(text: str) -> str:
    """Answer text without its ``[n]`` citation markers."""
    return _MARKERS.sub(" ", text)


def normalize_answer(text: str) -> str:
    """SQuAD's normalisation: lower case, no punctuation, no articles, single spaces."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def contains_answer(text: str, answers: tuple[str, ...] | list[str]) -> bool:
    """True if any gold answer appears in ``text`` once both are normalised."""
    haystack = f" {normalize_answer(text)} "
    return any(f" {normalize_answer(a)} " in haystack for a in answers if normalize_answer(a))


def token_f1(prediction: str, answers: tuple[str, ...] | list[str]) -> float:
    """SQuAD token F1 of ``prediction`` against the best-matching gold answer."""
    predicted = normalize_answer(prediction).split()
    best = 0.0
    for answer in answers:
        gold = normalize_answer(answer).split()
        common = Counter(predicted) & Counter(gold)
        same = sum(common.values())
        if not predicted or not gold or same == 0:
            continue
        precision, recall = same / len(predicted), same / len(gold)
        best = max(best, 2 * precision * recall / (precision + recall))
    return best


def fact_stated(text: str, alternatives: tuple[str, ...]) -> bool:
    """True if ``text`` states a fact: one phrasing appears, or all its content words do.

    The word check (stemmed, order-free) lets a paraphrasing answer count, so
    generative backends are not judged by exact wording alone.
    """
    if contains_answer(text, alternatives):
        return True
    answer_terms = set(terms(text))
    return any(set(terms(a)) and set(terms(a)) <= answer_terms for a in alternatives)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(share * len(ordered))))
    return ordered[rank - 1]


_MARKER_CLUSTER = re.compile(r"((?:\s*\[\d+\])+)")
# A sentence counts as supported when this share of its content words is in the
# spans it cites: lexical, so the figure does not grade the verifier by itself.
SUPPORTED_SHARE = 0.6


def claim_support(text: str, quotes: dict[int, str]) -> tuple[int, int]:
    """How many of the answer's sentences are supported by the spans they cite.

    A sentence carries the markers that follow it; a bullet line without a
    marker belongs to the list its lead-in cites. ``quotes`` maps markers to
    quoted spans. Returns ``(supported, sentences)``.
    """
    from assistant.documents.chunking import split_sentences

    claims: list[tuple[str, list[int]]] = []
    last: list[int] = []
    for line in text.splitlines():
        if line.lstrip().startswith("-") and not _MARKER_CLUSTER.search(line):
            claims.append((line, last))
            continue
        pieces = _MARKER_CLUSTER.split(line)
        for body, cluster in zip(pieces[0::2], [*pieces[1::2], ""], strict=True):
            markers = [int(m) for m in re.findall(r"\d+", cluster)]
            last = markers or last
            claims.extend((body[s:e], markers) for s, e in split_sentences(body, 0, len(body)))
    supported = total = 0
    for sentence, markers in claims:
        words = set(terms(strip_markers(sentence)))
        if not words:
            continue
        total += 1
        cited = set(terms(" ".join(quotes.get(m, "") for m in markers)))
        if len(words & cited) >= SUPPORTED_SHARE * len(words):
            supported += 1
    return supported, total
