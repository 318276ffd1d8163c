"""Questions as people type them: seeded noisy variants of well-formed questions.

Each question gets a *typo* variant (one or two words misspelled the way
fingers do: a letter dropped, doubled, swapped with its neighbour or hit next
to it) and a *chat* variant (lower case, no question mark, articles dropped,
common abbreviations, a terse opening, sometimes the filler people wrap a
question in: "ok so ... real quick"). The same seed gives the same variants,
so evaluation rows are reproducible.
"""

from __future__ import annotations

import random
import re

# Neighbouring keys on a QWERTY keyboard, for slips of the finger.
_KEYBOARD = {
    "a": "qwsz",
    "b": "vghn",
    "c": "xdfv",
    "d": "serfcx",
    "e": "wsdr",
    "f": "drtgvc",
    "g": "ftyhbv",
    "h": "gyujnb",
    "i": "ujko",
    "j": "huikmn",
    "k": "jiolm",
    "l": "kop",
    "m": "njk",
    "n": "bhjm",
    "o": "iklp",
    "p": "ol",
    "q": "wa",
    "r": "edft",
    "s": "awedxz",
    "t": "rfgy",
    "u": "yhji",
    "v": "cfgb",
    "w": "qase",
    "x": "zsdc",
    "y": "tghu",
    "z": "asx",
}
# How people shorten words in chat; the first matching phrase is shortened.
_SHORT = [
    ("chief operating officer", "coo"),
    ("key performance indicators", "kpis"),
    ("operations", "ops"),
    ("manager", "mgr"),
    ("management", "mgmt"),
    ("department", "dept"),
    ("departments", "depts"),
    ("executive", "exec"),
    ("executives", "execs"),
    ("organization", "org"),
    ("difference", "diff"),
    ("about", "abt"),
    ("between", "btwn"),
    ("with", "w/"),
    ("and", "&"),
    ("people", "ppl"),
    ("because", "bc"),
]
_OPENINGS = re.compile(
    r"^(what is|what are|what was|what were|who is|who was|which is|can you tell me|"
    r"please tell me|tell me)\s+",
    re.I,
)
_ARTICLES = re.compile(r"\b(the|a|an)\s+", re.I)
# What people wrap a question in when they chat.
_OPENERS = ("so ", "ok so ", "hey ", "quick question ", "honestly ", "um ", "wait ", "")
_CLOSERS = (" lol", " real quick", " pls", " tbh", " or what", " ??", " exactly", "")
_WORD = re.compile(r"[A-Za-z]{4,}")


def typo_variant(question: str, rng: random.Random) -> str:
    """``question`` with one or two of its longer words misspelled."""
    words = list(_WORD.finditer(question))
    if not words:
        return question
    chosen = sorted(
        rng.sample(words, k=min(len(words), rng.choice((1, 1, 2)))), key=lambda m: -m.start()
    )
    text = question
    for match in chosen:
        text = text[: match.start()] + _misspell(match.group(0), rng) + text[match.end() :]
    return text


def _misspell(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)  # the first letter is rarely wrong
    kind = rng.choice(("drop", "double", "swap", "neighbour"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    near = _KEYBOARD.get(word[i].lower(), word[i])
    return word[:i] + rng.choice(near) + word[i + 1 :]


def chat_variant(question: str, rng: random.Random) -> str:
    """``question`` typed the way people chat: lower case, terse, abbreviated."""
    text = question.strip().rstrip("?").strip()
    if rng.random() < 0.5:
        text = _OPENINGS.sub("", text)
    text = _ARTICLES.sub("", text)
    lowered = text.lower()
    for long, short in _SHORT:
        if re.search(rf"\b{re.escape(long)}\b", lowered) and rng.random() < 0.7:
            lowered = re.sub(rf"\b{re.escape(long)}\b", short, lowered)
    if rng.random() < 0.5:
        lowered = f"{rng.choice(_OPENERS)}{lowered}{rng.choice(_CLOSERS)}"
    return " ".join(lowered.split())


def noisy_variants(question: str, seed: int | str) -> list[tuple[str, str]]:
    """``[("typo", ...), ("chat", ...)]`` for ``question``, the same for the same seed."""
    rng = random.Random(f"{seed}\x00{question}")
    variants = [("typo", typo_variant(question, rng)), ("chat", chat_variant(question, rng))]
    return [(kind, text) for kind, text in variants if text and text != question]
