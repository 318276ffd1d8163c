"""Training in resumable stages, each recorded with what it was and what it wrote.

A stage that finished is never run again while its weights are in place; an
interrupted one resumes from its checkpoints; one whose recipe, data or starting
weights changed starts over without the old checkpoints. The reader's SQuAD, fold
and shipped stages run through here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.models.reader.weights import WEIGHTS
from assistant.training.trainer import Pair, Schedule, fit_cross_encoder

log = logging.getLogger("assistant")


def run_stage(
    name: str,
    train: list[Pair],
    held: list[Pair],
    schedule: Schedule,
    *,
    work: Path,
    out: Path,
    start: Path | None = None,
    progress: bool,
) -> dict[str, Any]:
    """Run one training stage into ``out``, unless a finished run of it is on record.

    An interrupted stage resumes from its checkpoints; one whose recipe, data or
    starting weights changed starts again from nothing.
    """
    record = work / name / "stage.json"
    key = json.dumps([asdict(schedule), len(train), len(held), weights_digest(start)])
    done: dict[str, Any] = json.loads(record.read_text()) if record.is_file() else {}
    if done.get("key") == key and "weights" in done and done["weights"] == weights_digest(out):
        log.info("Stage %s already trained (%s)", name, record)
        return done
    if done.get("key") != key:  # another recipe's checkpoints are not to be resumed
        shutil.rmtree(work / name / "checkpoints", ignore_errors=True)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"name": name, "key": key}, indent=1) + "\n")
    log.info("Stage %s, %d pairs", name, len(train))
    started = time.perf_counter()
    figures = fit_cross_encoder(
        train,
        held,
        schedule,
        work / name,
        out,
        name="held-out-articles",
        start=start,
        progress=progress,
    )
    done = {
        "name": name,
        "key": key,
        "pairs": len(train),
        "seconds": round(time.perf_counter() - started, 1),
        "figures": figures,
        "weights": weights_digest(out),
    }
    record.write_text(json.dumps(done, indent=1) + "\n")
    return done


def weights_digest(folder: Path | None) -> str | None:
    """SHA-256 of the weights in ``folder`` (``None`` where there are none)."""
    if folder is None or not (folder / WEIGHTS).is_file():
        return None
    return hashlib.sha256((folder / WEIGHTS).read_bytes()).hexdigest()


def file_hashes(paths: Iterable[Path]) -> dict[str, str]:
    """SHA-256 of each data file a model is trained on, by file name."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


def now() -> str:
    """When a model was trained, as its record and card say it."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
