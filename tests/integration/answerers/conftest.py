"""What the answerers' tests share: a corpus of two documents."""

from __future__ import annotations

import shutil

import pytest

from tests.support import ARTICLE


@pytest.fixture(scope="package")
def two_documents(tmp_path_factory, embeddings):
    from assistant import Assistant

    corpus = tmp_path_factory.mktemp("two-corpus")
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    (corpus / "zebras.md").write_text(
        "# Zebras of the Savanna\n\n## Stripes\n\nZebras have black and white stripes. "
        "Each zebra's stripes are unique.\n\n## Herds\n\nZebras live in herds. "
        "A herd moves together to find water.\n\n## Food\n\nZebras eat grass all day.\n"
    )
    bot = Assistant(corpus, tmp_path_factory.mktemp("two-index"), embeddings=embeddings)
    bot.index()
    return bot
