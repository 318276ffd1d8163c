"""Scoring functions: SQuAD normalisation, token F1, fact checks, percentiles."""

from __future__ import annotations

import math
import re
import string
from collections import Counter

from assistant.text import terms

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
