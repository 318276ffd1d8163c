"""The entailment model: does a cited unit say what a generated sentence says?

A cross-encoder fine-tuned from the bundled MiniLM by ``assistant train-entailment``
(no weights ship yet: see ``docs/evaluation/verifier.md``), run like the reader: ONNX Runtime,
int8, the bundled tokenizer, no torch and no network. It reads the claim first,
then the unit with its setting (:func:`assistant.models.reader.reader.reader_text`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from assistant.asking.candidates import Candidate
from assistant.errors import BackendNotInstalledError
from assistant.models.reader.reader import Reader, reader_text
from assistant.models.reader.weights import WEIGHTS


def shipped_folder() -> Path:
    """The folder of the entailment model that ships with the package."""
    return Path(str(resources.files("assistant.models.entailment").joinpath("shipped")))


class EntailmentModel:
    """Probabilities that units entail a claim, in one batch; loaded on first use."""

    def __init__(self, cache_dir: Path, *, folder: Path | None = None, int8: bool = True) -> None:
        folder = folder or shipped_folder()
        if not (folder / WEIGHTS).exists():
            raise BackendNotInstalledError(
                f"ASSISTANT_ENTAILMENT is on but there is no entailment model in {folder}: "
                "train one with `assistant train-entailment --out DIR` and set "
                "ASSISTANT_ENTAILMENT_PATH=DIR, or turn ASSISTANT_ENTAILMENT off."
            )
        self._model = Reader(cache_dir, folder=folder, int8=int8)

    def load(self) -> None:
        """Read the weights now (exporting them to ONNX the first time on this machine)."""
        self._model.load()

    def probabilities(self, claim: str, premises: list[str]) -> np.ndarray:
        """The probability that each premise entails ``claim``."""
        logits = self._model.logits(claim, premises)
        return 1.0 / (1.0 + np.exp(-logits.astype(np.float64)))

    def entails(self, claim: str, candidates: list[Candidate]) -> np.ndarray:
        """The probability that each unit (read with its setting) entails ``claim``."""
        return self.probabilities(claim, [reader_text(c) for c in candidates])
