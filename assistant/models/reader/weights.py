"""The reader's weights: the bundled MiniLM plus what training changed, and their ONNX export.

What ships (``assistant/models/reader/shipped/``) is only the difference from the
bundled all-MiniLM-L6-v2 package: the kept transformer layers and the
one-logit head, in float16, with ``reader.json`` saying how many layers and
which base they fit. The word embeddings come from the package itself. On
first use the two are put together and exported to ONNX Runtime (and an int8
copy) in the cache folder, named by the shipped file's hash, so the export is
made once per machine and redone only when the weights change. Needs torch
only for that export (and for training).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError

log = logging.getLogger("assistant")
WEIGHTS = "reader.safetensors"
CONFIG = "reader.json"
BASE = "sentence-transformers/all-MiniLM-L6-v2"


class ReaderModelError(AssistantError):
    """The reader's weights are missing, damaged or for another base model."""


@dataclass(frozen=True)
class ReaderFiles:
    """Where the shipped difference is, and what it says about itself."""

    folder: Path
    layers: int
    max_length: int
    digest: str
    """SHA-256 of the weights file: names the export in the cache."""


def shipped_folder() -> Path:
    """The folder of the reader that ships with the package."""
    return Path(str(resources.files("assistant.models.reader").joinpath("shipped")))


