"""Near misses and paraphrases: questions built from a document's own questions.

A question written about one article, with that article's subject swapped for
another article's ("How much did BSkyB pay for the rights?" asked of the
article about the COO becomes "How much did the COO pay for the rights?"),
names something the other article talks about and asks what it never says. A
document's own question with its key word swapped for a word of its topic that
it never uses ("What is the salary of a COO?") does the same; with its key word
said in a synonym it never uses, the question stays answerable. Such questions
teach and test refusing the near miss without refusing the paraphrase.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable

from assistant.common.text import QUESTION_FILLER, STOPWORDS, stem

_WORDS = re.compile(r"[A-Za-z][\w-]*")


def swap_subject(question: str, own: list[str], other: list[str], rng: random.Random) -> str | None:
    """``question`` with its longest subject phrase from ``own`` replaced by one of ``other``."""
    present = [p for p in own if re.search(rf"\b{re.escape(p)}\b", question, re.I)]
    if not present or not other:
        return None
    subject = max(present, key=len)
    replacement = rng.choice(other)
    pattern = rf"\b{re.escape(subject)}\b"
    if replacement.islower() and not re.search(rf"\b(the|a|an)\s+{pattern}", question, re.I):
        replacement = f"the {replacement}"
    return re.sub(pattern, replacement, question, count=1, flags=re.I)


def foreign_words(own_text: str, elsewhere: str) -> list[str]:
    """Content words of ``elsewhere`` that ``own_text`` never uses (in any inflection)."""
    own = {stem(w.lower()) for w in _WORDS.findall(own_text)}
    return sorted(
        {
            w
            for w in _WORDS.findall(elsewhere)
            if len(w) > 3
            and w.islower()
            and w not in STOPWORDS | QUESTION_FILLER
            and stem(w) not in own
        }
    )


def key_word(question: str, own_text: str, subjects: list[str]) -> re.Match[str] | None:
    """The question's rarest content word outside the document's subjects.

    "oversee" in "What does an operations manager oversee?": what is asked about
    the subject, the word a near miss or a paraphrase changes.
    """
    subject_words = {w.lower() for phrase in subjects for w in phrase.split()}
    counts = Counter(w.lower() for w in _WORDS.findall(own_text))
    words = [
        m
        for m in _WORDS.finditer(question)
        if len(m.group(0)) > 3
        and m.group(0).islower()  # a name is a subject, not what is asked about it
        and m.group(0) not in STOPWORDS | QUESTION_FILLER | subject_words
    ]
    if not words:
        return None
    return min(words, key=lambda m: counts.get(m.group(0), 0))


def swap_word(
    question: str,
    own_text: str,
    replacements: list[str],
    subjects: list[str],
    rng: random.Random,
    *,
    related: Callable[[str, str], bool],
) -> str | None:
    """``question`` asking about something its document never mentions.

    Its :func:`key_word` is replaced by one of ``replacements`` (words the
    document never uses; the caller puts those close to its topic first), never
    by one ``related`` to the word it replaces, so the subject stays and what is
    asked is something else.
    """
    target = key_word(question, own_text, subjects)
    if target is None:
        return None
    usable = [w for w in replacements if not related(w, target.group(0).lower())]
    if not usable:
        return None
    return question[: target.start()] + rng.choice(usable) + question[target.end() :]


def paraphrase_word(
    question: str, own_text: str, subjects: list[str], synonym: Callable[[str], str | None]
) -> str | None:
    """``question`` with its :func:`key_word` said in a word the document never uses.

    "What does an operations manager supervise?" for "... oversee?": the same
    question in other words, which the document still answers.
    """
    changed = question
    for _ in range(2):  # the two rarest words, so the question really is in other words
        target = key_word(changed, own_text, subjects)
        word = synonym(target.group(0).lower()) if target is not None else None
        if target is None or word is None:
            break
        changed = changed[: target.start()] + word + changed[target.end() :]
    return changed if changed != question else None
