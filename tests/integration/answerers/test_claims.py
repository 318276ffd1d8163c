"""Generated sentences that turn a passage around are dropped; faithful ones are kept.

The passages are written here, unlike the article and the benchmark's sentences,
so these examples were never used to develop the check.
"""

from __future__ import annotations

import numpy as np
import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant import Assistant
from assistant.answerers.verify import SentenceVerifier
from assistant.asking.candidates import candidates_of
from assistant.asking.retrieval import Passage
from assistant.documents.chunking import chunk_document
from assistant.documents.formats import parse_document
from assistant.indexing.statistics import KeywordIndex

TEXT = """# Head Chef vs Sous Chef: Who Runs the Kitchen

## The Role of a Head Chef

A head chef designs the menu and sets the standards of the kitchen.
They are responsible for ordering ingredients within a weekly budget of 4,000 euros.

Key duties of a head chef include:

- Creating new dishes
- Training the kitchen staff

## The Role of a Sous Chef

A sous chef runs the kitchen during service and supervises the line cooks.

## Key Differences

Authority: A head chef has more authority than a sous chef, while a sous chef \
works more closely with the line cooks.

The restaurant opened in 1998 in Lyon and moved to Paris in 2005.
"""


@pytest.fixture(scope="module")
def verifier(embeddings) -> SentenceVerifier:
    document = parse_document(TEXT.encode(), source="kitchen.md", kind="markdown")
    chunks = chunk_document(
        document,
        count_tokens=embeddings.count_tokens,
        max_tokens=200,
        token_ends=embeddings.token_ends,
    )
    candidates = candidates_of([Passage(c, 0.0, 0.0) for c in chunks])
    vectors = np.asarray(embeddings.encode([c.scoring_text for c in candidates]))
    return SentenceVerifier(
        embeddings,
        candidates,
        vectors,
        min_similarity=0.35,
        min_overlap=0.05,
        idf=KeywordIndex(chunks).idf,
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "A head chef designs the menu.",
        "The head chef sets the kitchen's standards and designs the menu.",
        "A sous chef supervises the line cooks and runs the kitchen during service.",
        "The head chef trains the kitchen staff.",
        "Creating new dishes is one of the head chef's duties.",
        "A head chef has more authority than a sous chef.",
        "The restaurant moved to Paris in 2005.",
    ],
)
def test_a_faithful_sentence_is_kept(verifier, sentence):
    check = verifier.check(sentence)
    assert check.kept, check.reasons


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("A sous chef designs the menu.", "says this of"),
        ("The sous chef trains the kitchen staff.", "says this of"),
        ("A sous chef has more authority than a head chef.", "says this of"),
        ("A head chef has less authority than a sous chef.", "other way"),
        ("A head chef does not design the menu.", "denies"),
        ("A head chef orders ingredients within a weekly budget of 9,000 euros.", "does not give"),
        ("A head chef designs the menu with the owner, Marie Dupont.", "does not mention"),
        ("The restaurant opened in 2005 in Lyon and moved to Paris in 1998.", "wrong things"),
        ("A head chef designs the menu every quarter.", "does not mention"),
    ],
)
def test_a_sentence_that_turns_the_passage_around_is_dropped_with_why(verifier, sentence, reason):
    check = verifier.check(sentence)
    assert not check.kept
    assert any(reason in r for r in check.reasons), check.reasons


def test_a_pronoun_takes_its_subject_from_the_sentence_before(verifier):
    assert verifier.check("A head chef orders the ingredients.").kept
    assert not verifier.check("A sous chef orders the ingredients.").kept


def test_a_contrastive_sentence_is_checked_half_by_half(verifier):
    faithful = (
        "A head chef has more authority, while a sous chef works more closely with the line cooks."
    )
    swapped = (
        "A sous chef has more authority, while a head chef works more closely with the line cooks."
    )
    assert verifier.check(faithful).kept
    assert not verifier.check(swapped).kept


def test_a_swapped_sentence_from_the_model_never_reaches_the_answer(tmp_path, embeddings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kitchen.md").write_text(TEXT)
    model = GenericFakeChatModel(
        messages=iter(
            [
                AIMessage(
                    content="A sous chef designs the menu. A head chef designs the menu and "
                    "sets the standards of the kitchen."
                )
            ]
        )
    )
    # The model writes only sure answers (an unsure one is quoted); this one must be written.
    bot = Assistant(
        corpus, tmp_path / "index", embeddings=embeddings, chat_model=model, sure_threshold=0.0
    )
    reply = bot.answer("Who designs the menu?")
    assert "sous chef designs" not in reply.text.lower()
    assert "head chef designs the menu" in reply.text.lower()
    assert [d.sentence for d in reply.dropped] == ["A sous chef designs the menu."]
    assert "1 generated sentence dropped: the passage says this of" in reply.dropped_note()
