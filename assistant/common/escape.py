"""Text from documents, questions and endpoints shown as text, whatever it contains.

A document may hold HTML (``<form>``, ``<img src=...>``, ``<script>``), Markdown
(``![](http://...)``, links, emphasis) or terminal escape sequences. Quotes stay
verbatim in :class:`~assistant.response.Citation`; whatever shows them escapes
them here, once, for its medium, so nothing in a document becomes a form, an
image, a link, a style or a terminal command, and an apostrophe stays an
apostrophe (escaping twice is how ``&#x27;`` ends up on screen).
"""

from __future__ import annotations

import re

# Inline Markdown syntax that means something wherever it stands: emphasis, code,
# strikethrough, links and images (an escaped bracket leaves "![", "](" inert), tables
# and the backslash itself; "$$" opens LaTeX in Gradio's renderer.
_INLINE = frozenset("\\`*_~[]|")
# What means something only at the start of a line: headings, lists, quotes, rules
# (a number opens an ordered list through the "." or ")" after it).
_LINE_START = re.compile(r"^[#>+=-]")
_LIST_NUMBER = re.compile(r"^(\d+)([.)])")
# "<" opens HTML only before a tag name, "/", "!" or "?"; "&" only starts an entity.
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#\d+;|#[xX][0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)")
# Autolinks (GFM): "http://...", "www.example.org" become links unless broken.
_AUTOLINK = re.compile(r"(?<=[A-Za-z])(?=://)|(?<=\bwww)(?=\.)", re.IGNORECASE)
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI sequences: colours, cursor moves, erasing
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC sequences: titles, hyperlinks
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # the remaining control characters
)


def markdown_text(text: str) -> str:
    """``text`` for Markdown (rendered, or read as a file): shown exactly, inert.

    Only what would change the meaning is escaped, so the Markdown stays readable
    as a file: "C-suite (COO): a COO's" is left as it is, while ``*``, ``[``, a
    tag, an entity, an autolink and a line-opening ``#`` or ``-`` are escaped.
    Line breaks become spaces, so a quote cannot start a list, a heading or a
    code block of its own.
    """
    flat = " ".join(text.split())
    out = "".join(f"\\{ch}" if ch in _INLINE else ch for ch in flat)
    out = _TAG_OPEN.sub(r"\\<", out)
    out = _ENTITY.sub(r"\\&", out)
    out = _AUTOLINK.sub("\\\\", out).replace("$$", "\\$\\$")
    out = _LIST_NUMBER.sub(r"\1\\\2", out, count=1)
    return _LINE_START.sub(r"\\\g<0>", out, count=1)


# One table, applied once: HTML's own specials and, as entities, what a Markdown
# renderer would still read inside an HTML block (both show the same characters).
_HTML = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
    | {ch: f"&#{ord(ch)};" for ch in "[]()!*_`~#|\\$"}
)


def html_text(text: str) -> str:
    """``text`` inside HTML (an element or a double-quoted attribute): shown exactly."""
    return text.translate(_HTML)


def terminal_text(text: str) -> str:
    """``text`` for a terminal: escape sequences and control characters removed."""
    return _CONTROL.sub("", text)
