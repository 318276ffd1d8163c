"""The reader's pairs from the article's own training set, as the assistant reads them.

The gold set is training data: its questions (with their typo and chat
variants, synonym paraphrases, near misses and other documents' questions) are
asked of the article's index with the scorer's own pipeline
(:func:`assistant.training.samples.collect`), and the units the reader
would read for each become pairs, in exactly the shape it reads in production.
Only the article is read this way: the SQuAD documents of ``assistant eval``
stay unseen. The held-out and unseen article sets are never read. The pairs come
in folds, so the scorer can be fitted on scores of readers that never saw them
(:mod:`assistant.models.reader.training_folds`).
"""

from __future__ import annotations

from assistant.asking.features import reading_order
from assistant.indexing.embeddings import SentenceTransformerEmbeddings
from assistant.models.reader.data import Pair
from assistant.models.reader.reader import reader_text
from assistant.models.reader.training_folds import DOCUMENT, FOLDS, fold_of


def document_pairs(
    embeddings: SentenceTransformerEmbeddings,
    *,
    candidates: int = 8,
    limit: int | None = None,
) -> dict[int, list[Pair]]:
    """Pairs for the ``candidates`` units the reader reads per question of the gold set,
    by fold (:func:`assistant.models.reader.training_folds.fold_of` of the written question).

    A unit holding the question's evidence is a 1; every other unit, and every
    unit read for a question the article does not answer, a 0. ``limit`` keeps a
    few questions (a smoke run).
    """
    from assistant.training.samples import collect

    samples = collect(
        embeddings,
        asked=[DOCUMENT],
        limit=limit,
        others=limit or 40,
        near_misses=limit or 40,
        progress=False,
        reader=False,
    )
    pairs: dict[int, list[Pair]] = {fold: [] for fold in range(FOLDS)}
    for sample in samples:
        if not sample.fitted or not sample.features.candidates:
            continue
        features = sample.features
        for i in reading_order(features.units)[:candidates]:
            label = float(sample.answerable and sample.labels[i] > 0)
            pairs[fold_of(sample.base)].append(
                Pair(
                    features.question.text,
                    reader_text(features.candidates[i]),
                    label,
                    f"document-{sample.variant}",
                    DOCUMENT,
                )
            )
    return pairs
