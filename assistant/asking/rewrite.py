"""Follow-up questions made standalone, so retrieval sees what the user means.

"And what about the COO?" after "What are the responsibilities of an
operations manager?" becomes "What are the responsibilities of the COO?";
"Which of them has more authority?" carries the earlier question's subjects
along. A chat model, when one answers, rewrites follow-ups first; its rewrite
must keep the follow-up's own words, else the rules below take over.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel

from assistant.common.text import STOPWORDS, stem
from assistant.common.timing import stage
from assistant.errors import QuestionError

log = logging.getLogger("assistant")

History = Sequence[tuple[str, str]]
"""Earlier turns as ``(question, answer)`` pairs, oldest first."""
HistoryInput = Sequence[tuple[str, str]] | Sequence[dict[str, Any]] | None
"""Earlier turns: ``(question, answer)`` pairs, or chat messages with ``role``/``content``."""

_HISTORY_SHAPE = (
    'The history must be a list of {"role", "content"} messages or of [question, answer] pairs.'
)
MAX_TURN_CHARS = 4000
"""The most of one earlier question or answer a follow-up reads."""

PhraseCount = Callable[[str], int]
"""How often a phrase occurs in the corpus: tells a real noun phrase from a run of words."""

_WHAT_ABOUT = re.compile(
    r"^\s*(?:(?:and|but|so|ok(?:ay)?|also|then)[\s,]+)*(?:what|how)\s+(?:about|of)\s+(?P<x>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_AND_X = re.compile(
    r"^\s*(?:and|also)\s+(?:for\s+|of\s+)?(?P<x>[^?]{1,60}?)\s*\??\s*$", re.IGNORECASE
)
_REFERRING = re.compile(
    r"\b(it|its|they|them|their|theirs|these|those|both|either|neither|"
    r"he|she|him|her|his|hers|former|latter)\b",
    re.IGNORECASE,
)
_SUBJECTS_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
"""The "(operations manager, COO)" a pronoun follow-up is read with."""
_POSSESSIVE = re.compile(r"^(?:their|its|his|her)\s+", re.IGNORECASE)
_DETERMINER = re.compile(r"^(?:the|a|an|this|that|these|those)\s+", re.IGNORECASE)
_QUESTION_WORDS = frozenset(
    [
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "does",
        "do",
        "did",
        "is",
        "are",
    ]
)
_WORD = re.compile(r"[A-Za-z0-9][\w'-]*")


def condense_question(
    question: str, history: History, *, phrase_count: PhraseCount | None = None
) -> str:
    """Rewrite a follow-up into a standalone question; other questions pass through.

    The question before is read as it was understood, each earlier follow-up
    resolved against the one before it, so a chain of follow-ups keeps its subject.
    """
    if not is_follow_up(question, history):
        return question  # nothing below would change it; skip resolving the history
    previous = ""
    for asked, _ in history:
        if asked.strip():
            previous = _resolve(asked.strip(), previous, phrase_count)
    if not previous:
        return question
    return _resolve(question, previous, phrase_count)


def _resolve(question: str, previous: str, phrase_count: PhraseCount | None) -> str:
    """``question`` read against the (resolved) question before it."""
    if not previous:
        return question
    match = _WHAT_ABOUT.match(question) or _AND_X.match(question)
    if match and match.group("x").split()[0].lower() not in _QUESTION_WORDS:
        # "what about their impact?": the owner is whoever the question before asked about.
        replacement = _POSSESSIVE.sub("", match.group("x").strip()) or match.group("x").strip()
        base = _SUBJECTS_NOTE.sub("", previous)  # what it asked, not whom it referred to
        target = _subject(base, replacement, phrase_count)
        swapped = _replace_phrase(base, target, replacement) if target else base
        return swapped if swapped != base else f"{base} {replacement}"
    content = [w for w in _WORD.findall(question) if _is_content(w)]
    if _REFERRING.search(question) and len(content) <= 3:
        subjects = subject_phrases(previous)
        if subjects:
            return f"{question.rstrip()} ({', '.join(subjects)})"
    return question


def is_follow_up(question: str, history: History) -> bool:
    """Whether a question leans on the conversation ("and the COO?", "which of them ...")."""
    if not history:
        return False
    return bool(
        _WHAT_ABOUT.match(question) or _AND_X.match(question) or _REFERRING.search(question)
    )


REWRITE_PROMPT = (
    "Rewrite the user's last question so that it can be understood without the conversation. "
    "Keep its meaning and its wording where possible. Reply with the rewritten question only."
)
_ANSWER_EXCERPT = 300


def rewrite_messages(question: str, history: History) -> list[tuple[str, str]]:
    """Chat messages (role, text) asking a model for a standalone version of ``question``."""
    turns = "\n".join(
        f"User: {asked}\nAssistant: {' '.join(answered.split())[:_ANSWER_EXCERPT]}"
        for asked, answered in history[-2:]
    )
    prompt = f"Conversation:\n{turns}\n\nLast question: {question}\n\nStandalone question:"
    return [("system", REWRITE_PROMPT), ("human", prompt)]


def clean_rewrite(text: str, question: str) -> str | None:
    """The model's rewrite if it looks like a question of sane length, else ``None``."""
    line = next((part.strip() for part in text.strip().splitlines() if part.strip()), "")
    line = re.sub(
        r"^(standalone question|question|rewritten question)\s*:\s*", "", line, flags=re.I
    )
    line = line.strip().strip('"').strip("'").strip()
    if not 3 <= len(line) <= max(300, 3 * len(question)) or not re.search(r"[A-Za-z]", line):
        return None
    return line


