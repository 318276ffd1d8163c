"""Which answerer writes each backend's answers, built on first use."""

from __future__ import annotations

import threading

from langchain_core.language_models import BaseChatModel

from assistant.answerers.backends import BACKENDS, CUSTOM
from assistant.answerers.base import Answerer
from assistant.answerers.chat_models import build_chat_model
from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.answerers.generative import GroundedGenerator
from assistant.answerers.polar import PolarAnswers
from assistant.errors import BackendError
from assistant.indexing.embeddings import SentenceTransformerEmbeddings
from assistant.models.entailment.entailment import EntailmentModel
from assistant.settings import Settings


class Answerers:
    """The extractive answerer, and a grounded generator per model backend, made once.

    A chat model handed in answers as the ``custom`` backend, whatever the
    settings say.
    """

    def __init__(
        self,
        settings: Settings,
        embeddings: SentenceTransformerEmbeddings,
        chat_model: BaseChatModel | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.default = CUSTOM if chat_model is not None else settings.backend
        self._chat_models: dict[str, BaseChatModel] = {}
        self._lock = threading.RLock()
        self.entailment = (
            EntailmentModel(
                settings.cache_dir, folder=settings.entailment_path, int8=settings.reader_int8
            )
            if settings.entailment
            else None
        )
        polar = (
            PolarAnswers(self.entailment.probabilities, threshold=settings.polar_threshold)
            if self.entailment is not None
            else None
        )
        self.extractive = ExtractiveAnswerer(max_units=settings.answer_max_units, polar=polar)
        self._answerers: dict[str, Answerer] = {"extractive": self.extractive}
        if chat_model is not None:
            self._chat_models[CUSTOM] = chat_model
            self._answerers[CUSTOM] = self._generator(chat_model, CUSTOM)

    def chat_model(self, backend: str | None = None) -> BaseChatModel | None:
        """The language model of ``backend`` (default: the default one); ``None`` if none."""
        name = self.known(backend)
        if name != CUSTOM and not BACKENDS[name].generative:
            return None
        with self._lock:
            if name not in self._chat_models:
                self._chat_models[name] = build_chat_model(self.settings, name)
            return self._chat_models[name]

    def answerer(self, backend: str | None = None) -> Answerer:
        """The component that writes ``backend``'s answers."""
        name = self.known(backend)
        with self._lock:
            if name not in self._answerers:
                model = self.chat_model(name)
                assert model is not None
                self._answerers[name] = self._generator(model, name)
            return self._answerers[name]

    def known(self, backend: str | None) -> str:
        """``backend`` (or the default) if it is one, else a :class:`BackendError`."""
        name = backend or self.default
        if name not in BACKENDS and name not in self._answerers:
            raise BackendError(f"Unknown backend {name!r}: use one of {', '.join(BACKENDS)}.")
        if name in BACKENDS and name not in self.enabled:
            # Checked before any model is built: a disabled backend never opens a connection.
            raise BackendError(
                f"The {name} backend is not enabled here: use one of "
                f"{', '.join(self.enabled)} (the operator lists backends in ASSISTANT_BACKENDS)."
            )
        return name

    @property
    def enabled(self) -> list[str]:
        """The backends this server offers."""
        return self.settings.enabled_backends

    def _generator(self, model: BaseChatModel, name: str) -> GroundedGenerator:
        s = self.settings
        return GroundedGenerator(
            model,
            self.embeddings,
            self.extractive,
            name=name,
            min_similarity=s.grounding_min_similarity,
            min_overlap=s.grounding_min_overlap,
            passages=s.llm_passages,
            show_unsupported=s.show_unsupported,
            entails=self.entailment.probabilities if self.entailment else None,
            min_entailment=s.entailment_threshold,
        )
