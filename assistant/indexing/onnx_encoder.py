"""A fast path for the embedding model: the same weights, exported once to ONNX.

Importing sentence-transformers (with torch, transformers and scikit-learn)
takes about six seconds on two cores; the embedding it computes is a
transformer pass, mean pooling and normalisation. The first time the model is
loaded, that pass is exported to an ONNX file in the cache folder; from then
on a cold start needs only ``tokenizers`` and ``onnxruntime`` (a third of a
second) and gives the same vectors (they differ by about 1e-7). Models whose
pipeline is not transformer → mean pooling → normalise keep the torch path.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("assistant")

_EXPECTED_MODULES = [
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
]


def supported(model_dir: Path) -> bool:
    """Whether the model's pipeline is one this encoder reproduces exactly."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text())
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
    except (OSError, ValueError):
        return False
    types = [m.get("type") for m in modules]
    mean_only = pooling.get("pooling_mode_mean_tokens") and not any(
        pooling.get(k)
        for k in (
            "pooling_mode_cls_token",
            "pooling_mode_max_tokens",
            "pooling_mode_mean_sqrt_len_tokens",
        )
    )
    return types == _EXPECTED_MODULES and bool(mean_only)


def onnx_path(model_dir: Path, cache_dir: Path, name: str) -> Path:
    """Where the export of this model lives: named by the model and its weights' content,
    so every virtual environment holding the same weights shares one export."""
    weights = sorted(model_dir.glob("*.safetensors")) or sorted(model_dir.glob("*.bin"))
    digest = hashlib.sha256()
    for path in weights:
        size = path.stat().st_size
        digest.update(f"{path.name}:{size}".encode())
        with path.open("rb") as handle:  # both ends: cheap, and changes with the weights
            digest.update(handle.read(_SAMPLE))
            handle.seek(max(0, size - _SAMPLE))
            digest.update(handle.read(_SAMPLE))
    return cache_dir / f"encoder-{_slug(name)}-{digest.hexdigest()[:16]}.onnx"


def remove_stale(current: Path) -> None:
    """Delete earlier exports of the same model (other weights, older layouts)."""
    prefix = current.name.rsplit("-", 1)[0]
    for path in current.parent.glob("encoder-*.onnx"):
        old_layout = path.name.count("-") == 1  # encoder-<digest>.onnx, keyed by venv path
        if path != current and (path.name.startswith(f"{prefix}-") or old_layout):
            path.unlink(missing_ok=True)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


_SAMPLE = 1 << 20


def export(sentence_transformer: Any, target: Path) -> bool:
    """Export a loaded sentence-transformers model's transformer to ``target``; True if done."""
    try:
        import torch

        transformer = sentence_transformer[0].auto_model

        class _Pass(torch.nn.Module):
            def __init__(self, inner: Any) -> None:
                super().__init__()
                self.inner = inner

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                return self.inner(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                ).last_hidden_state

        names = ["input_ids", "attention_mask", "token_type_ids"]
        sample = torch.ones((1, 8), dtype=torch.long)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        # The exporter warns about indexing ops it translates; the equivalence is
        # checked by the tests against sentence-transformers itself.
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Pass(transformer).eval(),
                (sample, sample, torch.zeros_like(sample)),
                str(partial),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
                opset_version=17,
                dynamo=False,
            )
        partial.replace(target)
        return True
    except Exception as exc:  # the torch path keeps working; this is only a speed-up
        log.info("Could not export the embedding model to ONNX (%s); staying with torch.", exc)
        return False


class OnnxEncoder:
    """Mean-pooled, normalised transformer embeddings computed by onnxruntime."""

    def __init__(
        self, model_file: Path, tokenizer_file: Path, *, max_tokens: int, threads: int
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.enable_padding()
        ort.disable_telemetry_events()  # no usage events leave the machine
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(model_file), options, providers=["CPUExecutionProvider"]
        )
        self._lock = threading.Lock()  # the tokenizer's padding settings are shared state

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length embeddings, one row per text.

        Texts are tokenized once, sorted by length and run in batches of at most
        ``batch_size`` texts and :data:`BATCH_TOKENS` padded tokens: short
        sentences run many at a time, long passages a few, and nothing is padded
        to the longest text of the corpus. Rows come back in the order given.
        """
        with self._lock:
            encoded = self.tokenizer.encode_batch(texts)
        lengths = [sum(e.attention_mask) for e in encoded]
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        rows: list[np.ndarray] = []
        for batch in _batches(order, lengths, batch_size):
            width = lengths[batch[-1]]  # the longest: ``order`` is by length
            ids = np.array([encoded[i].ids[:width] for i in batch], dtype=np.int64)
            mask = np.array([encoded[i].attention_mask[:width] for i in batch], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self.session.run(None, feeds)[0]
            pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(
                mask.sum(axis=1, keepdims=True), 1
            )
            rows.append(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12))
        result = np.empty((len(texts), rows[0].shape[1]), dtype=np.float32)
        result[order] = np.concatenate(rows)
        return result


BATCH_TOKENS = 512
"""Padded tokens per ONNX run: measured fastest on 2 cores (larger batches spill caches)."""


def _batches(order: list[int], lengths: list[int], size: int) -> Iterator[list[int]]:
    """Consecutive runs of ``order`` within ``size`` texts and :data:`BATCH_TOKENS` tokens."""
    batch: list[int] = []
    width = 0
    for index in order:
        width = max(width, lengths[index])
        if batch and (len(batch) >= size or width * (len(batch) + 1) > BATCH_TOKENS):
            yield batch
            batch, width = [], lengths[index]
        batch.append(index)
    if batch:
        yield batch
