"""The chat app (Gradio): ask the article, check every answer against its sources.

Run ``python ui.py`` or ``assistant serve``. It binds 127.0.0.1 unless
``ASSISTANT_HOST`` says otherwise. The page has the chat on the left and, on the
right, the cited passages highlighted in their document, the corpus (with
uploads) and the answering settings.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from assistant import Assistant, AssistantError
from assistant.common.escape import markdown_text
from assistant.common.text import plural
from assistant.display.render import Turn, chat_markdown, conversation_markdown, sources_html
from assistant.documents.access import EVERYONE, Viewer
from assistant.documents.formats import SUPPORTED_SUFFIXES
from assistant.errors import AccountError
from assistant.serving.accounts import Accounts, account_key
from assistant.serving.guards import BodyLimit, QueueShare, allowed_hosts
from assistant.serving.quota import SlidingQuota
from assistant.serving.signin import RedisFailures, RefusedSignInIs401, SignIn, SignInThrottle

EXAMPLES = [
    "Summarize the article",
    "What does a COO do?",
    "What are the key responsibilities of an operations manager?",
    "Which role has more decision-making authority?",
    "How do the two roles work together?",
]
THEME = gr.themes.Soft(primary_hue="indigo", neutral_hue="slate")
CSS = """
.pending { opacity: 0.5; }
/* The chat's toolbar floats over the messages by default: give it its own row. */
#chat .wrapper { display: flex; flex-direction: column; }
#chat .top-panel { position: static; align-self: flex-end; }
#chat .bubble-wrap { flex: 1 1 auto; min-height: 0; }
/* Toasts at the bottom right, clear of the status line at the top. */
.toast-wrap { top: auto !important; bottom: var(--size-4); }
.dropped { opacity: 0.75; font-size: 0.9em; }
.notice { color: #9a6700; }
#status { text-align: right; }
#status p { margin: 0.2em 0; }
.sources { max-height: 68vh; overflow-y: auto; font-size: 0.93em; }
.sources-empty { color: var(--body-text-color-subdued); padding: 1em 0.5em; }
.source { margin-bottom: 1.2em; }
.source-title { font-weight: 600; margin-bottom: 0.3em; }
.source-file { font-weight: 400; color: var(--body-text-color-subdued); font-size: 0.85em; }
.excerpt { white-space: pre-wrap; line-height: 1.55; padding: 0.4em 0.7em; margin: 0.4em 0;
           border-left: 3px solid var(--border-color-primary); }
.excerpt .heading { font-weight: 700; }
.sources mark { background: #fde68a; color: #1f2937; padding: 0 2px; border-radius: 3px; }
.sources mark:target { background: #fbbf24; outline: 2px solid #d97706; }
.sources mark sup { color: #92400e; font-weight: 600; margin-right: 2px; }
.where { color: var(--body-text-color-subdued); font-size: 0.85em; margin: 0.1em 0; }
.cite-link { text-decoration: none; font-weight: 600; }
@media (max-width: 820px) {
  #status { text-align: left; }
  .sources { max-height: none; }
  /* On a phone the page scrolls, not a box inside it: the chat grows with its answers. */
  #chat { height: auto !important; max-height: none !important; min-height: 360px; }
  #chat .wrapper, #chat .bubble-wrap { height: auto !important; max-height: none !important;
                                       overflow: visible !important; }
}
"""


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
    except AssistantError as exc:
        return f"⚠️ {exc}"
    if not sources:
        return "The corpus is empty."
    lines = [
        f"- {markdown_text(source)} · {plural(chunks, 'passage')}"
        for source, chunks in sources.items()
    ]
    return "**In the corpus**\n\n" + "\n".join(lines)


def uploaded_documents(bot: Assistant, viewer: Viewer = EVERYONE) -> list[str]:
    """The uploads ``viewer`` may remove in the Documents tab."""
    try:
        return bot.library.removable(viewer)
    except AssistantError:
        return []


def _removable(bot: Assistant, viewer: Viewer = EVERYONE) -> Any:
    choices = uploaded_documents(bot, viewer)
    return gr.Dropdown(choices=choices, value=choices[0] if choices else None)


def _visitor(request: gr.Request | None) -> str:
    """Who is uploading: the sign-in name, else the client's address."""
    if request is None:
        return ""
    name = getattr(request, "username", None)
    client = getattr(request, "client", None)
    # One account is one visitor, however its name is typed at the sign-in.
    return f"user:{account_key(name)}" if name else f"address:{getattr(client, 'host', '')}"


UPLOAD_CACHE_SECONDS = 3600
"""How often, and after how long, Gradio's copies of uploaded files are deleted."""
QUEUED = "Queued for indexing: answers will use it in a few seconds."
"""What an upload says when the ingestion worker indexes it (ASSISTANT_QUEUE_URL)."""
KEPT_EXPORTS = 200
"""Conversation exports kept on disk (a download link older than this has expired)."""


class ChatApp:
    """What the page does: answer, show sources, export, take uploads."""

    def __init__(self, bot: Assistant, accounts: Accounts | None = None) -> None:
        self.bot = bot
        self.accounts = accounts
        self.export_dir = Path(tempfile.mkdtemp(prefix="assistant-export-"))
        self.quota = SlidingQuota(bot.settings.uploads_per_hour)

    def prune_exports(self) -> None:
        """Keep the newest :data:`KEPT_EXPORTS` exports: each answer writes one, and a busy
        server would otherwise fill its disk with them."""
        files = sorted(self.export_dir.glob("conversation-*.md"), key=lambda p: p.stat().st_mtime)
        for old in files[:-KEPT_EXPORTS]:
            old.unlink(missing_ok=True)

    def viewer(self, request: gr.Request | None) -> Viewer:
        """Who a request is from: their account when there are accounts, else the machine's user.

        A name signed in without an account here (the accounts changed since) sees
        only the shared corpus and uploads nothing shared.
        """
        name = getattr(request, "username", None) if request is not None else None
        if self.accounts is None or not name:
            return EVERYONE
        account = self.accounts.get(name)
        return account.viewer if account is not None else Viewer(name, "user")

    def sources(
        self, answer: Any, turn: int, show_scores: bool = False, viewer: Viewer = EVERYONE
    ) -> str:
        return sources_html(
            answer,
            turn=turn,
            document_text=lambda source: self.bot.document_text(source, viewer),
            show_scores=show_scores,
        )

    def respond(  # noqa: PLR0917 - Gradio passes the inputs positionally
        self,
        message: str,
        chat: list[dict[str, Any]],
        turns: list[Turn],
        backend: str,
        top_k: float,
        show_scores: bool,
        request: gr.Request | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat; then the sources panel and the export."""
        keep = gr.skip()
        viewer = self.viewer(request)
        try:
            self.bot.answerer(backend)
            question = self.bot.validate_question(message)
        except AssistantError as exc:
            gr.Warning(str(exc))  # an empty or long question, a backend not installed
            yield chat, keep, message, turns, keep
            return
        turn = len(turns)
        # The visitor's own words are shown as typed: never as HTML or Markdown.
        shown = {"role": "user", "content": markdown_text(message)}
        chat = [*chat, shown, {"role": "assistant", "content": ""}]
        history = [(t.question, t.answer.text) for t in turns]
        final = None
        try:
            for final in self.bot.stream(
                question, history, top_k=int(top_k), backend=backend, viewer=viewer
            ):
                content = chat_markdown(final, turn=turn, show_scores=show_scores)
                chat[-1] = {"role": "assistant", "content": content}
                yield chat, keep, "", turns, keep
        except AssistantError as exc:  # the endpoint is down, the index went away, ...
            chat[-1] = {"role": "assistant", "content": f"⚠️ {exc}"}
            yield chat, keep, "", turns, keep
            return
        assert final is not None
        turns = [*turns, Turn(question, final)]
        export = self.export_dir / f"conversation-{uuid.uuid4().hex[:8]}.md"
        export.write_text(conversation_markdown(turns, show_scores=show_scores), encoding="utf-8")
        self.prune_exports()
        download = gr.DownloadButton(value=str(export), interactive=True)
        yield chat, self.sources(final, turn, show_scores, viewer), "", turns, download

    def rescore(
        self, turns: list[Turn], show_scores: bool, request: gr.Request | None = None
    ) -> str:
        """Redraw the sources panel with or without retrieval scores."""
        last = turns[-1].answer if turns else None
        return self.sources(last, len(turns) - 1, show_scores, self.viewer(request))

    def clear(self) -> tuple[Any, ...]:
        """Forget the conversation."""
        empty_export = gr.DownloadButton(value=None, interactive=False)
        return [], self.sources(None, 0), [], empty_export

    def add_files(
        self,
        files: list[Any] | None,
        request: gr.Request | None = None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - how Gradio injects progress
    ) -> tuple[Any, ...]:
        """Check, store and index uploaded files, with a progress bar."""
        viewer = self.viewer(request)
        if not files:
            message = (
                "No file is chosen: drop .md, .txt, .html or .pdf files above, then click "
                "**Add to corpus**."
            )
            documents, status, removable = self.listing(viewer)
            return message, documents, status, None, removable
        granted = self.quota.take(_visitor(request), len(files))
        refused = ""
        if granted < len(files):
            refused = (
                f"⚠️ {len(files) - granted} of these files were not added: a visitor may upload "
                f"{self.quota.limit} files an hour (ASSISTANT_UPLOADS_PER_HOUR). "
                "Try again later."
            )
            if not granted:
                return refused, *self.listing(viewer)[:2], None, gr.skip()
            files = files[:granted]
        # Gradio keeps each upload in a temporary folder under its original name; the
        # name only picks a type and a slug, it is never used as a path of ours.
        pairs = [(Path(str(f)).name, Path(str(f))) for f in files]

        def report(done: int, total: int) -> None:
            progress(done / max(total, 1), desc=f"Indexing: {done} of {total} passages embedded")

        try:
            result, sync = self.bot.add_documents(pairs, progress=report, viewer=viewer)
        except AssistantError as exc:
            message = f"⚠️ {markdown_text(str(exc))}"
            return message, *self.listing(viewer)[:2], None, gr.skip()
        # File names are the visitor's: shown as text, each outcome on a line of its own.
        lines = [markdown_text(line) for line in result.summary().splitlines()]
        if sync is not None:
            lines.append(f"Index updated: {markdown_text(sync.summary())}")
        elif result.stored:
            lines.append(QUEUED)
        if refused:
            lines.append(refused)
        if result.stored and viewer.upload_folder != EVERYONE.upload_folder:
            lines.append("Your uploads are private: they are listed to and quoted for you alone.")
        documents, status, removable = self.listing(viewer)
        return "\n\n".join(lines), documents, status, None, removable

    def ask_removal(self, source: str | None) -> tuple[Any, Any]:
        """Show the confirmation for removing ``source`` (nothing happens yet)."""
        if not source:
            return gr.Row(visible=False), "Choose an uploaded document to remove."
        question = (
            f"Remove **{markdown_text(source)}**? Its file is deleted and its passages leave "
            "the index; answers will no longer cite it."
        )
        return gr.Row(visible=True), question

    def remove(self, source: str | None, request: gr.Request | None = None) -> tuple[Any, ...]:
        """Remove a confirmed upload (one the visitor may remove) from the corpus and the index."""
        viewer = self.viewer(request)
        if not source:
            message = "Choose an uploaded document to remove."
        else:
            try:
                sync = self.bot.remove_document(source, viewer=viewer)
                done = f"Index updated: {markdown_text(sync.summary())}" if sync else QUEUED
                message = f"Removed {markdown_text(source)}. {done}"
            except AssistantError as exc:
                message = f"⚠️ {markdown_text(str(exc))}"
        return (gr.Row(visible=False), message, *self.listing(viewer))

    def listing(self, viewer: Viewer) -> tuple[str, str, Any]:
        """The corpus list, the status line and the removable uploads, as ``viewer`` sees them."""
        documents = documents_text(self.bot, viewer)
        return documents, status_text(self.bot, None, viewer), _removable(self.bot, viewer)

    def status(self, backend: str, request: gr.Request | None = None) -> str:
        """The status line for ``backend``, as the visitor sees the corpus."""
        return status_text(self.bot, backend, self.viewer(request))

    def refresh(self, request: gr.Request | None = None) -> tuple[Any, ...]:
        """The status line, the corpus list and the removable uploads as they are now."""
        documents, status, removable = self.listing(self.viewer(request))
        return status, documents, removable

    def api_chat(
        self,
        message: str,
        history: list[dict[str, Any]] | None = None,
        backend: str | None = None,
        top_k: int | None = None,
        request: gr.Request | None = None,
    ) -> dict[str, Any]:
        """Answer one question for a program: the answer as data.

        ``history`` holds earlier turns as ``{"role", "content"}`` messages. The
        reply is :meth:`Answer.to_dict` (``text`` and each quote verbatim, for the
        caller to escape for its medium) plus ``markdown``, escaped and ready to render.
        """
        try:
            reply = self.bot.answer(
                message, history, top_k=top_k, backend=backend, viewer=self.viewer(request)
            )
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from exc
        return {**reply.to_dict(), "markdown": reply.markdown()}


@dataclass
class _Page:
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


def _layout(app: ChatApp) -> _Page:
    bot = app.bot
    with gr.Row(equal_height=True):
        gr.Markdown(
            "## Ask the article\nShort answers, quoted from the article, each with its source."
        )
        status = gr.Markdown(status_text(bot), elem_id="status")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            chatbot = gr.Chatbot(
                elem_id="chat",
                height=540,
                show_label=False,
                buttons=["copy", "copy_all"],
                placeholder="Ask about the article. Answers cite the passages they quote.",
                feedback_options=None,
            )
            with gr.Row():
                question = gr.Textbox(
                    placeholder="Ask about the article…",
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
                    label="Add documents (.md, .txt, .html, .pdf)",
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
                remove = gr.Button("Remove this document…", size="sm", elem_id="remove")
                with gr.Row(visible=False, elem_id="confirm-row") as confirm_row:
                    confirm_text = gr.Markdown(elem_id="confirm-text")
                    confirm = gr.Button("Remove", variant="stop", size="sm", elem_id="confirm")
                    cancel = gr.Button("Cancel", size="sm", elem_id="cancel")
            with gr.Tab("Settings", elem_id="settings-tab"):
                offered = bot.settings.enabled_backends  # only what the operator enabled
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
    return _Page(
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
    )


def build_app(bot: Assistant, accounts: Accounts | None = None) -> gr.Blocks:
    """The Gradio Blocks app around one :class:`Assistant` (with its sign-in ``accounts``)."""
    app = ChatApp(bot, accounts)
    # Gradio keeps every uploaded file in its cache folder; once a file is in the
    # corpus (or refused) the copy is of no use: delete copies older than an hour.
    with gr.Blocks(title="Article assistant", delete_cache=(UPLOAD_CACHE_SECONDS,) * 2) as blocks:
        turns = gr.State([])
        page = _layout(app)
        limit = bot.settings.concurrency_limit
        private: dict[str, Any] = {"api_visibility": "private"}
        inputs = [page.question, page.chatbot, turns, page.backend, page.top_k, page.show_scores]
        outputs = [page.chatbot, page.sources, page.question, turns, page.export]
        page.question.submit(app.respond, inputs, outputs, concurrency_limit=limit, **private)
        page.ask.click(app.respond, inputs, outputs, concurrency_limit=limit, **private)
        # An example asks its question, as if typed and sent.
        page.examples.load_input_event.then(
            app.respond, inputs, outputs, concurrency_limit=limit, **private
        )
        cleared = [page.chatbot, page.sources, turns, page.export]
        page.clear.click(app.clear, None, cleared, **private)
        # The chat's own trash icon clears everything too, not only what it shows.
        page.chatbot.clear(app.clear, None, cleared, **private)
        page.show_scores.change(app.rescore, [turns, page.show_scores], page.sources, **private)
        listing = [page.documents, page.status, page.removable]
        page.add.click(
            app.add_files,
            page.upload,
            [page.upload_status, page.documents, page.status, page.upload, page.removable],
            **private,
        )
        page.remove.click(
            app.ask_removal, page.removable, [page.confirm_row, page.confirm_text], **private
        )
        page.confirm.click(
            app.remove,
            page.removable,
            [page.confirm_row, page.upload_status, *listing],
            **private,
        )
        page.cancel.click(lambda: gr.Row(visible=False), None, page.confirm_row, **private)
        page.backend.change(app.status, page.backend, page.status, **private)
        # Another visitor may have added documents since the page was built.
        blocks.load(app.refresh, None, [page.status, page.documents, page.removable], **private)
        gr.api(app.api_chat, api_name="chat", concurrency_limit=limit)
    return blocks


def sign_in_accounts(settings: Any) -> Accounts | None:
    """Who may sign in: the users file's accounts, one shared account, or no sign-in."""
    if bool(settings.auth_username) != bool(settings.auth_password):
        raise AssistantError(
            "Set both ASSISTANT_AUTH_USERNAME and ASSISTANT_AUTH_PASSWORD to protect the app, "
            "or neither."
        )
    if settings.users_file is not None and settings.auth:
        raise AccountError(
            "Set ASSISTANT_USERS_FILE or ASSISTANT_AUTH_USERNAME, not both: the users file "
            "holds every account (`assistant users add NAME --admin`)."
        )
    if settings.users_file is not None:
        return Accounts.load(settings.users_file)
    return Accounts.single(*settings.auth) if settings.auth else None


def launch(bot: Assistant | None = None, **overrides: Any) -> None:
    """Build the index if needed, then serve the app (blocking)."""
    bot = bot or Assistant(**overrides)
    settings = bot.settings.model_copy(update=overrides)
    accounts = sign_in_accounts(settings)
    bot.ensure_index()
    blocks = build_app(bot, accounts)
    signin = (
        SignIn(
            accounts,
            free_attempts=settings.auth_free_attempts,
            first_delay=settings.auth_lockout_seconds,
            # Replicas sharing a job queue share the failures too.
            failures=RedisFailures(settings.queue_url) if settings.queue_url else None,
        )
        if accounts is not None
        else None
    )
    # A bounded queue: a flood of questions is told "busy" at once instead of making
    # everyone behind it wait minutes.
    blocks.queue(
        default_concurrency_limit=settings.concurrency_limit,
        max_size=settings.queue_max_size,
        api_open=False,  # no route around the queue (its size cap, its per-client share)
    )
    blocks.launch(
        server_name=settings.host,
        server_port=settings.port,
        # Our own errors reach visitors as gr.Error/gr.Warning messages; anything else
        # is shown as a plain "Error", never its text (paths, Python internals).
        show_error=False,
        inbrowser=False,
        max_file_size=settings.max_upload_bytes,
        auth=signin,
        auth_message="This assistant is protected: sign in to ask questions.",
        ssr_mode=False,
        theme=THEME,
        css=CSS,
        footer_links=["api", "gradio"],  # the app's own Settings tab is the only one
        quiet=True,  # no "share=True" hint: the app stays on this machine
        prevent_thread_lock=True,
        app_kwargs={
            "middleware": [
                # Outermost first: a foreign Host, then an oversized body, is refused
                # before anything reads the request.
                Middleware(
                    TrustedHostMiddleware,
                    allowed_hosts=allowed_hosts(settings.allowed_hosts, settings.host),
                ),
                Middleware(BodyLimit, max_bytes=settings.max_request_bytes),
                Middleware(SignInThrottle, max_failures=settings.auth_address_failures),
                Middleware(QueueShare, limit=settings.client_queue_share),
                Middleware(RefusedSignInIs401),
            ]
        },
    )
    where = "127.0.0.1" if settings.host in {"0.0.0.0", "::"} else settings.host
    print(f"The chat is at http://{where}:{blocks.server_port}/ (Ctrl+C stops it).", flush=True)
    blocks.block_thread()


if __name__ == "__main__":
    try:
        launch()
    except AssistantError as exc:  # a message for people, not a traceback
        raise SystemExit(f"Error: {exc}") from None
