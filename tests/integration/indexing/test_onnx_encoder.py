"""The ONNX export gives the same embeddings as sentence-transformers, without importing it."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from assistant.indexing.embeddings import SentenceTransformerEmbeddings
from tests.support import PYTHON, REPO

pytestmark = pytest.mark.slow

TEXTS = [
    "What does a COO do?",
    "Key responsibilities of a COO include: Monitoring key performance indicators",
    "Ünïcödé and 中文 and a very long sentence " * 20,
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    folder = tmp_path_factory.mktemp("encoder-cache")
    SentenceTransformerEmbeddings(
        "all-MiniLM-L6-v2", cache_dir=folder
    ).load()  # loads torch, exports
    return folder


def test_the_first_load_exports_the_model_once(cache):
    (exported,) = cache.glob("encoder-*.onnx")
    assert exported.stat().st_size > 1_000_000


def test_the_onnx_encoder_matches_sentence_transformers(cache, embeddings):
    fast = SentenceTransformerEmbeddings("all-MiniLM-L6-v2", cache_dir=cache)
    got = fast.encode(TEXTS)
    assert fast._model is None  # the torch model was never loaded
    expected = embeddings.encode(TEXTS)
    assert np.allclose(got, expected, atol=1e-5)


def test_a_cold_process_embeds_without_importing_sentence_transformers(cache):
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from assistant.indexing.embeddings import SentenceTransformerEmbeddings\n"
        f"e = SentenceTransformerEmbeddings('all-MiniLM-L6-v2', cache_dir=Path({str(cache)!r}))\n"
        "v = e.embed_query('What does a COO do?')\n"
        "print(len(v), 'sentence_transformers' in sys.modules, 'torch' in sys.modules)\n"
    )
    result = subprocess.run(
        [PYTHON, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.stdout.split() == ["384", "False", "False"], result.stderr


def test_a_damaged_export_is_ignored_and_replaced(tmp_path, embeddings):
    cache = tmp_path / "cache"
    model = SentenceTransformerEmbeddings("all-MiniLM-L6-v2", cache_dir=cache)
    assert model._onnx_file is not None
    model._onnx_file.parent.mkdir(parents=True)
    model._onnx_file.write_bytes(b"not an onnx model")
    vector = model.encode(["What does a COO do?"])
    assert np.allclose(vector, embeddings.encode(["What does a COO do?"]), atol=1e-5)
    assert model._onnx_file.stat().st_size > 1_000_000  # exported again by the torch load


def test_the_export_is_named_by_model_and_weights_not_by_where_they_are_installed(
    tmp_path, embeddings
):
    import shutil

    from assistant.indexing import onnx_encoder

    elsewhere = tmp_path / "another-venv-copy"
    shutil.copytree(embeddings.path, elsewhere)
    here = onnx_encoder.onnx_path(embeddings.path, tmp_path, embeddings.name)
    there = onnx_encoder.onnx_path(elsewhere, tmp_path, embeddings.name)
    assert here == there
    assert "all-minilm-l6-v2" in here.name


def test_a_new_export_removes_the_stale_ones(tmp_path):
    from assistant.indexing import onnx_encoder

    stale_layout = tmp_path / "encoder-0123456789abcdef.onnx"  # keyed by a venv path
    older_weights = tmp_path / "encoder-all-minilm-l6-v2-aaaaaaaaaaaaaaaa.onnx"
    other_model = tmp_path / "encoder-some-other-model-bbbbbbbbbbbbbbbb.onnx"
    current = tmp_path / "encoder-all-minilm-l6-v2-cccccccccccccccc.onnx"
    for path in (stale_layout, older_weights, other_model, current):
        path.write_bytes(b"x")
    onnx_encoder.remove_stale(current)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([other_model.name, current.name])
