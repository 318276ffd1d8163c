"""Synthetic corpora for the scale benchmark: plain, varied English-like prose.

Generated here from a fixed vocabulary and seed (nothing is committed). Each
paragraph has one or two sentences, so one paragraph is one chunk.
"""

from __future__ import annotations

import random
from pathlib import Path

SUBJECTS = tuple(
    s.strip()
    for s in (
        "the harbour master|a young clerk|the old miller|the village council|a travelling merchant|"
        "the head gardener|the ship's captain|a quiet scholar|the night watchman|the blacksmith|"
        "a shepherd|the innkeeper|the schoolmistress|a weaver|the abbot|the ferryman|a cartographer"
    ).split("|")
)
VERBS = (
    "kept",
    "recorded",
    "repaired",
    "carried",
    "sold",
    "counted",
    "planted",
    "guarded",
    "painted",
    "studied",
    "mended",
    "measured",
    "copied",
    "traded",
    "built",
    "described",
    "lost",
    "found",
)
OBJECTS = (
    "the grain ledgers",
    "a map of the northern coast",
    "the bells of the old church",
    "wool from the hills",
    "letters from the capital",
    "the winter stores",
    "a chest of silver coins",
    "the orchard by the river",
    "the lighthouse lamp",
    "a book of tides",
    "the mill wheel",
    "barrels of salted fish",
    "the toll records",
    "a garden of herbs",
    "the bridge stones",
)
TIMES = (
    "every spring",
    "before the long winter",
    "after the great storm",
    "during the fair",
    "each market day",
    "in the first year of the new king",
    "when the river froze",
    "at the end of harvest",
    "through the dry summer",
    "on feast days",
)
REASONS = (
    "because the town depended on it",
    "so that nothing would be forgotten",
    "as the custom required",
    "to pay the old debts",
    "for the travellers who passed",
    "while the others slept",
    "although no one asked",
    "since the roads were closed",
)


def sentence(rng: random.Random) -> str:
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TIMES)}"
    if rng.random() < 0.5:
        text += f", {rng.choice(REASONS)}"
    return text[0].upper() + text[1:] + "."


def write_corpus(folder: Path, chunks: int, *, seed: int = 7, per_document: int = 50) -> int:
    """Write about ``chunks`` paragraphs into Markdown documents under ``folder``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    number = 0
    while written < chunks:
        count = min(per_document, chunks - written)
        paragraphs = [
            " ".join(sentence(rng) for _ in range(rng.choice((1, 2)))) for _ in range(count)
        ]
        (folder / f"chronicle-{number:05d}.md").write_text(
            f"# Chronicle {number}\n\n" + "\n\n".join(paragraphs) + "\n"
        )
        written += count
        number += 1
    return written


def queries(count: int, *, seed: int = 99) -> list[str]:
    """Questions in the corpus's own vocabulary."""
    rng = random.Random(seed)
    templates = (
        "Who {verb} {obj}?",
        "When did {subject} look after {obj}?",
        "What did {subject} do {time}?",
        "Why was {obj} {verb}?",
    )
    return [
        rng.choice(templates).format(
            verb=rng.choice(VERBS),
            obj=rng.choice(OBJECTS),
            subject=rng.choice(SUBJECTS),
            time=rng.choice(TIMES),
        )
        for _ in range(count)
    ]
