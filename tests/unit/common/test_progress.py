"""Progress of long work: live on a terminal, a few lines written once in a log."""

from __future__ import annotations

import io

from assistant.common.progress import progress_bar


def test_in_a_log_each_line_is_written_once_at_each_quarter():
    log = io.StringIO()
    with progress_bar("Indexing corpus", stream=log) as progress:
        for done in range(101):
            progress(done, 100)
    lines = log.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        f"Indexing corpus: {n}/100 chunks" for n in (0, 25, 50, 75, 100)
    ]


def test_no_work_shows_nothing():
    log = io.StringIO()
    with progress_bar("Indexing corpus", stream=log) as progress:
        progress(0, 0)
    assert log.getvalue() == ""
