"""Questions as people type them, mapped onto the corpus's own words.

Spelling mistakes ("operatons"), chat abbreviations ("mgr", "abt"), British and
American spellings ("organisation") and acronyms ("KPIs" for "key performance
indicators", "COO" for a "Chief Operating Officer (COO)" the corpus defines)
are read as the corpus word they stand for, so one word a user typed their way
never decides an answer. A word is only changed when it is not already a word
of the corpus; a real English word the corpus lacks ("salary") stays as typed,
so the scope check can see that the corpus does not speak of it.

Matching uses rapidfuzz (edit distance with transpositions) against the corpus
vocabulary; what counts as an English word comes from symspellpy's frequency
dictionary.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from cachetools import LRUCache

from assistant.common.text import CHAT_WORDS, QUESTION_FILLER, STOPWORDS, fold, stem

# Words, with inner hyphens ("day-to-day") and chat slashes ("w/", "b/w", "w/o").
_TOKEN = re.compile(r"[A-Za-z]+(?:[-/][A-Za-z]+)*/?")
_PARTS = re.compile(r"[-/]")
_DEFINED = re.compile(r"((?:[A-Z][\w-]*[\s-]+){1,5}[A-Z][\w-]*)\s*\(\s*([A-Z]{2,6})s?\s*\)")

# Abbreviations people type in chat and business writing, read as the full word
# (chat fillers such as "lol" are read as nothing). General English, not this
# corpus: a word is replaced only when the corpus does not know it itself.
ABBREVIATIONS = {
    "abt": "about",
    "acct": "account",
    "admin": "administration",
    "approx": "approximately",
    "asst": "assistant",
    "avg": "average",
    "arent": "are not",
    "b/w": "between",
    "bc": "because",
    "btwn": "between",
    "cant": "cannot",
    "co": "company",
    "biz": "business",
    "bw": "between",
    "coz": "because",
    "cuz": "because",
    "dept": "department",
    "depts": "departments",
    "diff": "difference",
    "diffs": "differences",
    "dif": "difference",
    "doesnt": "does not",
    "dont": "do not",
    "exec": "executive",
    "execs": "executives",
    "govt": "government",
    "hmm": "",
    "hr": "human resources",
    "info": "information",
    "btw": "between",
    "fyi": "",
    "gonna": "going to",
    "gotta": "have to",
    "hows": "how is",
    "idk": "",
    "im": "i am",
    "imo": "",
    "kinda": "",
    "intl": "international",
    "isnt": "is not",
    "lol": "",
    "ngl": "",
    "ok": "",
    "okay": "",
    "mgmt": "management",
    "mgr": "manager",
    "mgrs": "managers",
    "mngr": "manager",
    "ops": "operations",
    "org": "organization",
    "orgs": "organizations",
    "perf": "performance",
    "plz": "please",
    "pls": "please",
    "ppl": "people",
    "r": "are",
    "resp": "responsibilities",
    "resps": "responsibilities",
    "respo": "responsibilities",
    "roi": "return on investment",
    "strat": "strategy",
    "tbh": "",
    "thats": "that is",
    "tldr": "summary",
    "uh": "",
    "um": "",
    "umm": "",
    "thru": "through",
    "u": "you",
    "ur": "your",
    "wanna": "want to",
    "w/": "with",
    "w/o": "without",
    "whats": "what is",
    "wheres": "where is",
    "whos": "who is",
    "wont": "will not",
    "wrt": "with respect to",
    "yr": "year",
    "yrs": "years",
}

# Read differently at the start of a question: "btw, what does a COO do?" is "by
# the way"; "the diffs btw them" is "between".
OPENERS = {"btw": ""}

# British and American spellings of the same word: tried both ways.
_SPELLING_VARIANTS = [
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ise", "ize"),
    ("iser", "izer"),
    ("yse", "yze"),
    ("our", "or"),
    ("tre", "ter"),
    ("elled", "eled"),
    ("elling", "eling"),
    ("ogue", "og"),
    ("ence", "ense"),
]
_CACHE_SIZE = 50_000
_OPENERS = frozenset("what who how when where why which whose is are does do did can".split())


@dataclass(frozen=True)
class Normalized:
    """A question in the corpus's words, and what was changed to get there."""

    text: str
    changes: tuple[tuple[str, str], ...] = ()
    """``(as typed, as read)`` for every word that was read differently."""
    unknown: tuple[str, ...] = field(default=())
    """Content words that are neither in the corpus nor mapped onto it, as typed."""
    unmentioned: tuple[str, ...] | None = None
    """Of ``unknown``, those the corpus does not use even inside a compound ("term" is in
    "long-term") and that are not the chat around a question ("hey"): the words an answer
    may say it does not mention (``None``: all of them)."""

    @property
    def lacking(self) -> tuple[str, ...]:
        """The question's words the corpus never uses, to name in a refusal."""
        return self.unknown if self.unmentioned is None else self.unmentioned