def keeps_subject(rewritten: str, question: str) -> bool:
    """Whether a rewrite still holds every content word the follow-up itself used.

    "And what about the COO?" must not come back as the previous question about
    the operations manager: small models do that.
    """
    own = {stem(w.lower()) for w in _WORD.findall(question) if _is_content(w)}
    return own <= {stem(w.lower()) for w in _WORD.findall(rewritten)}


def subject_phrases(question: str) -> list[str]:
    """Runs of content words in a question: its subjects and what it asks about."""
    return [" ".join(words) for words, _ in _runs(question)]


def _is_content(word: str) -> bool:
    lower = word.lower()
    return (
        lower not in STOPWORDS and lower not in _QUESTION_WORDS and not _REFERRING.fullmatch(lower)
    )


def _subject(previous: str, replacement: str, phrase_count: PhraseCount | None) -> str | None:
    """The words of the earlier question that the follow-up's phrase stands in for.

    Each run of content words is cut to its longest opening that the corpus
    knows as a phrase ("operations manager" out of "operations manager improve
    efficiency"). A run followed by "of" names an attribute ("the key
    responsibilities of ..."), not the subject, so the last other run wins; a
    run sharing a word with the replacement wins outright.
    """
    runs = _runs(previous)
    if not runs:
        return None
    candidates: list[tuple[str, bool]] = []
    for words, followed_by_of in runs:
        phrase = _known_opening(words, phrase_count)
        candidates.append((phrase, followed_by_of))
    replacement_words = {w.lower() for w in _WORD.findall(replacement) if _is_content(w)}
    for phrase, _ in candidates:
        if replacement_words & {w.lower() for w in phrase.split()}:
            return phrase
    subjects = [phrase for phrase, followed_by_of in candidates if not followed_by_of]
    return (subjects or [phrase for phrase, _ in candidates])[-1]


def _runs(question: str) -> list[tuple[list[str], bool]]:
    """Runs of content words, each with whether the word after it is "of"."""
    runs: list[tuple[list[str], bool]] = []
    current: list[str] = []
    for word in [*_WORD.findall(question), ""]:
        if word and _is_content(word):
            current.append(word)
            continue
        if current:
            runs.append((current, word.lower() == "of"))
            current = []
    return runs


def _known_opening(words: list[str], phrase_count: PhraseCount | None) -> str:
    if phrase_count is None:
        return " ".join(words)
    for n in range(len(words), 0, -1):
        phrase = " ".join(words[:n])
        if phrase_count(phrase) >= 2:
            return phrase
    return " ".join(words)


def _replace_phrase(question: str, target: str, replacement: str) -> str:
    pattern = re.compile(r"\b(?:(?:the|a|an)\s+)?" + re.escape(target) + r"\b", re.IGNORECASE)
    return pattern.sub(lambda _: replacement, question, count=1)


def standalone_question(
    question: str,
    history: History,
    *,
    phrase_count: PhraseCount | None = None,
    chat_model: BaseChatModel | None = None,
) -> str:
    """The standalone version of ``question`` (itself when it is not a follow-up).

    A chat model, when given, rewrites follow-ups first; the rules are the fallback.
    """
    with stage("rewrite"):
        if chat_model is not None and is_follow_up(question, history):
            rewritten = _rewrite_with_model(chat_model, question, history)
            if rewritten:
                return rewritten
        return condense_question(question, history, phrase_count=phrase_count)


def _rewrite_with_model(chat_model: BaseChatModel, question: str, history: History) -> str | None:
    """The model's standalone version of a follow-up, or ``None`` to fall back to rules."""
    try:
        reply = chat_model.invoke(rewrite_messages(question, history))
    except Exception as exc:  # a failed rewrite must not stop the answer
        log.warning("Follow-up rewrite by the model failed (%s); using rules.", type(exc).__name__)
        return None
    rewritten = clean_rewrite(reply.text, question)
    if rewritten and keeps_subject(rewritten, question):
        return rewritten
    return None


def turns_of(history: HistoryInput, limit: int) -> tuple[tuple[str, str], ...]:
    """The last ``limit`` turns of ``history`` as ``(question, answer)`` pairs."""
    if not history or not limit:
        return ()
    if isinstance(history, str | bytes) or not isinstance(history, Sequence):
        raise QuestionError(_HISTORY_SHAPE)
    turns: list[tuple[str, str]] = []
    pending: str | None = None
    # Only the end is read: a history of a million turns costs what the last few do.
    for item in history[-(2 * limit + 1) :]:
        if isinstance(item, dict):
            text = _message_text(item.get("content"))
            if item.get("role") == "user":
                pending = text
            elif item.get("role") == "assistant" and pending is not None:
                turns.append((pending, text))
                pending = None
        elif isinstance(item, list | tuple) and len(item) == 2:
            question, reply = item
            turns.append((str(question), str(reply)))
        else:
            raise QuestionError(_HISTORY_SHAPE)
    # History comes from callers of the API too: bound what one turn may cost.
    kept = turns[-limit:]
    return tuple((q[:MAX_TURN_CHARS], a[:MAX_TURN_CHARS]) for q, a in kept)


def _message_text(content: Any) -> str:
    """Text of a chat message's content: a string, or a list of typed parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            part.get("text", "") if isinstance(part, dict) else str(part) for part in content
        ).strip()
    return ""
