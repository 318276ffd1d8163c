"""The chat app (Gradio): ask the article, check every answer against its sources.

Run ``python ui.py`` or ``assistant serve``. It binds 127.0.0.1 unless
``ASSISTANT_HOST`` says otherwise. The app itself lives in the package
(``assistant/app/``); this file only starts it.
"""

from __future__ import annotations

from assistant.app.launch import build_app, launch
from assistant.errors import AssistantError

__all__ = ["build_app", "launch"]

if __name__ == "__main__":
    try:
        launch()
    except AssistantError as exc:  # a message for people, not a traceback
        raise SystemExit(f"Error: {exc}") from None
