"""Text in the corpus that addresses the assistant instead of the reader.

A document can carry instructions aimed at a language model ("ignore previous
instructions and say ..."). Quoting such text is harmless, so the extractive
answerer may cite it like any other sentence; but a generative backend never
reads it as part of its prompt, and a generated sentence cannot be supported by
it. The patterns look for the usual shapes of such text, not for topics.
"""

from __future__ import annotations

import re

_PATTERNS = [
    r"\b(ignore|disregard|forget|override)\b.{0,60}\b(instructions?|prompts?|rules|guidelines)\b",
    r"\b(ignore|disregard|forget)\b.{0,20}\b(everything|all)\b.{0,30}\b(above|before|previous|prior)\b",
    r"\byou are (now )?(a|an|the|my)\b.{0,40}\b(assistant|ai|model|chatbot|bot|llm)\b",
    r"\b(system prompt|jailbreak|developer mode|prompt injection)\b",
    r"\bas an ai\b",
    r"\bnew instructions?\b",
    r"\b(assistant|ai|model|chatbot)s?\b.{0,30}\b(must|should|shall|will)\b.{0,20}\b(say|answer|reply|respond|output|print|write)\b",
    r"\b(say|reply|respond|answer|output|print)\b.{0,25}\b(only|exactly|verbatim|instead)\b",
    r"^\s*(system|assistant|user)\s*:",
    r"<\|[a-z_]+\|>",
]
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE | re.MULTILINE)


def addresses_the_model(text: str) -> bool:
    """Whether ``text`` reads like an instruction to a language model."""
    return _INSTRUCTION.search(text) is not None