def read_files(folder: Path | None = None) -> ReaderFiles:
    """The reader's files in ``folder`` (default: the shipped ones), checked."""
    folder = folder or shipped_folder()
    try:
        config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
        digest = hashlib.sha256((folder / WEIGHTS).read_bytes()).hexdigest()
        layers, max_length = int(config["layers"]), int(config["max_length"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReaderModelError(
            f"The reader's weights in {folder} cannot be read ({exc}). Reinstall the package "
            "or retrain them with `assistant train-reader`."
        ) from exc
    if config.get("base") != BASE:
        raise ReaderModelError(
            f"The reader in {folder} was trained from {config.get('base')!r}, not {BASE}."
        )
    return ReaderFiles(folder, layers, max_length, digest)


def base_path() -> Path:
    """The bundled MiniLM folder (the reader's embeddings and tokenizer)."""
    from assistant.indexing.embeddings import resolve_model

    return resolve_model(BASE)[1]


@contextmanager
def _quiet_loading() -> Iterator[None]:
    """Loading fewer layers than the checkpoint has is the point: no report of the rest."""
    from transformers.utils import logging as transformers_logging

    level = transformers_logging.get_verbosity()
    transformers_logging.set_verbosity_error()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        transformers_logging.set_verbosity(level)


HEAD = "head."
"""Names of the scoring head's parameters in the shipped file (the rest are MiniLM's)."""


def fresh_model(layers: int, max_length: int) -> Any:
    """A sentence-transformers ``CrossEncoder``: MiniLM's first ``layers`` layers, mean
    pooling over the pair's tokens, and a new linear head giving one logit.

    Mean pooling rather than MiniLM's [CLS] token: the bundled model was trained
    to be read through the mean, and its [CLS] vector is nearly the same for every
    input (a classifier on it stays at the prior).
    """
    from sentence_transformers.cross_encoder import CrossEncoder
    from sentence_transformers.cross_encoder.modules import Dense, Transformer
    from sentence_transformers.sentence_transformer.modules import Pooling

    with _quiet_loading():
        encoder = Transformer(
            str(base_path()),
            max_seq_length=max_length,
            config_kwargs={"num_hidden_layers": layers},
            transformer_task="feature-extraction",
        )
        width = encoder.get_embedding_dimension()
        head = Dense(
            width,
            1,
            activation_function=None,
            module_input_name="sentence_embedding",
            module_output_name="scores",
        )
        return CrossEncoder(modules=[encoder, Pooling(width, pooling_mode="mean"), head])


def save_difference(model: Any, out: Path, layers: int, max_length: int) -> None:
    """Write what training changed (the kept layers and the head) to ``out``, in float16."""
    from safetensors.torch import save_file

    changed = {
        name: tensor.detach().to("cpu").half().contiguous()
        for name, tensor in model[0].auto_model.state_dict().items()
        if not name.startswith("embeddings.")
    }
    changed.update(
        {
            HEAD + name: tensor.detach().to("cpu").half().contiguous()
            for name, tensor in model[2].linear.state_dict().items()
        }
    )
    out.mkdir(parents=True, exist_ok=True)
    save_file(changed, str(out / WEIGHTS))
    config = {"base": BASE, "layers": layers, "max_length": max_length, "format": 2}
    (out / CONFIG).write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")


def load_difference(model: Any, folder: Path) -> None:
    """Put a saved difference (:func:`save_difference`) into a :func:`fresh_model`."""
    head = _load_layers(model[0].auto_model, read_files(folder))
    model[2].linear.load_state_dict(head)


def _load_layers(encoder: Any, files: ReaderFiles) -> dict[str, Any]:
    """Load the difference's layers into ``encoder`` (checked); return the head's state."""
    from safetensors.torch import load_file

    difference = {k: v.float() for k, v in load_file(str(files.folder / WEIGHTS)).items()}
    head = {k[len(HEAD) :]: v for k, v in difference.items() if k.startswith(HEAD)}
    layers = {k: v for k, v in difference.items() if not k.startswith(HEAD)}
    missing, unexpected = encoder.load_state_dict(layers, strict=False)
    if unexpected or any(not k.startswith("embeddings.") for k in missing) or not head:
        raise ReaderModelError(
            f"The reader's weights do not fit its model (missing {missing[:3]}, "
            f"unexpected {unexpected[:3]}). Retrain them with `assistant train-reader`."
        )
    return head


class _Scorer:
    """MiniLM's kept layers, masked mean pooling, the linear head: one logit per pair."""

    def __new__(cls, encoder: Any, head: Any) -> Any:
        import torch

        class Module(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.encoder, self.head = encoder, head

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                hidden = self.encoder(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                ).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                return self.head(pooled)[:, 0]

        return Module()


def assembled(files: ReaderFiles) -> Any:
    """The full torch model: the package's embeddings with the shipped difference."""
    import torch
    from transformers import AutoConfig, AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a bar for loading 20 MB is noise
    base = base_path()
    config = AutoConfig.from_pretrained(
        str(base), num_hidden_layers=files.layers, local_files_only=True
    )
    with _quiet_loading():
        encoder = AutoModel.from_pretrained(str(base), config=config, local_files_only=True)
    head_state = _load_layers(encoder, files)
    head = torch.nn.Linear(config.hidden_size, 1)
    head.load_state_dict(head_state)
    model = _Scorer(encoder, head)
    model.eval()
    # Frozen, for export and comparison; never torch's global switch, which would
    # silently stop a training later in the same process.
    model.requires_grad_(False)
    return model


def onnx_files(files: ReaderFiles, cache_dir: Path) -> tuple[Path, Path]:
    """The float32 and int8 ONNX exports for these weights (paths, made or not)."""
    stem = f"reader-{files.digest[:16]}"
    return cache_dir / f"{stem}.onnx", cache_dir / f"{stem}-int8.onnx"


def export(files: ReaderFiles, cache_dir: Path, *, quantize: bool = True) -> Path:
    """Export the assembled reader to ONNX (and int8) once; the file to load."""
    full, small = onnx_files(files, cache_dir)
    target = small if quantize else full
    if target.is_file():
        return target
    import torch

    log.info("Exporting the reader to ONNX Runtime (once per machine, a few seconds).")
    model = assembled(files)

    names = ["input_ids", "attention_mask", "token_type_ids"]
    sample = torch.ones((2, 8), dtype=torch.long)
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Each process writes its own files and publishes them with one rename: two processes
    # starting at once on a fresh machine never read each other's half-written export.
    exported = full.with_name(f".{full.name}.{os.getpid()}.part")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (sample, sample, torch.zeros_like(sample)),
            str(exported),
            input_names=names,
            output_names=["logits"],
            dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names}, "logits": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    if not quantize:
        exported.replace(full)
        return target
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantized = small.with_name(f".{small.name}.{os.getpid()}.part")
    logging.disable(logging.WARNING)  # its advice on pre-processing is not for users
    try:
        quantize_dynamic(str(exported), str(quantized), weight_type=QuantType.QInt8)
    finally:
        logging.disable(logging.NOTSET)
        exported.unlink(missing_ok=True)  # 90 MB the int8 reader never reads
    quantized.replace(small)
    return target
