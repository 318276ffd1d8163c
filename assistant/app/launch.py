"""The chat app put together: the page's events, sign-in, the queue and the server's guards."""

from __future__ import annotations

from importlib import resources
from typing import Any

import gradio as gr
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from assistant.api import Assistant
from assistant.app.handlers import UPLOAD_CACHE_SECONDS, ChatApp
from assistant.app.layout import layout
from assistant.errors import AccountError, AssistantError
from assistant.serving.accounts import Accounts
from assistant.serving.exports import ExportOwners, OwnExports
from assistant.serving.guards import BodyLimit, KnownEndpoints, QueueShare, allowed_hosts
from assistant.serving.signin import RedisFailures, SignIn, SignInThrottle, SignOutEverySpelling
from assistant.serving.upload_quota import UploadQuota

THEME = gr.themes.Soft(primary_hue="indigo", neutral_hue="slate")
CSS = resources.files(__package__ or "").joinpath("style.css").read_text(encoding="utf-8")


def build_app(
    bot: Assistant, accounts: Accounts | None = None, export_owners: ExportOwners | None = None
) -> gr.Blocks:
    """The Gradio Blocks app around one :class:`Assistant` (with its sign-in ``accounts``;
    ``export_owners`` records who made each conversation export, for :class:`OwnExports`)."""
    app = ChatApp(bot, accounts, export_owners)
    # Gradio keeps every uploaded file in its cache folder; once a file is in the
    # corpus (or refused) the copy is of no use: delete copies older than an hour.
    with gr.Blocks(title="Article assistant", delete_cache=(UPLOAD_CACHE_SECONDS,) * 2) as blocks:
        turns = gr.State([])
        page = layout(app)
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
        page.cancel.click(lambda: gr.update(visible=False), None, page.confirm_row, **private)
        # "Remove this document…" only when there is a document to remove.
        page.removable.change(
            lambda chosen: gr.Button(interactive=bool(chosen)),
            page.removable,
            page.remove,
            **private,
        )
        page.backend.change(app.status, page.backend, page.status, **private)
        # Another visitor may have added documents since the page was built.
        loaded = [
            page.status,
            page.documents,
            page.removable,
            page.who,
            page.sign_out,
            page.title,
            page.question,
        ]
        blocks.load(app.refresh, None, loaded, **private)
        # In this tab (a link in Markdown would open a new one): /logout ends every session
        # of the account (SignOutEverySpelling) and brings the sign-in page back.
        page.sign_out.click(None, None, None, js="() => { window.location.assign('logout'); }")
        gr.api(app.api_chat, api_name="chat", concurrency_limit=limit)
    return blocks


def _removable_now(chosen: str | None) -> Any:
    return gr.Button(interactive=bool(chosen))


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
    export_owners = ExportOwners()
    blocks = build_app(bot, accounts, export_owners)
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
        # Gradio awaits a coroutine function (its /login), so hashing leaves the loop.
        auth=signin.check if signin is not None else None,  # type: ignore[arg-type]
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
                Middleware(
                    UploadQuota,
                    max_bytes=settings.upload_bytes_per_hour,
                    max_files=settings.uploads_per_hour,
                    queue_url=settings.queue_url,
                ),
                Middleware(
                    SignInThrottle,
                    max_failures=settings.auth_address_failures,
                    max_attempts=settings.auth_attempts_per_minute,
                ),
                Middleware(QueueShare, limit=settings.client_queue_share),
                Middleware(SignOutEverySpelling),
                Middleware(OwnExports, owners=export_owners),
                Middleware(
                    KnownEndpoints,
                    names=[f.api_name for f in blocks.fns.values() if isinstance(f.api_name, str)],
                ),
            ]
        },
    )
    where = "127.0.0.1" if settings.host in {"0.0.0.0", "::"} else settings.host
    print(f"The chat is at http://{where}:{blocks.server_port}/ (Ctrl+C stops it).", flush=True)
    blocks.block_thread()
