"""The entailment model's training pairs: public NLI data and rewrites of SQuAD sentences.

Each pair is (claim, premise): the claim is read first, as the check reads a
generated sentence beside the units it cites; the premise is a unit with its
setting (title, the sentence before), in the reader's shape. Label 1: the
premise entails the claim.

- MultiNLI dev-matched and RTE train: entailment 1; neutral, contradiction and
  not_entailment 0. A tenth of MultiNLI's premises, and RTE dev, are held out.
- SQuAD train sentences, split by article like the reader's data, never the
  article's: each sentence gives one claim that changes what it says (0) and
  one that says it in other words or says less (1). The kinds are below
  (:data:`MUTATIONS`, :data:`REWRITES`); spaCy parses, WordNet (Debian's
  ``wordnet-base``) gives synonyms and antonyms.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from assistant.models.public_data import MNLI_DEV, RTE_DEV, RTE_TRAIN
from assistant.models.reader.data import Pair, _Paragraph
from assistant.models.reader.text import unit_text

SEED = 20261205
MUTATIONS = ("negation", "number", "entity", "swap", "antonym", "added", "cause", "other")
"""Claims the premise does not entail: a negation or "rarely"-like adverb, a changed
number or date, another name of the article, two names swapped, a word turned
into its antonym, a fact added from elsewhere, cause and effect reversed, another
sentence of the same paragraph."""
REWRITES = ("clause", "shorter", "items", "synonym", "same")
"""Claims it does entail: one clause of it, it without a phrase, a list with an item
left out, a word for its synonym, itself."""
_ADVERBS = ("not", "never", "rarely", "seldom", "hardly ever", "no longer")
_MIN_WORDS = 6
_SAME_SHARE = 0.2
"""How often the sentence itself may be its own faithful claim, when its turn comes."""


@dataclass(frozen=True)
class _Sentence:
    article: str
    title: str
    text: str
    before: str
    others: tuple[str, ...]
    """The other sentences of its paragraph."""


def read_nli(*, held: bool) -> list[Pair]:
    """MultiNLI (nine tenths of its premises, or the other tenth) and RTE (train, or dev)."""
    pairs = []
    with gzip.open(MNLI_DEV, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            premise, claim = row["sentence1"].strip(), row["sentence2"].strip()
            if row["gold_label"] not in ("entailment", "neutral", "contradiction"):
                continue
            digest = hashlib.sha256(premise.encode()).digest()[0]
            if (digest < 26) == held:  # about a tenth of the premises, with all their claims
                label = float(row["gold_label"] == "entailment")
                pairs.append(Pair(claim, unit_text(premise), label, "mnli", "mnli"))
    with gzip.open(RTE_DEV if held else RTE_TRAIN, "rt", encoding="utf-8") as handle:
        for line in handle.read().splitlines()[1:]:
            _, premise, claim, verdict = line.split("\t")
            entailed = float(verdict == "entailment")
            pairs.append(Pair(claim, unit_text(premise), entailed, "rte", "rte"))
    return pairs


def sentences(paragraphs: list[_Paragraph], articles: list[str]) -> list[_Sentence]:
    """Every sentence of ``articles`` long enough to rewrite, with its setting."""
    wanted = set(articles)
    found = []
    for p in paragraphs:
        if p.article not in wanted:
            continue
        for i, text in enumerate(p.sentences):
            if len(text.split()) >= _MIN_WORDS:
                before = p.sentences[i - 1] if i else ""
                others = tuple(s for j, s in enumerate(p.sentences) if j != i)
                found.append(_Sentence(p.article, p.title, text, before, others))
    return found


def squad_pairs(
    found: list[_Sentence], *, per_article: int | None = 30, seed: int = SEED
) -> list[Pair]:
    """One changed (0) and one faithful (1) claim for up to ``per_article`` sentences each."""
    from assistant.answerers.claims import ClaimReader
    from assistant.training.wordnet import wordnet

    rng = random.Random(seed)
    nlp = ClaimReader.parse
    words = wordnet()
    by_article: dict[str, list[_Sentence]] = {}
    for s in found:
        by_article.setdefault(s.article, []).append(s)
    names = {a: _names(ss, nlp) for a, ss in by_article.items()}
    pairs: list[Pair] = []
    for article in sorted(by_article):
        chosen = list(by_article[article])
        rng.shuffle(chosen)
        for sentence in chosen[:per_article]:
            doc = nlp(sentence.text, label=True)
            premise = unit_text(sentence.text, title=sentence.title, before=sentence.before)
            tools = _Tools(rng, names[article], words, sentence)
            for kinds, label in ((MUTATIONS, 0.0), (REWRITES, 1.0)):
                for kind in rng.sample(kinds, k=len(kinds)):
                    if kind == "same" and rng.random() > _SAME_SHARE:
                        continue
                    claim = _BUILDERS[kind](doc, tools)
                    if claim and (kind == "same" or _tidy(claim) != _tidy(sentence.text)):
                        pairs.append(Pair(_tidy(claim), premise, label, kind, article))
                        break
    rng.shuffle(pairs)
    return pairs


@dataclass(frozen=True)
class _Tools:
    rng: random.Random
    names: dict[str, list[str]]
    """Named entities of the article, by spaCy's label."""
    words: Any
    sentence: _Sentence


