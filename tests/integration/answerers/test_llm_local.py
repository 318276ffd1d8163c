"""The local backend: SmolLM2-135M run by llama.cpp in a worker process, grounded."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from langchain_tests.integration_tests import ChatModelIntegrationTests

pytest.importorskip("llama_cpp", reason="the local backend is the [local] extra")

from assistant import Assistant
from assistant.answerers.chat_models import LlamaCppChatModel
from assistant.workers import local_model

pytestmark = pytest.mark.slow


class TestLlamaCppChatModelStandard(ChatModelIntegrationTests):
    """LangChain's standard conformance suite for chat models, run on the real model."""

    @property
    def chat_model_class(self) -> type[LlamaCppChatModel]:
        return LlamaCppChatModel

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"max_tokens": 24, "temperature": 0.0}

    @property
    def supports_model_override(self) -> bool:
        return False


@pytest.fixture(scope="module")
def local_bot(article_corpus, article_index, embeddings):
    # The model writes only sure answers (an unsure one is quoted): these tests are of the
    # writing, so every answer the decision gives is taken as sure.
    bot = Assistant(
        article_corpus, article_index, embeddings=embeddings, backend="local", sure_threshold=0.0
    )
    bot.ensure_index()
    return bot


QUESTIONS = [
    "What does a COO do?",
    "Which role has more decision-making authority?",
    "What are the key responsibilities of an operations manager?",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_local_answers_cite_exact_spans(local_bot, question):
    reply = local_bot.answer(question)
    assert not reply.refused
    assert reply.backend == "local"
    assert reply.citations
    for citation in reply.citations:
        text = local_bot.document_text(citation.source)
        assert text[citation.start : citation.end] == citation.quote
        assert f"[{citation.marker}]" in reply.text


def test_every_sentence_of_a_local_answer_is_supported_by_its_citation(local_bot):
    from assistant.evaluation.metrics import claim_support

    for question in QUESTIONS:
        reply = local_bot.answer(question)
        quotes = {c.marker: c.quote for c in reply.citations}
        supported, total = claim_support(reply.text, quotes)
        assert supported == total > 0, reply.text


def test_local_answers_stream_tokens_before_the_checked_text(local_bot):
    snapshots = list(local_bot.stream("What does a COO do?"))
    assert len(snapshots) > 2
    assert snapshots[-1].complete
    assert "ttft" in snapshots[-1].timings
    if not snapshots[-1].fallback:
        assert any(s.pending for s in snapshots[:-1])


def test_an_out_of_corpus_question_is_refused_without_generation(local_bot):
    reply = local_bot.answer("Who painted the Mona Lisa?")
    assert reply.refused
    assert "generate" not in reply.timings


def test_a_follow_up_is_rewritten_before_retrieval_with_the_model(local_bot):
    history = [("What are the key responsibilities of an operations manager?", "...")]
    reply = local_bot.answer("And what about the COO?", history=history)
    assert "COO" in reply.query
    assert "operations manager?" not in reply.query.removeprefix("And what about the COO?")


def test_a_crash_of_the_model_is_a_notice_the_quotes_still_answer_and_it_restarts(local_bot):
    question = "What does a COO do?"
    local_bot.answer(question)
    (worker,) = [w for w in local_model._WORKERS.values() if w._process is not None]
    os.kill(worker._process.pid, signal.SIGILL)  # as a CPU that traps AMX does
    crashed = local_bot.answer(question)
    assert "Illegal instruction" in crashed.notice
    assert crashed.fallback and crashed.citations
    again = local_bot.answer(question)
    assert not again.notice and again.citations


def test_a_cpu_without_avx2_is_told_so_before_anything_runs(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 avx\n")
    problem = local_model.cpu_problem(cpuinfo)
    assert problem is not None and "AVX2, FMA, F16C" in problem
    cpuinfo.write_text("flags\t\t: fpu sse2 avx avx2 fma f16c amx_tile\n")
    assert local_model.cpu_problem(cpuinfo) is None


def test_the_installed_llama_cpp_build_uses_no_amx_or_avx512():
    # A build with -march=native on an Intel host carries AMX (tileloadd) and AVX-512
    # (zmm registers); on a CPU that traps them, the model dies. `make setup-test`
    # builds a portable wheel; this checks that it is the one installed.
    objdump = shutil.which("objdump")
    if objdump is None:
        pytest.fail("objdump (binutils) is needed to inspect the llama.cpp build")
    import llama_cpp

    libraries = sorted(Path(llama_cpp.__file__).parent.rglob("libggml-cpu*.so"))
    assert libraries, "llama_cpp ships no libggml-cpu library"
    for library in libraries:
        code = subprocess.run(
            [objdump, "-d", "--no-show-raw-insn", str(library)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "tileloadd" not in code and "tdpb" not in code, f"{library} uses AMX"
        assert "%zmm" not in code, f"{library} uses AVX-512"
