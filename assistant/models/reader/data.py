"""The reader's training pairs: SQuAD v1.1 train questions beside sentences, labelled.

Each question of a SQuAD paragraph is paired with units the way the assistant
will show them to the reader (:mod:`assistant.models.reader.text`):

- the sentence that holds its answer (answers: 1);
- other sentences of its paragraph, and the sentence of another paragraph of the
  article that shares most of its words (same topic, no answer: 0);
- a *near miss*: the question with a name, number or key word swapped for one of
  another part of the article or another article, beside its own answer sentence
  (0): "talks about the same thing" is not "answers it";
- SQuAD 2.0's adversarial unanswerable questions (an entity swapped, a negation,
  an antonym), each beside the sentence holding its *plausible answer* (0) and
  other sentences of its paragraph (0); that sentence also answers the question
  it was written against (1), so the same sentence is seen to answer one
  question and not the other;
- noisy copies (typos, chat) and paraphrases keep their labels.

Articles are split before anything is built (by title, seeded), so validation
measures documents the model never read. Only SQuAD (CC BY-SA 4.0) is used:
data whose licence allows shipping the weights it trains.
"""

from __future__ import annotations

import gzip
import json
import math
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.common.text import QUESTION_FILLER, STOPWORDS, terms
from assistant.documents.blocks import split_sentences
from assistant.evaluation.noise import chat_variant, typo_variant
from assistant.models.public_data import (
    EVALUATION_ARTICLES,
    SPLIT_SEED,
    SQUAD_TRAIN,
    SQUAD_UNANSWERABLE,
    SQUAD_V2_DEV,
    split_titles,
    split_v2_titles,
)
from assistant.models.reader.text import unit_text
from assistant.training.trainer import Pair

SEED = SPLIT_SEED
_WORD = re.compile(r"[A-Za-z][\w'-]*")
_NAME = re.compile(r"\b(?:[A-Z][\w'-]*(?:\s+(?:of|the|de|von|van)?\s*[A-Z][\w'-]*)*|\d[\d,.]*)\b")


@dataclass(frozen=True)
class _Paragraph:
    article: str
    title: str
    sentences: tuple[str, ...]
    questions: tuple[tuple[str, frozenset[int]], ...]
    """Each question and the indexes of the sentences its answers start in."""
    unanswerable: tuple[str, ...] = ()
    """SQuAD v2 questions the paragraph does not answer."""
    adversarial: tuple[Adversarial, ...] = ()
    """SQuAD v2 train's unanswerable questions written against this paragraph."""


@dataclass(frozen=True)
class Adversarial:
    """An unanswerable question, the sentence that looks like its answer, and the
    answerable question that sentence does answer."""

    question: str
    sentence: int
    paired: str


