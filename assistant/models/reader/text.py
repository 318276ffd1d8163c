"""What the reader reads: a question beside one candidate unit and the text that frames it.

Training (:mod:`assistant.models.reader.data`) and answering build the pair
the same way, so the model sees at inference exactly the shape it learned:
the question, then the unit, then its setting (the document's title and
section, a list item's lead-in, the sentence before) after a separator, so
truncation cuts the setting before the unit.
"""

from __future__ import annotations

SEPARATOR = " [SEP] "
"""Between the unit and its setting (the tokenizer's own separator token)."""
MAX_SETTING_CHARS = 300
"""The setting is cut to this many characters, its end kept (nearest the unit)."""


def unit_text(
    unit: str, *, title: str = "", section: str = "", leadin: str = "", before: str = ""
) -> str:
    """The second text of a reader pair: the unit and, after a separator, its setting."""
    parts = [p.strip() for p in (title, section if section != title else "", leadin, before)]
    setting = " · ".join(p for p in parts if p)
    if len(setting) > MAX_SETTING_CHARS:
        setting = "…" + setting[-MAX_SETTING_CHARS:]
    return f"{unit.strip()}{SEPARATOR}{setting}" if setting else unit.strip()
