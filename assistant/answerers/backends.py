"""The answering backends: one registry that settings, the CLI and the app read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from assistant.settings import BackendName


@dataclass(frozen=True)
class Backend:
    """One way of writing answers."""

    name: BackendName
    summary: str
    generative: bool
    """True when a language model writes the answer (and a verifier checks it)."""


BACKENDS: dict[str, Backend] = {
    "extractive": Backend(
        "extractive", "quotes the passages' sentences and list items, no model", False
    ),
    "local": Backend("local", "SmolLM2 run on this machine by llama.cpp", True),
    "openai": Backend("openai", "any OpenAI-compatible endpoint", True),
}
"""Every backend by name, in the order they are offered."""

CUSTOM = "custom"
"""The name an assistant reports when a chat model object was handed in."""

assert list(BACKENDS) == list(get_args(BackendName))


def backend_names() -> list[str]:
    """The names users can choose from, in order."""
    return list(BACKENDS)
