"""Driving the chat page in Chromium: the browser's settings and asking a question."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BOT = "#chat [data-testid='bot']"


def ask(page, question: str, answers: int) -> str:
    """Type a question, send it, wait for the ``answers``-th answer to finish; its text."""
    page.fill("#question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        f'document.querySelectorAll("{BOT}").length >= {answers}', timeout=120_000
    )
    page.wait_for_function(
        "!document.querySelector('#chat .pending') && "
        "document.querySelector('#question textarea').value === ''",
        timeout=120_000,
    )
    return page.locator(BOT).nth(answers - 1).inner_text()
