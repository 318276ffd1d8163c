"""What the chat page does: answer, show sources, export, take uploads and removals."""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api import Assistant
from assistant.app.status import (
    asked_of,
    documents_text,
    removable_choices,
    status_text,
    title_text,
)
from assistant.common.escape import markdown_text
from assistant.display.render import Turn, chat_markdown, conversation_markdown, sources_html
from assistant.documents.access import EVERYONE, Viewer
from assistant.documents.formats import listed_suffixes
from assistant.errors import AssistantError
from assistant.serving.accounts import Accounts
from assistant.serving.exports import EXPORT_PREFIX, ExportOwners
from assistant.serving.quota import SlidingQuota
from assistant.serving.upload_quota import account_visitor


def toast_text(message: str) -> str:
    """A message for a toast, which shows Markdown's marks as they are: `x` becomes “x”."""
    return re.sub(r"`([^`]+)`", r"“\1”", message)


def _visitor(request: gr.Request | None) -> str:
    """Who is uploading: the sign-in name, else the client's address."""
    if request is None:
        return ""
    name = getattr(request, "username", None)
    client = getattr(request, "client", None)
    # One account is one visitor, however its name is typed at the sign-in.
    return account_visitor(name) if name else f"address:{getattr(client, 'host', '')}"


UPLOAD_CACHE_SECONDS = 3600
"""How often, and after how long, Gradio's copies of uploaded files are deleted."""
QUEUED = "Queued for indexing: answers will use it shortly."
"""What an upload says when the ingestion worker indexes it (ASSISTANT_QUEUE_URL)."""
KEPT_EXPORTS = 200
"""Conversation exports kept on disk (a download link older than this has expired)."""


class ChatApp:
    """What the page does: answer, show sources, export, take uploads."""

    def __init__(
        self,
        bot: Assistant,
        accounts: Accounts | None = None,
        export_owners: ExportOwners | None = None,
    ) -> None:
        self.bot = bot
        self.accounts = accounts
        self.export_dir = Path(tempfile.mkdtemp(prefix="assistant-export-"))
        self.export_owners = export_owners or ExportOwners()
        self.quota = SlidingQuota(bot.settings.uploads_per_hour)

    def prune_exports(self) -> None:
        """Keep the newest :data:`KEPT_EXPORTS` exports: each answer writes one, and a busy
        server would otherwise fill its disk with them."""
        files = sorted(
            self.export_dir.glob(f"{EXPORT_PREFIX}*.md"), key=lambda p: p.stat().st_mtime
        )
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
            # An empty or long question, a backend not installed: a toast shows text as it
            # is, so the message's `code` marks become quotes.
            gr.Warning(toast_text(str(exc)))
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
        turns = [*turns, Turn(question, final, typed=message)]
        export = self.export_dir / f"{EXPORT_PREFIX}{uuid.uuid4().hex}.md"
        export.write_text(conversation_markdown(turns, show_scores=show_scores), encoding="utf-8")
        name = getattr(request, "username", None)
        if name:  # served to this account only (OwnExports)
            self.export_owners.record(export.name, account_visitor(name))
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
                f"No file is chosen: drop {listed_suffixes('or')} files above, then click "
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
            lines.extend(f"Not searchable: {markdown_text(s.reason)}" for s in sync.skipped)
        elif result.stored or result.unindexed:
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
            return gr.update(visible=False), "Choose an uploaded document to remove."
        question = (
            f"Remove **{markdown_text(source)}**? Its file is deleted and its passages leave "
            "the index; answers will no longer cite it."
        )
        return gr.update(visible=True), question

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
        return (gr.update(visible=False), message, *self.listing(viewer))

    def listing(self, viewer: Viewer) -> tuple[str, str, Any]:
        """The corpus list, the status line and the removable uploads, as ``viewer`` sees them."""
        documents = documents_text(self.bot, viewer)
        return documents, status_text(self.bot, None, viewer), removable_choices(self.bot, viewer)

    def status(self, backend: str, request: gr.Request | None = None) -> str:
        """The status line for ``backend``, as the visitor sees the corpus."""
        return status_text(self.bot, backend, self.viewer(request))

    def refresh(self, request: gr.Request | None = None) -> tuple[Any, ...]:
        """The status line, the corpus list, the removable uploads, who is signed in, and the
        title and placeholders naming what this visitor asks about."""
        viewer = self.viewer(request)
        documents, status, removable = self.listing(viewer)
        named = asked_of(self.bot, viewer)
        return (
            status,
            documents,
            removable,
            self.who(request),
            gr.Button(visible=bool(self.who(request))),
            title_text(named),
            gr.Textbox(placeholder=f"Ask about {named}…"),
        )

    def who(self, request: gr.Request | None) -> str:
        """ "Signed in as …"; empty without sign-in (the sign-out button shows beside it)."""
        name = getattr(request, "username", None) if request is not None else None
        if not name:
            return ""
        return f"Signed in as **{markdown_text(str(name))}**"

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
