"""The project beside the plain LangChain recipe, in one run, on the same corpus and questions.

    .venv/bin/python -m benchmarks.versus [--questions 100]

The corpus is two bundled SQuAD articles (Southern California and Sky (United
Kingdom), about 35,000 characters of paragraphs) and the questions are theirs.
The recipe is the LangChain RAG tutorial's: ``RecursiveCharacterTextSplitter(1000,
200)``, the same MiniLM weights run by sentence-transformers, Chroma top-4; it
only retrieves. The project answers (retrieval, the scope check, a cited answer).
Both run in this process, warmed up the same way, so their ratios mean something
on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, free_port, start, stop, summary, table, write_report

ARTICLES = ("Southern_California", "Sky_(United_Kingdom)")
ASSISTANT = str(Path(sys.executable).with_name("assistant"))
_RECIPE_COLD = """
import sys, chromadb
from chromadb.config import Settings
from langchain_chroma import Chroma
from assistant.indexing.embeddings import SentenceTransformerEmbeddings
store = Chroma(collection_name="recipe", embedding_function=SentenceTransformerEmbeddings(
    "sentence-transformers/all-MiniLM-L6-v2", fast=False), client=chromadb.PersistentClient(
    path=sys.argv[1], settings=Settings(anonymized_telemetry=False)))
print(store.as_retriever(search_kwargs={"k": 4}).invoke(sys.argv[2])[0].page_content[:40])
"""


def corpus_and_questions(questions: int) -> tuple[dict[str, str], list[str]]:
    """The two articles' texts and their first answerable questions, alternating."""
    from assistant.evaluation.datasets import bundled_squad_sets

    sets = {s.name.removeprefix("squad:"): s for s in bundled_squad_sets()}
    documents: dict[str, str] = {}
    asked: list[list[str]] = []
    for title in ARTICLES:
        documents.update(sets[title].documents)
        asked.append([q.question for q in sets[title].questions if q.answerable])
    mixed = [q for pair in zip(*asked, strict=False) for q in pair]
    return documents, mixed[:questions]


def run(work: Path, *, questions: int = 100) -> dict[str, Any]:
    """Ingest, ask, start cold and weigh both; a Markdown section and the figures."""
    from assistant.evaluation.systems import AssistantSystem, LangChainRecipe
    from assistant.indexing.embeddings import SentenceTransformerEmbeddings

    documents, asked = corpus_and_questions(questions)
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    for name, text in documents.items():
        (corpus / name).write_text(text, encoding="utf-8")
    characters = sum(len(t) for t in documents.values())
    model = SentenceTransformerEmbeddings(
        "sentence-transformers/all-MiniLM-L6-v2", cache_dir=work / "cache"
    )
    # The recipe embeds as the tutorial does, with sentence-transformers (torch); the
    # project with its ONNX export of the same weights. Both load before timing.
    plain = SentenceTransformerEmbeddings("sentence-transformers/all-MiniLM-L6-v2", fast=False)
    for encoder in (model, plain):
        encoder.encode(["warm up"])
    recipe = LangChainRecipe(plain)
    ours = AssistantSystem(model)
    ingest = {
        "recipe": recipe.build(corpus, work / "recipe"),
        "project": ours.build(corpus, work / "project"),
    }
    chunks = {
        "recipe": recipe.retriever.vectorstore._collection.count(),
        "project": ours.bot.store.count(),
    }
    for question in asked[:5]:  # warm-up: caches, first-call costs
        recipe.ask(question)
        ours.ask(question)
    seconds: dict[str, list[float]] = {"recipe": [], "project": []}
    for question in asked:
        seconds["recipe"].append(recipe.ask(question).seconds)
        seconds["project"].append(ours.ask(question).seconds)
    cold = _cold(work, corpus, documents, asked[0])
    figures = {
        "characters": characters,
        "questions": len(asked),
        "ingest_seconds": ingest,
        "chunks": chunks,
        "answer_seconds": {k: summary(v)[:2] for k, v in seconds.items()},
        **cold,
    }
    return {"figures": figures, "markdown": _markdown(figures)}


def _cold(work: Path, corpus: Path, documents: dict[str, str], question: str) -> dict[str, Any]:
    """Process start to first answer, and peak memory, for `assistant ask`, the recipe's
    script and the chat app."""
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_INDEX_DIR": str(work / "cold-index"),
        "ASSISTANT_CACHE_DIR": str(work / "cache"),
        "HF_HUB_OFFLINE": "1",
    }
    subprocess.run([ASSISTANT, "index"], env=env, cwd=REPO, check=True, capture_output=True)
    recipe_db = work / "recipe-db"
    _persist_recipe(documents, recipe_db)
    ask = _timed([ASSISTANT, "ask", question, "--json"], env)
    recipe = _timed([sys.executable, "-c", _RECIPE_COLD, str(recipe_db), question], env)
    app_rss = _app_rss(work, env, question)
    return {
        "cold_seconds": {"project": ask[0], "recipe": recipe[0]},
        "rss_mb": {"project ask": ask[1], "recipe": recipe[1], "project app": app_rss},
    }