@cache
def english_frequencies() -> dict[str, int]:
    """Word → frequency for about 83,000 English words (symspellpy's dictionary)."""
    path = resources.files("symspellpy").joinpath("frequency_dictionary_en_82_765.txt")
    frequencies: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, count = line.partition(" ")
        if count:
            frequencies[word] = int(count)
    return frequencies


@cache
def _english_span() -> tuple[int, float]:
    """The commonest English word's count, and the log-ratio down to the rarest's."""
    frequencies = english_frequencies()
    top = max(frequencies.values())
    return top, math.log(top / min(frequencies.values()))


def rarity(words: list[str]) -> float:
    """How rare in English the rarest of ``words`` is: 0 for "the", 1 for unseen words."""
    frequencies = english_frequencies()
    top, floor = _english_span()
    return max(
        min(1.0, math.log(top / frequencies[w]) / floor) if w in frequencies else 1.0 for w in words
    )


@cache
def _english_words() -> tuple[str, ...]:
    return tuple(english_frequencies())


class Vocabulary:
    """The words of one corpus snapshot, with what it needs to map a typed word onto them."""

    def __init__(self, words: dict[str, int], text: str) -> None:
        self.words = words
        """Lower-case word → occurrences in the corpus."""
        self.stems = {stem(fold(w)) for w in words}
        self.parts = {
            stem(fold(part)) for w in words if "-" in w or "/" in w for part in _PARTS.split(w)
        }
        """Stems of the pieces of the corpus's compounds ("long", "term" of "long-term")."""
        self.text = text
        """The corpus text (for acronym look-ups)."""
        self.acronyms = defined_acronyms(text)
        self._choices = sorted(set(words) | STOPWORDS | QUESTION_FILLER)
        self._cache: LRUCache[str, tuple[str, ...] | None] = LRUCache(_CACHE_SIZE)
        self._lock = threading.Lock()

    @classmethod
    def from_texts(cls, texts: list[str]) -> Vocabulary:
        """The vocabulary of ``texts`` (passages, with their headings)."""
        counts: dict[str, int] = {}
        for text in texts:
            for word in _TOKEN.findall(text):
                lower = word.lower()
                counts[lower] = counts.get(lower, 0) + 1
        return cls(counts, "\n".join(" ".join(t.split()) for t in texts))

    def knows(self, word: str) -> bool:
        """Whether ``word`` (any case, any inflection) is a word of the corpus."""
        lower = word.lower()
        return lower in self.words or stem(fold(lower)) in self.stems

    def normalize(self, question: str) -> Normalized:
        """``question`` with each word the corpus lacks read as the corpus word it stands for."""
        question = re.sub(r"\btl;\s?dr\b", "tldr", question, flags=re.IGNORECASE)
        for acronym, long in self.acronyms.items():
            # The corpus names it by its acronym once defined: "Chief Operating Officer" is "COO".
            pattern = rf"\b{re.escape(long)}\b(\s*\(\s*{acronym}s?\s*\))?"
            question = re.sub(pattern, acronym.upper(), question, flags=re.IGNORECASE)
        pieces: list[str] = []
        changes: list[tuple[str, str]] = []
        unknown: list[str] = []
        cursor = 0
        for match in _TOKEN.finditer(question):
            word = match.group(0)
            pieces.append(question[cursor : match.start()])
            cursor = match.end()
            read = self.read(word, first=not "".join(pieces).strip())
            if read is None:
                pieces.append(word)
                if word.lower() not in STOPWORDS and word.lower() not in QUESTION_FILLER:
                    unknown.append(word)
                continue
            replacement = " ".join(read)
            pieces.append(replacement)
            if replacement.lower() != word.lower():
                changes.append((word, replacement))
        pieces.append(question[cursor:])
        text = " ".join("".join(pieces).split())
        unknown = list(dict.fromkeys(unknown))
        # The reading keeps a compound whole (the scorer learned it so), but a refusal must
        # not say that the corpus never mentions a word it uses inside one.
        unmentioned = [
            w for w in unknown if not self._in_compound(w) and w.lower() not in CHAT_WORDS
        ]
        return Normalized(text, tuple(changes), tuple(unknown), tuple(unmentioned))

    def _in_compound(self, word: str) -> bool:
        pieces = [p for p in _PARTS.split(word.lower()) if p]
        stems = [stem(fold(p)) for p in pieces]
        return bool(stems) and all(s in self.parts or s in self.stems for s in stems)

    def read(self, word: str, *, first: bool = False) -> tuple[str, ...] | None:
        """How the corpus reads ``word``: itself, corpus words it stands for, or ``None``."""
        lower = word.lower()
        if len(lower) < 2 and lower not in ABBREVIATIONS:
            return (word,)
        if self.knows(lower) or lower in STOPWORDS or lower in QUESTION_FILLER:
            return (word,)
        key = f"{word}\x00{first}" if word.isupper() else f"{lower}\x00{first}"
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        read = self._map(word, first=first)
        with self._lock:
            self._cache[key] = read
        return read

    def _map(self, word: str, *, first: bool) -> tuple[str, ...] | None:
        lower = word.lower()
        singular = lower[:-1] if lower.endswith("s") and len(lower) > 2 else lower
        for key in (lower, singular):
            if key in self.acronyms:
                return tuple(self.acronyms[key].split())
        expansion = OPENERS.get(lower) if first else None
        if expansion is None:
            expansion = ABBREVIATIONS.get(lower)
        if expansion is not None:
            return tuple(expansion.split())
        if word.isupper() or (len(singular) <= 5 and singular not in english_frequencies()):
            initials = self._initials(singular)
            if initials is not None:
                return initials
        if word.isupper():
            return None  # an acronym the corpus does not use is not a typo
        for british, american in _SPELLING_VARIANTS:
            for old, new in ((british, american), (american, british)):
                if old in lower:
                    variant = lower.replace(old, new)
                    if self.knows(variant):
                        return (variant,)
        return self._typo(lower, first=first)

    def _initials(self, acronym: str) -> tuple[str, ...] | None:
        """The corpus phrase whose words' initials spell ``acronym`` ("kpi")."""
        if not 2 <= len(acronym) <= 5 or not acronym.isalpha():
            return None
        pattern = r"\b" + r"[\w-]*\s+".join(re.escape(ch) for ch in acronym) + r"[\w-]*"
        found: dict[str, int] = {}
        for match in re.finditer(pattern, self.text, flags=re.IGNORECASE):
            words = match.group(0).lower().split()
            if len(words) == len(acronym) and not any(w in STOPWORDS for w in words):
                phrase = " ".join(words)
                found[phrase] = found.get(phrase, 0) + 1
        if not found:
            return None
        return tuple(max(found, key=lambda p: found[p]).split())

    def _typo(self, lower: str, *, first: bool = False) -> tuple[str, ...] | None:
        """The corpus word ``lower`` is a misspelling of, if it is not an English word."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        frequencies = english_frequencies()
        own = frequencies.get(lower, 0)
        # A typo is usually not a word at all. A rare real word one letter away from a
        # far more common one ("manger", "wat") is read as that word.
        limit = 1 if len(lower) <= 5 or own else 2
        if len(lower) <= 3:
            # A typed function word keeps its letters, swapped or one left out ("teh",
            # "wat", "hw"); a short word with a letter of its own is an abbreviation the
            # corpus does not use ("vp" is not "up", nor "gm" "am", nor "okr" "or").
            typed = Counter(lower)
            matches = [
                m
                for m in process.extract(
                    lower, STOPWORDS, scorer=OSA.distance, score_cutoff=limit, limit=10
                )
                if typed <= Counter(m[0])
            ]
        else:
            # A word of the corpus, a function word, or any English inflection of a
            # corpus word ("strategy" where the corpus says "strategies").
            matches = process.extract(
                lower, self._choices, scorer=OSA.distance, score_cutoff=limit, limit=10
            )
            matches += [
                m
                for m in process.extract(
                    lower, _english_words(), scorer=OSA.distance, score_cutoff=limit, limit=10
                )
                if stem(m[0]) in self.stems
            ]
        best: tuple[int, bool, bool, int, int, str] | None = None
        for candidate, distance, _ in matches:
            if candidate[:1] != lower[:1] and distance > 1:
                continue
            weight = frequencies.get(candidate, 0)
            if own and weight < 100 * own:
                continue
            # Typing rarely gets the first letter wrong; a question usually opens with
            # a question word.
            moved = candidate[:1] != lower[:1]
            opener = not (first and candidate in _OPENERS)
            key = (int(distance), moved, opener, -self.words.get(candidate, 0), -weight, candidate)
            if best is None or key < best:
                best = key
        return (best[-1],) if best else None


def defined_acronyms(text: str) -> dict[str, str]:
    """Acronyms the corpus defines: "Chief Operating Officer (COO)" gives coo."""
    found: dict[str, str] = {}
    for match in _DEFINED.finditer(text):
        words = match.group(1).split()
        acronym = match.group(2)
        for start in range(len(words)):
            tail = words[start:]
            if "".join(w[0] for w in tail).upper() == acronym:
                found[acronym.lower()] = " ".join(w.lower() for w in tail)
                break
    return found
