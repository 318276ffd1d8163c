"""The trained models, one folder each: what the pipeline's stages learn from data.

Each model's folder holds everything about it, as sentence-transformers keeps its
``cross_encoder/``: its inference (imported by the stage that uses it), the
builder of its training data (``data*.py``), its training (``training*.py``),
its own evaluation (``evaluation*.py``), its command (``command.py``, found and
added to the ``assistant`` command line by :func:`model_commands`) and what
ships in ``shipped/``: its weights and its card.

- ``scorer/``: does a passage answer the question, and does the corpus answer it at all;
- ``requests/``: what a message asks for (a question, a summary, a move, ...);
- ``reader/``: a cross-encoder reading a question beside each candidate unit;
- ``entailment/``: does a cited unit say what a generated sentence says.

Beside them, shared once: the model-file loader (``files.py``), the public
training data (``public_data.py``), the cross-encoder trainer (``trainer.py``)
and WordNet (``wordnet.py``). Inference never imports training: the architecture
test holds every ``data*``, ``training*``, ``evaluation*``, ``command`` and
``report`` module, and the trainer and WordNet, to the training stage.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from typing import Any


def model_commands() -> list[Any]:
    """The command-line commands of every model folder that has a ``command.py``."""
    commands: list[Any] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        name = f"{__name__}.{info.name}.command"
        if info.ispkg and importlib.util.find_spec(name) is not None:
            commands.extend(importlib.import_module(name).COMMANDS)
    return commands