def read_adversarial(path: Path = SQUAD_UNANSWERABLE) -> dict[tuple[str, int], list[dict]]:
    """The adversarial unanswerable questions by (article title, paragraph index)."""
    rows: dict[tuple[str, int], list[dict]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            rows.setdefault((row["title"], int(row["paragraph"])), []).append(row)
    return rows


def _adversarial(rows: list[dict], context: str, spans: list[tuple[int, int]]) -> tuple:
    """The rows written against ``context``, each with the sentence of its plausible answer."""
    found = []
    for row in rows:
        if row["context"] != context:
            continue  # another revision of the paragraph: its offsets would not hold
        at = context.find(row["paired_answer"])
        sentence = next((i for i, (s, e) in enumerate(spans) if s <= at < e), None)
        if at >= 0 and sentence is not None:
            found.append(Adversarial(row["question"].strip(), sentence, row["paired_question"]))
    return tuple(found)


def read_squad(path: Path = SQUAD_TRAIN) -> list[_Paragraph]:
    """SQuAD's paragraphs, split into sentences with the assistant's own splitter; SQuAD
    v1.1 train's with the adversarial unanswerable questions written against them."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)["data"]
    adversarial = read_adversarial() if path == SQUAD_TRAIN else {}
    paragraphs: list[_Paragraph] = []
    for article in data:
        title = article["title"].replace("_", " ")
        for index, paragraph in enumerate(article["paragraphs"]):
            context = paragraph["context"]
            spans = split_sentences(context, 0, len(context))
            if not spans:
                continue
            questions, unanswerable = [], []
            for qa in paragraph["qas"]:
                if qa.get("is_impossible"):
                    unanswerable.append(qa["question"].strip())
                    continue
                holders = frozenset(
                    i
                    for answer in qa["answers"]
                    for i, (start, end) in enumerate(spans)
                    if start <= int(answer["answer_start"]) < end
                )
                if holders:
                    questions.append((qa["question"].strip(), holders))
            sentences = tuple(context[s:e] for s, e in spans)
            written = adversarial.get((article["title"], index), [])
            paragraphs.append(
                _Paragraph(
                    article["title"],
                    title,
                    sentences,
                    tuple(questions),
                    tuple(unanswerable),
                    _adversarial(written, context, spans),
                )
            )
    return [p for p in paragraphs if p.article not in EVALUATION_ARTICLES]


def read_training_paragraphs() -> list[_Paragraph]:
    """SQuAD v1.1 train and the SQuAD v2 dev articles kept for fitting (not validation)."""
    fit, _ = split_v2_titles()
    return read_squad() + [p for p in read_squad(SQUAD_V2_DEV) if p.article in fit]


def fitted_v2_text() -> str:
    """The text of the SQuAD v2 dev articles the reader trains on, one paragraph a line."""
    chosen = set(split_v2_titles()[0])
    paragraphs = read_squad(SQUAD_V2_DEV)
    return "\n".join(" ".join(p.sentences) for p in paragraphs if p.article in chosen)


VALIDATION_SHARE = 0.05
"""The share of SQuAD train articles the reader's training holds out to measure."""


def split_articles(
    paragraphs: list[_Paragraph], validation_share: float = VALIDATION_SHARE
) -> tuple[list[str], list[str]]:
    """Article titles for fitting and for validation, shuffled with the fixed seed."""
    return split_titles((p.article for p in paragraphs), validation_share, SEED)


def build_pairs(
    paragraphs: list[_Paragraph],
    articles: list[str],
    *,
    questions_per_article: int | None = None,
    noisy_share: float = 0.3,
    seed: int = SEED,
    adversarial_per_article: int | None = None,
) -> list[Pair]:
    """Labelled pairs for ``articles``; ``questions_per_article`` caps each article's share
    of answerable questions, ``adversarial_per_article`` of adversarial unanswerable ones."""
    rng = random.Random(seed)
    wanted = set(articles)
    by_article: dict[str, list[_Paragraph]] = {}
    for paragraph in paragraphs:
        if paragraph.article in wanted:
            by_article.setdefault(paragraph.article, []).append(paragraph)
    foreign = _foreign_words(paragraphs)
    pairs: list[Pair] = []
    for article in sorted(by_article):
        pairs.extend(
            _article_pairs(by_article[article], rng, questions_per_article, noisy_share, foreign)
        )
        pairs.extend(_adversarial_pairs(by_article[article], rng, adversarial_per_article))
    rng.shuffle(pairs)
    return pairs


def _article_pairs(
    paragraphs: list[_Paragraph],
    rng: random.Random,
    limit: int | None,
    noisy_share: float,
    foreign: list[str],
) -> Iterator[Pair]:
    sentences = [(p, i) for p in paragraphs for i in range(len(p.sentences))]
    sentence_terms = [frozenset(terms(p.sentences[i])) for p, i in sentences]
    frequency = Counter(t for ts in sentence_terms for t in ts)
    idf = {t: math.log(1 + len(sentences) / c) for t, c in frequency.items()}
    # Names and numbers inside sentences (a capital at a sentence's start is no name).
    names = sorted(
        {
            m.group(0)
            for p in paragraphs
            for s in p.sentences
            for m in _NAME.finditer(s)
            if m.start() > 0 and m.group(0).lower() not in STOPWORDS
        }
    )
    # The article's own words: a near miss asks about something of its topic.
    vocabulary = sorted(
        {
            w
            for p in paragraphs
            for s in p.sentences
            for w in _WORD.findall(s)
            if w.islower() and len(w) > 3 and w not in STOPWORDS | QUESTION_FILLER
        }
    )
    for paragraph in paragraphs:
        for question in paragraph.unanswerable:
            # Written to look answered by its own paragraph: the hardest "no".
            for i in _closest(question, paragraph, rng):
                yield Pair(question, _text(paragraph, i), 0.0, "unanswerable", paragraph.article)
    asked = [(p, q, holders) for p in paragraphs for q, holders in p.questions]
    rng.shuffle(asked)
    for paragraph, question, holders in asked[:limit]:
        article = paragraph.article
        noisy = rng.random() < noisy_share
        shown = _noisy(question, rng) if noisy else question
        suffix = "-noisy" if noisy else ""

        answer = min(holders)
        yield Pair(shown, _text(paragraph, answer), 1.0, "answer" + suffix, article)
        others = [i for i in range(len(paragraph.sentences)) if i not in holders]
        for i in rng.sample(others, k=min(2, len(others))):
            yield Pair(shown, _text(paragraph, i), 0.0, "paragraph" + suffix, article)
        nearest = _nearest_elsewhere(question, paragraph, sentences, sentence_terms, idf)
        if nearest is not None:
            yield Pair(shown, _text(*nearest), 0.0, "article" + suffix, article)
        near_miss = _near_miss(
            question, paragraph.sentences[answer], names, vocabulary or foreign, rng
        )
        if near_miss is not None:
            missed = _noisy(near_miss, rng) if noisy else near_miss
            yield Pair(missed, _text(paragraph, answer), 0.0, "near-miss" + suffix, article)
        # A real question about the same article, asked of this answer: the topic is
        # shared, the thing asked is not ("What degree does a COO need?" beside the
        # COO's duties).
        transplanted = _other_question(asked, paragraph, rng)
        if transplanted is not None:
            shown = _noisy(transplanted, rng) if noisy else transplanted
            yield Pair(shown, _text(paragraph, answer), 0.0, "transplant" + suffix, article)


def _adversarial_pairs(
    paragraphs: list[_Paragraph], rng: random.Random, limit: int | None
) -> Iterator[Pair]:
    """Each adversarial question beside the sentence that looks like its answer and two
    other sentences of its paragraph (0), and the question that sentence answers (1)."""
    written = [(p, a) for p in paragraphs for a in p.adversarial]
    rng.shuffle(written)
    for paragraph, item in written[:limit]:
        article = paragraph.article
        plausible = _text(paragraph, item.sentence)
        yield Pair(item.question, plausible, 0.0, "adversarial", article)
        yield Pair(item.paired, plausible, 1.0, "adversarial-pair", article)
        others = [i for i in range(len(paragraph.sentences)) if i != item.sentence]
        for i in rng.sample(others, k=min(2, len(others))):
            yield Pair(item.question, _text(paragraph, i), 0.0, "adversarial-paragraph", article)


def _other_question(
    asked: list[tuple[_Paragraph, str, frozenset[int]]], paragraph: _Paragraph, rng: random.Random
) -> str | None:
    """A question of another paragraph of the same article (SQuAD answers each from its own)."""
    for _ in range(8):
        other, question, _ = asked[rng.randrange(len(asked))]
        if other is not paragraph:
            return question
    return None


def _text(p: _Paragraph, i: int) -> str:
    before = p.sentences[i - 1] if i > 0 else ""
    return unit_text(p.sentences[i], title=p.title, before=before)


def _closest(question: str, paragraph: _Paragraph, rng: random.Random) -> list[int]:
    """The paragraph's sentence sharing most words with the question, and one other."""
    wanted = set(terms(question))
    ranked = sorted(
        range(len(paragraph.sentences)),
        key=lambda i: -len(wanted & set(terms(paragraph.sentences[i]))),
    )
    rest = ranked[1:]
    return ranked[:1] + (rng.sample(rest, k=1) if rest else [])


def _noisy(question: str, rng: random.Random) -> str:
    return typo_variant(question, rng) if rng.random() < 0.5 else chat_variant(question, rng)


def _nearest_elsewhere(
    question: str,
    paragraph: _Paragraph,
    sentences: list[tuple[_Paragraph, int]],
    sentence_terms: list[frozenset[str]],
    idf: dict[str, float],
) -> tuple[_Paragraph, int] | None:
    """The sentence of another paragraph sharing most (idf-weighted) of the question's words."""
    wanted = set(terms(question))
    best, score = None, 0.0
    for (p, i), words in zip(sentences, sentence_terms, strict=True):
        if p is paragraph:
            continue
        shared = sum(idf.get(t, 0.0) for t in wanted & words)
        if shared > score:
            best, score = (p, i), shared
    return best


def _near_miss(
    question: str, answer: str, names: list[str], foreign: list[str], rng: random.Random
) -> str | None:
    """The question asking about something its answer sentence does not say.

    A name or number it shares with the answer is swapped for another of the
    article's that the answer never mentions ("When did Chopin leave Warsaw?"
    → "When did Liszt leave Warsaw?"); failing that, a content word it shares
    with the answer for another word of the article ("What level of acid ..." →
    "What level of ink ...").
    """
    shared = [m for m in _NAME.finditer(question) if m.group(0) in answer and m.start() > 0]
    others = [n for n in names if n not in answer and n not in question]
    if shared and others:
        target = rng.choice(shared)
        kind = target.group(0)[0].isdigit()
        pool = [n for n in others if n[0].isdigit() == kind] or others
        return question[: target.start()] + rng.choice(pool) + question[target.end() :]
    answer_words = {w.lower() for w in _WORD.findall(answer)}
    words = [
        m
        for m in _WORD.finditer(question)
        if m.group(0).islower()
        and len(m.group(0)) > 3
        and m.group(0) not in STOPWORDS | QUESTION_FILLER
        and m.group(0) in answer_words
    ]
    usable = [w for w in foreign if w not in answer_words]
    if not words or not usable:
        return None
    target = rng.choice(words)
    return question[: target.start()] + rng.choice(usable) + question[target.end() :]


def _foreign_words(paragraphs: list[_Paragraph]) -> list[str]:
    """Common lower-case content words of SQuAD's questions, as near-miss replacements."""
    counts = Counter(
        w
        for p in paragraphs
        for q, _ in p.questions
        for w in _WORD.findall(q)
        if w.islower() and len(w) > 3 and w not in STOPWORDS | QUESTION_FILLER
    )
    return sorted(w for w, c in counts.items() if c >= 20)
