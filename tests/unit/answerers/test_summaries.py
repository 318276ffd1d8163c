"""Choosing a summary's sentences: central ones, one per section first, no boilerplate."""

from __future__ import annotations

import numpy as np

from assistant.answerers.summaries import boilerplate, centrality, document_units, summary_units
from assistant.documents.chunking import Chunk, Unit


def _document(sections: list[tuple[str, list[str]]]) -> list[Chunk]:
    """A document of one chunk per section, each sentence a unit, with real offsets."""
    chunks, offset = [], 0
    for ordinal, (heading, sentences) in enumerate(sections):
        text = " ".join(sentences)
        units, at = [], offset
        for sentence in sentences:
            units.append(Unit(at, at + len(sentence), "sentence"))
            at += len(sentence) + 1
        chunks.append(
            Chunk(
                f"c{ordinal}",
                "doc.md",
                "Doc",
                heading,
                offset,
                offset + len(text),
                text,
                ordinal,
                tuple(units),
                heading=(offset, offset + 1),
            )
        )
        offset += len(text) + 10
    return chunks


def _vectors(n: int, groups: list[int], seed: int = 0) -> np.ndarray:
    """Unit vectors: units of one group are alike, groups differ."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(max(groups) + 1, 16))
    rows = np.array([centres[g] + 0.1 * rng.normal(size=16) for g in groups[:n]])
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


SECTIONS = [
    ("Intro", ["Cats and dogs are popular pets in many homes today."]),
    ("Cats", ["Cats are independent pets that groom themselves.", "Cats sleep most of the day."]),
    ("Dogs", ["Dogs are loyal pets that need daily walks.", "Dogs like to play fetch outside."]),
    ("End", ["Cats and dogs both make good pets for homes.", "Subscribe to Zebra Weekly now!"]),
]


def test_a_sign_off_sharing_nothing_with_the_document_is_boilerplate():
    units = document_units(_document(SECTIONS))
    vectors = _vectors(len(units), [0, 1, 1, 2, 2, 0, 3])
    assert boilerplate(units, vectors) == {len(units) - 1}


def test_in_a_document_whose_units_all_stand_apart_the_edges_are_what_it_says():
    sections = [
        ("Built", ["The lighthouse was built in 1872 by Margaret Lindqvist.", "Oil lit it."]),
        ("Keepers", ["Three families kept the light.", "Haldane was its first woman keeper."]),
        ("Today", ["The tower still stands.", "Its cottage is now a museum."]),
    ]
    units = document_units(_document(sections))
    assert boilerplate(units, _vectors(len(units), list(range(len(units))))) == set()


def test_a_unit_with_a_link_is_boilerplate_wherever_it_is():
    sections = [("Intro", ["Cats are pets.", "Read https://example.org for more.", "Cats purr."])]
    units = document_units(_document(sections))
    assert 1 in boilerplate(units, _vectors(3, [0, 0, 0]))


def test_centrality_is_a_distribution_favouring_the_crowd():
    vectors = _vectors(4, [0, 0, 0, 1])
    weights = centrality(vectors)
    assert abs(weights.sum() - 1.0) < 1e-6
    assert weights[:3].min() > weights[3]


def test_a_summary_covers_every_section_in_document_order_without_boilerplate():
    units = document_units(_document(SECTIONS))
    vectors = _vectors(len(units), [0, 1, 1, 2, 2, 0, 3])
    chosen = summary_units(units, vectors, limit=6)
    sections = [units[i].chunk.section for i in chosen]
    assert sections == ["Intro", "Cats", "Dogs", "End"]
    assert chosen == sorted(chosen)
    assert len(units) - 1 not in chosen


def test_a_summary_keeps_to_its_limit():
    units = document_units(_document(SECTIONS))
    vectors = _vectors(len(units), [0, 1, 1, 2, 2, 0, 3])
    assert len(summary_units(units, vectors, limit=3)) == 3


def test_a_sentence_that_leans_on_the_one_before_gives_way_to_one_that_stands_alone():
    sections = [
        ("Cats", ["They sleep a lot and purr.", "Cats sleep a lot and purr softly."]),
        ("Dogs", ["Dogs sleep a lot and walk daily."]),
        ("Fish", ["Fish sleep a lot and swim."]),
    ]
    units = document_units(_document(sections))
    vectors = _vectors(len(units), [0, 0, 0, 0])
    chosen = summary_units(units, vectors, limit=3)
    assert 0 not in chosen and 1 in chosen


def test_a_short_document_of_three_unrelated_sections_is_summarised_across_all_three():
    sections = [
        ("Tea", ["Green tea is picked in spring.", "It is steamed within hours."]),
        ("Trains", ["The night train leaves at ten.", "It reaches the coast by dawn."]),
        ("Taxes", ["Returns are due in April.", "Late returns pay a fine."]),
    ]
    units = document_units(_document(sections))
    chosen = summary_units(units, _vectors(len(units), [0, 0, 1, 1, 2, 2]), limit=6)
    assert len(chosen) >= 3
    assert {units[i].chunk.section for i in chosen} == {"Tea", "Trains", "Taxes"}
