"""Uploads handed to the ingestion worker through a real Redis: the replica never writes."""

from __future__ import annotations

import shutil
import threading

import pytest

from assistant import Assistant
from assistant.serving.jobs import JobQueue
from assistant.serving.worker import run_worker
from tests.support import ARTICLE, free_port

pytestmark = pytest.mark.server

NOTE = "# Offsite\n\nThe offsite this year is in Lisbon, organised by Zorblax Quimby.\n"


@pytest.fixture
def replica_and_worker(tmp_path, embeddings, redis_url):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    worker = Assistant(corpus, tmp_path / "index", embeddings=embeddings, queue_url=redis_url)
    worker.index()
    replica = Assistant(corpus, tmp_path / "index", embeddings=embeddings, queue_url=redis_url)
    return replica, worker


def test_a_replicas_upload_is_stored_and_queued_but_not_indexed(replica_and_worker, tmp_path):
    replica, _ = replica_and_worker
    note = tmp_path / "offsite.md"
    note.write_text(NOTE)
    before = replica.store.revision()
    result, report = replica.add_documents([("offsite.md", note)])
    assert result.stored and report is None
    assert replica.store.revision() == before  # nothing written to the index
    assert replica.jobs.pending() == 1


def test_the_worker_indexes_a_queued_upload_and_the_replica_answers_from_it(
    replica_and_worker, tmp_path
):
    replica, worker = replica_and_worker
    note = tmp_path / "offsite.md"
    note.write_text(NOTE)
    replica.add_documents([("offsite.md", note)])
    assert run_worker(worker.jobs, worker.index, once=True, wait=0.1) == 1
    assert replica.jobs.pending() == 0
    assert "Zorblax Quimby" in replica.answer("Who organises the offsite?").text


def test_a_job_left_running_by_a_killed_worker_runs_again(replica_and_worker, tmp_path):
    replica, worker = replica_and_worker
    note = tmp_path / "offsite.md"
    note.write_text(NOTE)
    replica.add_documents([("offsite.md", note)])
    taken = worker.jobs.take(wait=1)  # a worker took it, then died before finishing
    assert taken is not None and worker.jobs.running() == 1
    run_worker(worker.jobs, worker.index, once=True, wait=0.1)
    assert worker.jobs.done(taken.id)
    assert "Zorblax Quimby" in replica.answer("Who organises the offsite?").text


def test_a_worker_stops_after_its_current_job_when_asked(replica_and_worker):
    _, worker = replica_and_worker
    stop_now = threading.Event()
    stop_now.set()
    assert run_worker(worker.jobs, worker.index, stop=stop_now) == 0


def test_an_unreachable_queue_is_a_clear_error(tmp_path, embeddings):
    from assistant.errors import StoreUnavailableError

    dead = JobQueue(f"redis://127.0.0.1:{free_port()}/0", timeout=1)
    with pytest.raises(StoreUnavailableError, match="ASSISTANT_QUEUE_URL"):
        dead.submit(["uploads/x.md"])
