"""Noisy variants of questions are reproducible and look like what people type."""

from __future__ import annotations

import random

from assistant.evaluation.noise import chat_variant, noisy_variants, typo_variant

QUESTION = "What are the key responsibilities of an operations manager?"


def test_the_same_seed_gives_the_same_variants():
    assert noisy_variants(QUESTION, 7) == noisy_variants(QUESTION, 7)


def test_each_question_gets_a_typo_and_a_chat_variant():
    kinds = [kind for kind, _ in noisy_variants(QUESTION, 7)]
    assert kinds == ["typo", "chat"]


def test_a_typo_changes_a_word_but_keeps_its_first_letter():
    typed = typo_variant(QUESTION, random.Random(1))
    changed = [(a, b) for a, b in zip(QUESTION.split(), typed.split(), strict=True) if a != b]
    assert 1 <= len(changed) <= 2
    assert all(a[0] == b[0] for a, b in changed)


def test_a_chat_variant_is_lower_case_without_a_question_mark():
    typed = chat_variant(QUESTION, random.Random(3))
    assert typed == typed.lower()
    assert not typed.endswith("?")