def _names(found: list[_Sentence], nlp: Callable[..., Any]) -> dict[str, list[str]]:
    names: dict[str, set[str]] = {}
    for s in found[:60]:
        for entity in nlp(s.text, label=True).ents:
            names.setdefault(entity.label_, set()).add(entity.text)
    return {label: sorted(texts) for label, texts in names.items()}


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:])", r"\1", re.sub(r"\s+", " ", text)).strip()
    text = text.rstrip(",;: ")
    ended = text.rstrip("\"')\u201d\u2019").endswith((".", "?", "!"))
    return text[:1].upper() + text[1:] + ("" if ended else ".")


def _root(doc: Any) -> Any:
    return next((t for t in doc if t.dep_ == "ROOT"), None)


def _replace(doc: Any, start: int, end: int, new: str) -> str:
    """The text with tokens ``start``..``end`` replaced by ``new``."""
    before = doc[:start].text_with_ws if start else ""
    after = doc[end:].text if end < len(doc) else ""
    return f"{before}{new} {after}".strip()


def _negation(doc: Any, tools: _Tools) -> str | None:
    root = _root(doc)
    if root is None or root.pos_ not in ("VERB", "AUX"):
        return None
    word = tools.rng.choice(_ADVERBS)
    auxiliaries = [t for t in root.children if t.dep_ in ("aux", "auxpass") and t.i < root.i]
    if root.pos_ == "AUX" or root.lemma_ == "be":
        return _replace(doc, root.i + 1, root.i + 1, word)
    if auxiliaries:
        return _replace(doc, auxiliaries[0].i + 1, auxiliaries[0].i + 1, word)
    if word == "not":
        helper = {"VBD": "did", "VBZ": "does", "VBP": "do"}.get(root.tag_)
        return _replace(doc, root.i, root.i + 1, f"{helper} not {root.lemma_}") if helper else None
    return _replace(doc, root.i, root.i, word)


def _number(doc: Any, tools: _Tools) -> str | None:
    numbers = [t for t in doc if t.like_num and any(c.isdigit() for c in t.text)]
    if not numbers:
        return None
    token = tools.rng.choice(numbers)
    digits = token.text.replace(",", "")
    if not digits.isdigit():
        return None
    value = int(digits)
    changed = value + tools.rng.choice([-1, 1]) * tools.rng.choice([1, 2, 3, 5, 10, 20, 100])
    if changed < 0 or changed == value:
        return None
    return _replace(doc, token.i, token.i + 1, str(changed))


def _entity(doc: Any, tools: _Tools) -> str | None:
    options = []
    for entity in doc.ents:
        pool = [n for n in tools.names.get(entity.label_, []) if n not in tools.sentence.text]
        if pool:
            options.append((entity, pool))
    if not options:
        return None
    entity, pool = tools.rng.choice(options)
    return _replace(doc, entity.start, entity.end, tools.rng.choice(pool))


def _swap(doc: Any, tools: _Tools) -> str | None:
    for label in ("PERSON", "ORG", "GPE", "NORP", "DATE", "CARDINAL"):
        found = [e for e in doc.ents if e.label_ == label]
        distinct = {e.text for e in found}
        if len(found) >= 2 and len(distinct) >= 2:
            first, second = found[0], next(e for e in found[1:] if e.text != found[0].text)
            text = doc.text
            a, b = (first.start_char, first.end_char), (second.start_char, second.end_char)
            return text[: a[0]] + second.text + text[a[1] : b[0]] + first.text + text[b[1] :]
    return None


def _antonym(doc: Any, tools: _Tools) -> str | None:
    options = []
    for token in doc:
        pos = {"ADJ": "a", "ADV": "r", "VERB": "v"}.get(token.pos_)
        if pos and token.text.lower() == token.lemma_.lower():
            antonyms = tools.words.antonyms(token.lemma_, pos)
            if antonyms:
                options.append((token, antonyms))
    if not options:
        return None
    token, antonyms = tools.rng.choice(options)
    return _replace(doc, token.i, token.i + 1, tools.rng.choice(antonyms))


