"""The reader: reads a question beside each of its best candidate units, says which answer.

A cross-encoder fine-tuned from the bundled MiniLM (:mod:`assistant.models.reader.weights`),
run by ONNX Runtime (int8) with the bundled tokenizer, so answering needs
neither torch nor a network. It scores only the few units retrieval ranks
highest, in one batch; its logits are features of the learned scorer, which
makes the one answer-or-refuse decision.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np

from assistant.asking.candidates import Candidate
from assistant.models.reader.text import unit_text
from assistant.models.reader.weights import ReaderModelError, base_path, export, read_files

log = logging.getLogger("assistant")


def reader_text(candidate: Candidate) -> str:
    """The unit as the reader reads it: its text, then its title, section, lead-in and the
    unit before (the same shape as in training)."""
    chunk, index = candidate.chunk, candidate.index
    leadin = chunk.leadin_text() if candidate.unit.kind == "item" else ""
    before = chunk.unit_text(chunk.units[index - 1]) if index > 0 else ""
    if before == leadin:
        before = ""
    return unit_text(
        candidate.text, title=chunk.title, section=chunk.section, leadin=leadin, before=before
    )


def read_together(candidates: list[Candidate]) -> str:
    """Several units read as one, in the same shape: their texts, then the first's title
    and section."""
    first = candidates[0]
    return unit_text(
        " ".join(c.text for c in candidates), title=first.chunk.title, section=first.chunk.section
    )


class Reader:
    """The shipped (or a given) reader, exported to ONNX on first use and kept loaded."""

    def __init__(
        self, cache_dir: Path, *, folder: Path | None = None, threads: int = 0, int8: bool = True
    ) -> None:
        self.cache_dir = cache_dir
        self.folder = folder
        self.threads = threads
        self.int8 = int8
        self._session: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self._session is not None

    def load(self) -> None:
        """Read the weights (exporting them to ONNX the first time on this machine)."""
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            files = read_files(self.folder)
            model_file = export(files, self.cache_dir, quantize=self.int8)
            tokenizer = Tokenizer.from_file(str(base_path() / "tokenizer.json"))
            tokenizer.enable_truncation(files.max_length, strategy="longest_first")
            tokenizer.enable_padding()
            ort.disable_telemetry_events()  # no usage events leave the machine
            options = ort.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.log_severity_level = 3
            try:
                session = ort.InferenceSession(
                    str(model_file), options, providers=["CPUExecutionProvider"]
                )
            except Exception as exc:  # a damaged export: made again on the next load
                model_file.unlink(missing_ok=True)
                raise ReaderModelError(
                    f"The reader's ONNX export {model_file} could not be loaded ({exc}); "
                    "it was removed and is made again on the next start."
                ) from exc
            self._tokenizer = tokenizer
            self._session = session

    def logits(self, question: str, texts: list[str]) -> np.ndarray:
        """The reader's log-odds that each text answers ``question``, in one batch."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        self.load()
        with self._lock:  # the tokenizer's padding settings are shared state
            encoded = self._tokenizer.encode_batch([(question, t) for t in texts])
        feeds = {
            "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
        }
        return np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)

    def score(self, question: str, candidates: list[Candidate]) -> np.ndarray:
        """Log-odds for each candidate unit."""
        return self.logits(question, [reader_text(c) for c in candidates])
