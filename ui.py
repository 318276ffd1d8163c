"""The chat app (Gradio): ask about the article, read the cited passages under each answer.

Run ``python ui.py`` or ``assistant serve``. It binds 127.0.0.1 unless
``ASSISTANT_HOST`` says otherwise.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterator
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from assistant import Answer, Assistant, AssistantError

EXAMPLES = [
    "What does a COO do?",
    "What are the key responsibilities of an operations manager?",
    "Which role has more decision-making authority?",
    "How do the two roles work together?",
]


def render(reply: Answer) -> str:
    """An answer as chat Markdown: the text, then each cited passage, quoted.

    While a model is still writing, the sentence not yet checked against the
    sources is shown faded after the checked text.
    """
    if reply.pending:
        faded = f'<span style="opacity:0.5">{html.escape(reply.pending)}</span>'
        return f"{reply.text} {faded}".strip()
    if reply.refused or not reply.citations:
        return reply.text
    sources = "\n\n".join(
        f"**[{c.marker}]** *{c.section}* · `{c.source}`\n\n> " + "\n> ".join(c.quote.splitlines())
        for c in reply.citations
    )
    return f"{reply.text}\n\n---\n**Sources**\n\n{sources}"


def build_app(bot: Assistant) -> gr.Blocks:
    """The Gradio Blocks app around one :class:`Assistant`."""

    def respond(message: str, history: list[dict[str, Any]]) -> Iterator[str]:
        try:
            for snapshot in bot.stream(message, history):
                yield render(snapshot)
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from exc

    backend = bot.backend
    model = getattr(bot.chat_model, "model_name", None) if backend != "extractive" else None
    answering = f"{backend} ({model})" if model else "extractive (quotes, no language model)"
    with gr.Blocks(title="Article assistant") as app:
        gr.Markdown(
            "## Ask the article\n"
            "Answers quote the article and cite each passage they rest on; "
            "when the article does not cover a question, the assistant says so.\n\n"
            f"Answering: **{answering}**"
        )
        gr.ChatInterface(
            respond,
            chatbot=gr.Chatbot(height=520, placeholder="Ask a question about the article."),
            examples=EXAMPLES,
            run_examples_on_click=True,
            concurrency_limit=bot.settings.concurrency_limit,
            api_name="chat",
            fill_height=True,
        )
    return app


def launch(bot: Assistant | None = None, **overrides: Any) -> None:
    """Build the index if needed, then serve the app (blocking)."""
    bot = bot or Assistant(**overrides)
    settings = bot.settings.model_copy(update=overrides)
    bot.ensure_index()
    app = build_app(bot)
    app.queue(default_concurrency_limit=settings.concurrency_limit)
    app.launch(
        server_name=settings.host,
        server_port=settings.port,
        show_error=True,
        inbrowser=False,
    )


if __name__ == "__main__":
    launch()