def _added(doc: Any, tools: _Tools) -> str | None:
    # A fact from elsewhere in the paragraph, joined on as if the unit said it too.
    others = [s for s in tools.sentence.others if len(s.split()) >= _MIN_WORDS]
    if not others:
        return None
    other = tools.rng.choice(others).rstrip(".")
    return f"{doc.text.rstrip('.')}, and {other[:1].lower()}{other[1:]}"


def _cause(doc: Any, tools: _Tools) -> str | None:
    match = re.search(r"^(.*?),? (because|since|as a result of|due to) (.*?)\.?$", doc.text)
    if match is None or match.group(2) in ("due to", "as a result of"):
        return None
    effect, word, cause = match.groups()
    return f"{cause[:1].upper()}{cause[1:]} {word} {effect[:1].lower()}{effect[1:]}"


def _other(doc: Any, tools: _Tools) -> str | None:
    others = [s for s in tools.sentence.others if len(s.split()) >= _MIN_WORDS]
    return tools.rng.choice(others) if others else None


def _clause(doc: Any, tools: _Tools) -> str | None:
    root = _root(doc)
    if root is None:
        return None
    for child in root.children:
        # A coordinated clause with its own subject: either half stands alone.
        if child.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in child.children):
            start = child.left_edge.i
            while start > 0 and doc[start - 1].dep_ in ("cc", "punct"):
                start -= 1
            if tools.rng.random() < 0.5:
                return doc[:start].text
            return doc[child.left_edge.i : child.right_edge.i + 1].text
    return None


def _shorter(doc: Any, tools: _Tools) -> str | None:
    # A phrase that only adds detail: a parenthesis, an apposition, a trailing modifier.
    text = re.sub(r"\s*\([^()]*\)", "", doc.text)
    if text != doc.text:
        return text
    for token in doc:
        if token.dep_ == "appos" and token.head.i < token.i:
            start, end = token.left_edge.i, token.right_edge.i + 1
            if start > 0 and doc[start - 1].text == "," and end < len(doc) and doc[end].text == ",":
                return _replace(doc, start - 1, end + 1, "")
    root = _root(doc)
    if root is None:
        return None
    if root.lemma_ == "be":
        return None  # "has been under U.S. sovereignty": the phrase is what is said
    # Not the phrase right after the verb: often its object ("depend on ...").
    preps = [c for c in root.children if c.dep_ == "prep" and c.left_edge.i > root.i + 1]
    if not preps:
        return None
    prep = tools.rng.choice(preps)
    return _replace(doc, prep.left_edge.i, prep.right_edge.i + 1, "")


def _items(doc: Any, tools: _Tools) -> str | None:
    for token in doc:
        if token.dep_ == "conj" or token.pos_ not in ("NOUN", "PROPN"):
            continue
        items = sorted([token, *token.conjuncts], key=lambda t: t.i)
        if len(items) >= 3:
            # An item and the comma after it, never one of the last two ("…, C and D").
            k = tools.rng.randrange(len(items) - 2)
            return _replace(doc, items[k].left_edge.i, items[k + 1].left_edge.i, "")
    return None


def _synonym(doc: Any, tools: _Tools) -> str | None:
    common = _common()
    options = []
    for token in doc:
        # Nouns' first senses stray too far ("government" → "regime").
        pos = {"ADJ": "a", "ADV": "r", "VERB": "v"}.get(token.pos_)
        if pos and len(token.text) > 3 and token.text.lower() == token.lemma_.lower():
            synonyms = [w for w in tools.words.synonyms(token.lemma_, pos) if w in common]
            if synonyms and not token.ent_type_:
                options.append((token, synonyms))
    if not options:
        return None
    changed = doc.text
    for token, synonyms in tools.rng.sample(options, k=min(2, len(options))):
        changed = re.sub(
            rf"\b{re.escape(token.text)}\b", tools.rng.choice(synonyms), changed, count=1
        )
    return changed


def _same(doc: Any, tools: _Tools) -> str | None:
    return doc.text


@cache
def _common() -> frozenset[str]:
    """The 30,000 most frequent English words longer than three letters."""
    from assistant.indexing.spelling import english_frequencies

    ranked = sorted(english_frequencies().items(), key=lambda kv: -kv[1])
    return frozenset(w for w, _ in ranked[:30_000] if len(w) > 3)


_BUILDERS: dict[str, Callable[[Any, _Tools], str | None]] = {
    "negation": _negation,
    "number": _number,
    "entity": _entity,
    "swap": _swap,
    "antonym": _antonym,
    "added": _added,
    "cause": _cause,
    "other": _other,
    "clause": _clause,
    "shorter": _shorter,
    "items": _items,
    "synonym": _synonym,
    "same": _same,
}