_PEAK = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def _timed(args: list[str], env: dict[str, str], repeats: int = 3) -> tuple[float, float]:
    """Median wall time of ``repeats`` runs, and the peak resident memory (MB) of one.

    Memory is read by a small parent process: a child forked from this benchmark
    would count the benchmark's own memory as its peak.
    """
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(args, env=env, cwd=REPO, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    peak = subprocess.run(
        [sys.executable, "-c", _PEAK, *args],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return summary(times)[0], int(peak.stdout.split()[-1]) / 1024


def _persist_recipe(documents: dict[str, str], path: Path) -> None:
    """The recipe's index on disk, as its cold start would find it."""
    import chromadb
    from chromadb.config import Settings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.indexing.embeddings import SentenceTransformerEmbeddings

    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(
        [Document(page_content=t, metadata={"source": n}) for n, t in documents.items()]
    )
    Chroma(
        collection_name="recipe",
        embedding_function=SentenceTransformerEmbeddings(
            "sentence-transformers/all-MiniLM-L6-v2", fast=False
        ),
        client=chromadb.PersistentClient(
            path=str(path), settings=Settings(anonymized_telemetry=False)
        ),
    ).add_documents(splits)


def _app_rss(work: Path, env: dict[str, str], question: str) -> float:
    """Resident memory (MB) of the chat app after its first answer."""
    from gradio_client import Client

    port = free_port()
    process = start(
        [sys.executable, "ui.py"],
        port=port,
        env={**env, "ASSISTANT_PORT": str(port)},
        log=work / "app.log",
    )
    try:
        Client(f"http://127.0.0.1:{port}/", verbose=False).predict(question, api_name="/chat")
        status = Path(f"/proc/{process.pid}/status").read_text()
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        return kb / 1024
    finally:
        stop(process)


def _markdown(f: dict[str, Any]) -> str:
    ingest, chunks = f["ingest_seconds"], f["chunks"]
    ours, theirs = f["answer_seconds"]["project"], f["answer_seconds"]["recipe"]
    cold, rss = f["cold_seconds"], f["rss_mb"]
    rows = [
        ["ingestion, s", f"{ingest['project']:.2f}", f"{ingest['recipe']:.2f}",
         f"{ingest['project'] / ingest['recipe']:.2f}"],
        ["chunks (records searched)", chunks["project"], chunks["recipe"], ""],
        ["chunks/s", f"{chunks['project'] / ingest['project']:.0f}",
         f"{chunks['recipe'] / ingest['recipe']:.0f}", ""],
        ["warm answer p50, ms (recipe: retrieval only)", f"{ours[0] * 1000:.1f}",
         f"{theirs[0] * 1000:.1f}", f"{ours[0] / theirs[0]:.2f}"],
        ["warm answer p95, ms", f"{ours[1] * 1000:.1f}", f"{theirs[1] * 1000:.1f}",
         f"{ours[1] / theirs[1]:.2f}"],
        ["cold start to first answer, s", f"{cold['project']:.2f}", f"{cold['recipe']:.2f}",
         f"{cold['project'] / cold['recipe']:.2f}"],
        ["peak memory of a one-question process, MB", f"{rss['project ask']:.0f}",
         f"{rss['recipe']:.0f}", f"{rss['project ask'] / rss['recipe']:.2f}"],
        ["chat app after its first answer, MB", f"{rss['project app']:.0f}", "", ""],
    ]  # fmt: skip
    load = os.getloadavg()
    return (
        f"{f['characters']:,} characters (two SQuAD articles), {f['questions']} of their "
        f"questions, one process for both warm runs; load average before the run "
        f"{load[0]:.2f}. Ratio = project / recipe (below 1.0: the project is faster).\n\n"
        + table(["", "project", "LangChain recipe", "ratio"], rows)
    )


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--out", type=Path, default=Path("docs/benchmarks/versus.md"))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="assistant-versus-") as folder:
        result = run(Path(folder), questions=args.questions)
    write_report(
        args.out, "Beside the LangChain recipe", result["markdown"], time.perf_counter() - started
    )
    print(result["markdown"])
    return args.out


if __name__ == "__main__":
    main()
