"""Where everything is on the chat page: the chat, its sources, documents and settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.answerers.backends import installed
from assistant.app.handlers import ChatApp
from assistant.app.status import (
    asked_of,
    documents_text,
    status_text,
    title_text,
    uploaded_documents,
)
from assistant.documents.formats import SUPPORTED_SUFFIXES, listed_suffixes

EXAMPLES = [
    "Summarize the article",
    "What does a COO do?",
    "What are the key responsibilities of an operations manager?",
    "Which role has more decision-making authority?",
    "How do the two roles work together?",
]


@dataclass
class Page:
    chatbot: Any
    question: Any
    ask: Any
    clear: Any
    export: Any
    examples: Any
    sources: Any
    upload: Any
    add: Any
    upload_status: Any
    documents: Any
    removable: Any
    remove: Any
    confirm_row: Any
    confirm_text: Any
    confirm: Any
    cancel: Any
    status: Any
    backend: Any
    top_k: Any
    show_scores: Any
    who: Any
    sign_out: Any
    title: Any


def layout(app: ChatApp) -> Page:
    bot = app.bot
    named = asked_of(bot)
    with gr.Row(equal_height=True, elem_id="header"):
        title = gr.Markdown(title_text(named), elem_id="title")
        with gr.Column(min_width=240):
            status = gr.Markdown(status_text(bot), elem_id="status")
            # Filled in on load: only a signed-in visitor has a name to show.
            with gr.Row(elem_id="who-row"):
                who = gr.Markdown(elem_id="who")
                sign_out = gr.Button(
                    "Sign out", elem_id="sign-out", size="sm", visible=False, scale=0
                )
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            chatbot = gr.Chatbot(
                elem_id="chat",
                height=540,
                show_label=False,
                buttons=["copy", "copy_all"],
                placeholder=f"Ask about {named}. Answers cite the passages they quote.",
                feedback_options=None,
            )
            with gr.Row():
                question = gr.Textbox(
                    placeholder=f"Ask about {named}…",
                    show_label=False,
                    scale=6,
                    autofocus=True,
                    elem_id="question",
                )
                ask = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ask")
            with gr.Row():
                clear = gr.Button("Clear conversation", size="sm", elem_id="clear")
                export = gr.DownloadButton(
                    "Export as Markdown", size="sm", interactive=False, elem_id="export"
                )
            examples = gr.Examples(EXAMPLES, inputs=question, label="Try")
        with gr.Column(scale=2, min_width=320), gr.Tabs():
            with gr.Tab("Sources", elem_id="sources-tab"):
                sources = gr.HTML(app.sources(None, 0), elem_id="sources")
            with gr.Tab("Documents", elem_id="documents-tab"):
                upload = gr.File(
                    label=f"Add documents ({listed_suffixes('')})",
                    file_count="multiple",
                    file_types=sorted(SUPPORTED_SUFFIXES),
                    elem_id="upload",
                )
                add = gr.Button("Add to corpus", elem_id="add")
                upload_status = gr.Markdown(elem_id="upload-status")
                documents = gr.Markdown(documents_text(bot), elem_id="documents")
                uploads = uploaded_documents(bot)
                removable = gr.Dropdown(
                    uploads,
                    value=uploads[0] if uploads else None,
                    label="Uploaded documents",
                    elem_id="removable",
                )
                remove = gr.Button(
                    "Remove this document…",
                    size="sm",
                    elem_id="remove",
                    interactive=bool(uploads),  # enabled only with something to remove
                )
                # The question on a line of its own, full width, its buttons below it.
                with gr.Column(visible=False, elem_id="confirm-row") as confirm_row:
                    confirm_text = gr.Markdown(elem_id="confirm-text")
                    with gr.Row():
                        confirm = gr.Button("Remove", variant="stop", size="sm", elem_id="confirm")
                        cancel = gr.Button("Cancel", size="sm", elem_id="cancel")
            with gr.Tab("Settings", elem_id="settings-tab"):
                # Only what the operator enabled and this machine has installed.
                offered = [b for b in bot.settings.enabled_backends if installed(b)]
                offered = offered or ["extractive"]
                backend = gr.Dropdown(
                    offered,
                    value=bot.backend if bot.backend in offered else offered[0],
                    label="Answering backend",
                    elem_id="backend",
                )
                top_k = gr.Slider(
                    1,
                    10,
                    value=bot.settings.top_k,
                    step=1,
                    label="Passages retrieved",
                    elem_id="top-k",
                )
                show_scores = gr.Checkbox(
                    False, label="Show retrieval scores", elem_id="show-scores"
                )
    return Page(
        chatbot,
        question,
        ask,
        clear,
        export,
        examples,
        sources,
        upload,
        add,
        upload_status,
        documents,
        removable,
        remove,
        confirm_row,
        confirm_text,
        confirm,
        cancel,
        status,
        backend,
        top_k,
        show_scores,
        who,
        sign_out,
        title,
    )
