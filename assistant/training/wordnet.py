"""WordNet 3.0 as Debian's ``wordnet-base`` package installs it: synonyms and antonyms.

Only training data uses it (faithful rewrites and meaning flips of SQuAD
sentences for the entailment model); nothing shipped reads it. The database
files are parsed directly (their format is documented in ``wndb(5WN)``): a
word's synonyms are the other words of its most frequent sense, its antonyms
the words WordNet links to that sense with ``!``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.errors import AssistantError

FOLDER = Path("/usr/share/wordnet")
POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
"""WordNet's files by part of speech, and its one-letter names."""


class WordNetMissing(AssistantError):
    """Debian's wordnet-base is not installed."""


@dataclass(frozen=True)
class _Synset:
    words: tuple[str, ...]
    antonyms: tuple[str, ...]


class WordNet:
    """Synonyms and antonyms of English words, from the most frequent sense only."""

    def __init__(self, folder: Path = FOLDER) -> None:
        if not (folder / "index.noun").exists():
            raise WordNetMissing(
                f"WordNet's database is not in {folder}. Install Debian's package: "
                "`apt-get install wordnet-base`."
            )
        self.folder = folder
        self._first: dict[tuple[str, str], int] = {}
        self._synsets: dict[str, dict[int, _Synset]] = {}
        for name, pos in POS.items():
            self._read_index(folder / f"index.{name}", pos)
            self._synsets[pos] = self._read_data(folder / f"data.{name}")

    def synonyms(self, word: str, pos: str) -> list[str]:
        """Single-word synonyms of ``word`` (part of speech ``n``, ``v``, ``a`` or ``r``)."""
        synset = self._synset(word, pos)
        if synset is None:
            return []
        return [w for w in synset.words if w != word.lower() and "_" not in w]

    def antonyms(self, word: str, pos: str) -> list[str]:
        """Single-word antonyms of ``word``'s most frequent sense."""
        synset = self._synset(word, pos)
        return [w for w in synset.antonyms if "_" not in w] if synset else []

    def _synset(self, word: str, pos: str) -> _Synset | None:
        offset = self._first.get((word.lower(), pos))
        if offset is None:
            return None
        return self._synsets[pos].get(offset)

    def _read_index(self, path: Path, pos: str) -> None:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(" "):
                continue  # the licence header
            parts = line.split()
            pointers = int(parts[3])
            offsets = parts[4 + pointers + 2 :]
            if offsets:
                self._first[(parts[0], pos)] = int(offsets[0])

    def _read_data(self, path: Path) -> dict[int, _Synset]:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        offsets: dict[int, list[str]] = {}
        raw: dict[int, list[str]] = {}
        for line in lines:
            if line.startswith(" "):
                continue
            parts = line.split(" | ")[0].split()
            offset, count = int(parts[0]), int(parts[3], 16)
            words = [parts[4 + 2 * i].split("(")[0].lower() for i in range(count)]
            offsets[offset] = words
            raw[offset] = parts[4 + 2 * count :]
        synsets = {}
        for offset, words in offsets.items():
            rest = raw[offset]
            antonyms: list[str] = []
            for i in range(int(rest[0]) if rest else 0):
                symbol, target, _, link = rest[1 + 4 * i : 5 + 4 * i]
                # A lexical antonym links one word to one word ("hot" ! "cold").
                if symbol == "!" and int(target) in offsets:
                    index = int(link[2:], 16) - 1
                    words_there = offsets[int(target)]
                    if 0 <= index < len(words_there):
                        antonyms.append(words_there[index])
            synsets[offset] = _Synset(tuple(words), tuple(antonyms))
        return synsets


@cache
def wordnet() -> WordNet:
    """The installed WordNet, read once (a few seconds)."""
    return WordNet()
