"""Text from documents and endpoints shown as text, whatever it contains.

A document may hold HTML (``<form>``, ``<img src=...>``, ``<script>``), Markdown
(``![](http://...)``, links, emphasis) or terminal escape sequences. Quotes stay
verbatim in :class:`~assistant.response.Citation`; whatever shows them escapes
them here, for its medium, so nothing in a document becomes a form, an image, a
link, a style or a terminal command.
"""

from __future__ import annotations

import html
import re

# The ASCII punctuation that can start Markdown syntax (emphasis, links, images, code,
# lists, headings, tables, maths) or an autolink (``www.``, ``http://``, e-mail), except
# what HTML escaping already turned into entities (& < > ").
_MARKDOWN_PUNCTUATION = frozenset("\\`*_{}[]()#+-.!|~$=:/@")
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI sequences: colours, cursor moves, erasing
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC sequences: titles, hyperlinks
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # the remaining control characters
)


def markdown_text(text: str) -> str:
    """``text`` for a Markdown renderer that also renders HTML: shown exactly, inert.

    Line breaks become spaces, so a quote cannot start a list, a heading or a
    code block of its own.
    """
    escaped = html.escape(" ".join(text.split()), quote=True)
    return "".join(f"\\{ch}" if ch in _MARKDOWN_PUNCTUATION else ch for ch in escaped)


# Inside an HTML block a Markdown renderer may still see Markdown; as entities these
# characters look the same and mean nothing to either.
_MARKDOWN_AS_ENTITIES = str.maketrans({ch: f"&#{ord(ch)};" for ch in "[]()!*_`~#|\\$"})


def html_text(text: str) -> str:
    """``text`` inside HTML: shown exactly, never markup, HTML or Markdown."""
    return html.escape(text, quote=True).translate(_MARKDOWN_AS_ENTITIES)


def terminal_text(text: str) -> str:
    """``text`` for a terminal: escape sequences and control characters removed."""
    return _CONTROL.sub("", text)
