"""The shipped reader: its ONNX export scores as the trained model does; it reads for answers."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.models.reader.reader import Reader
from assistant.models.reader.weights import assembled, read_files
from tests.integration.models.test_reader import QUESTION, TEXTS


@pytest.fixture(scope="module")
def reader(tmp_path_factory) -> Reader:
    loaded = Reader(tmp_path_factory.mktemp("reader-cache"), int8=False)
    loaded.load()
    return loaded


def _torch_logits(texts: list[str]) -> np.ndarray:
    import torch
    from tokenizers import Tokenizer

    from assistant.models.reader.weights import base_path

    files = read_files()
    tokenizer = Tokenizer.from_file(str(base_path() / "tokenizer.json"))
    tokenizer.enable_truncation(files.max_length, strategy="longest_first")
    tokenizer.enable_padding()
    encoded = tokenizer.encode_batch([(QUESTION, t) for t in texts])
    tensors = {
        name: torch.tensor([getattr(e, attribute) for e in encoded])
        for name, attribute in (
            ("input_ids", "ids"),
            ("attention_mask", "attention_mask"),
            ("token_type_ids", "type_ids"),
        )
    }
    return assembled(files)(**tensors).numpy()


def test_the_onnx_export_scores_as_the_trained_model_does(reader):
    exported = reader.logits(QUESTION, TEXTS)
    assert np.allclose(exported, _torch_logits(TEXTS), atol=1e-3)


def test_the_int8_reader_keeps_the_order_of_the_full_one(reader, tmp_path):
    small = Reader(tmp_path, int8=True)
    full, quantised = reader.logits(QUESTION, TEXTS), small.logits(QUESTION, TEXTS)
    assert list(np.argsort(-full)) == list(np.argsort(-quantised))
    assert np.abs(full - quantised).max() < 1.0


def test_the_reader_finds_the_unit_that_answers(reader):
    logits = reader.logits(QUESTION, TEXTS)
    assert int(np.argmax(logits)) == 0 and logits[0] > 0 > logits[2]
