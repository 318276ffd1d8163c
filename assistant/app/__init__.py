"""The chat app (Gradio): ask the corpus, check every answer against its sources.

``python ui.py`` or ``assistant serve`` runs it. The page has the chat on the left
and, on the right, the cited passages highlighted in their document, the corpus
(with uploads) and the answering settings.

- ``status.py``: the status line and the corpus list, as a visitor sees them;
- ``handlers.py``: what the page does (:class:`~assistant.app.handlers.ChatApp`);
- ``layout.py``: where everything is on the page;
- ``style.css``: how it looks, on top of Gradio's theme;
- ``launch.py``: the app put together, sign-in and the server's guards.
"""

from __future__ import annotations

import os

# Before Gradio is first imported by a module of this package.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
