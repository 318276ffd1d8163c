"""The status line, the corpus list and the removable uploads, as a visitor sees them."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.api import Assistant
from assistant.common.escape import markdown_text
from assistant.common.text import plural
from assistant.documents.access import EVERYONE, Viewer
from assistant.errors import AssistantError


def status_text(bot: Assistant, backend: str | None = None, viewer: Viewer = EVERYONE) -> str:
    """Who is answering and what the index holds for ``viewer``, in one line."""
    try:
        status = bot.status(backend, viewer)
    except AssistantError as exc:
        return f"⚠️ {exc}"
    model = f" ({status['model']})" if status.get("model") else ""
    return (
        f"Answering with **{status['backend']}**{model} · "
        f"{plural(status['documents'], 'document')}, {plural(status['chunks'], 'passage')} indexed"
    )


def documents_text(bot: Assistant, viewer: Viewer = EVERYONE) -> str:
    """The corpus ``viewer`` sees, as a Markdown list."""
    try:
        sources = bot.library.sources(viewer)
        refused = bot.library.refused(viewer)
    except AssistantError as exc:
        return f"⚠️ {exc}"
    parts = []
    if sources:
        lines = [
            f"- {markdown_text(source)} · {plural(chunks, 'passage')}"
            for source, chunks in sources.items()
        ]
        parts.append("**In the corpus**\n\n" + "\n".join(lines))
    if refused:
        # A stored file that answers nothing says why, rather than vanishing.
        # A reason names its file already ("notes.pdf took longer than ..."), most do.
        lines = [
            f"- {markdown_text(why if s in why else f'{s}: {why}')}" for s, why in refused.items()
        ]
        parts.append("**Not searchable**\n\n" + "\n".join(lines))
    return "\n\n".join(parts) or "The corpus is empty."


def uploaded_documents(bot: Assistant, viewer: Viewer = EVERYONE) -> list[str]:
    """The uploads ``viewer`` may remove in the Documents tab."""
    try:
        return bot.library.removable(viewer)
    except AssistantError:
        return []


def removable_choices(bot: Assistant, viewer: Viewer = EVERYONE) -> Any:
    choices = uploaded_documents(bot, viewer)
    return gr.Dropdown(choices=choices, value=choices[0] if choices else None)


def asked_of(bot: Assistant, viewer: Viewer = EVERYONE) -> str:
    """What a visitor asks about, for the title and the placeholders: the one document's
    title, or "your documents" (escaped for Markdown)."""
    try:
        statistics = bot.statistics.current(viewer=viewer)
    except AssistantError:
        return "your documents"
    titles = {chunk.source: chunk.title for chunk in statistics.chunks}
    if len(titles) != 1:
        return "your documents"
    return markdown_text(next(iter(titles.values())) or next(iter(titles)))


def title_text(named: str) -> str:
    """The page's heading for what is asked about."""
    return f"## Ask {named}\nShort answers, quoted from it, each with its source."
