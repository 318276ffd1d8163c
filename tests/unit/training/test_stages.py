"""A training stage (the reader's) runs once, resumes when interrupted, restarts when changed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.models.reader.data import Pair
from assistant.models.reader.training import ReaderRecipe
from assistant.training import stages
from assistant.training.stages import run_stage
from assistant.training.trainer import Schedule

PAIRS = [Pair("q", "unit", 1.0, "answer", "Tea")]


@pytest.fixture
def fits(monkeypatch):
    """Each fit the stages ask for, faked: it writes weights named by its learning rate."""
    calls = []

    def fit(train, held, schedule, work, out, **kwargs):
        calls.append((schedule, (work / "checkpoints").exists()))
        out.mkdir(parents=True, exist_ok=True)
        (out / "reader.safetensors").write_text(str(schedule.learning_rate))
        return {"held-out-articles_accuracy": 0.5}

    monkeypatch.setattr(stages, "fit_cross_encoder", fit)
    return calls


def _run(tmp_path, schedule):
    return run_stage(
        "squad", PAIRS, PAIRS, schedule, work=tmp_path, out=tmp_path / "out", progress=False
    )


def test_a_finished_stage_is_not_run_again(tmp_path, fits):
    schedule = Schedule.of(ReaderRecipe())
    first = _run(tmp_path, schedule)
    assert _run(tmp_path, schedule) == first
    assert len(fits) == 1


def test_a_stage_whose_recipe_changed_starts_again_without_the_old_checkpoints(tmp_path, fits):
    schedule = Schedule.of(ReaderRecipe())
    _run(tmp_path, schedule)
    (tmp_path / "squad" / "checkpoints").mkdir()
    _run(tmp_path, replace(schedule, learning_rate=1e-5))
    assert len(fits) == 2 and fits[1] == (replace(schedule, learning_rate=1e-5), False)


def test_an_interrupted_stage_resumes_from_its_checkpoints(tmp_path, fits, monkeypatch):
    schedule = Schedule.of(ReaderRecipe())

    def interrupted(train, held, schedule, work, out, **kwargs):
        (work / "checkpoints").mkdir(parents=True)
        raise KeyboardInterrupt

    fit = stages.fit_cross_encoder
    monkeypatch.setattr(stages, "fit_cross_encoder", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _run(tmp_path, schedule)
    monkeypatch.setattr(stages, "fit_cross_encoder", fit)
    _run(tmp_path, schedule)
    assert fits == [(schedule, True)]


def test_a_stage_whose_weights_were_replaced_since_runs_again(tmp_path, fits):
    schedule = Schedule.of(ReaderRecipe())
    _run(tmp_path, schedule)
    (tmp_path / "out" / "reader.safetensors").write_text("other weights")
    _run(tmp_path, schedule)
    assert len(fits) == 2
