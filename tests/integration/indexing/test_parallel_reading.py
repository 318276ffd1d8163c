"""One visitor's slow file does not hold another's upload: files are read before the
index lock, by a small pool of reader processes."""

from __future__ import annotations

import shutil
import threading
import time

from assistant import Assistant
from tests.support import ARTICLE, make_pdf


def test_a_small_upload_is_indexed_while_a_slow_pdf_is_still_being_read(tmp_path, embeddings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    # Refused once read (more passages than allowed), so its cost is the reading alone.
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings, max_document_chunks=100)
    bot.index()
    # A slow PDF put in the corpus folder, read by a full sync (`assistant index`, the
    # worker's periodic one) while a visitor uploads a small file.
    (corpus / "slow.pdf").write_bytes(
        make_pdf([f"Zebra page {n} of the quarterly numbers." for n in range(2000)])
    )
    small = tmp_path / "small.md"
    small.write_text("# Lighthouse\n\nThe lighthouse was built by Ada Quill in 1871.\n")
    finished: dict[str, float] = {}

    def sync() -> None:
        bot.index()
        finished["sync"] = time.monotonic()

    reading = threading.Thread(target=sync)
    reading.start()
    time.sleep(0.5)  # the PDF is being read
    bot.add_documents([(small.name, small)])
    finished["upload"] = time.monotonic()
    reading.join(timeout=300)
    assert finished["upload"] < finished["sync"]
    assert "Ada Quill" in bot.answer("Who built the lighthouse?").text
