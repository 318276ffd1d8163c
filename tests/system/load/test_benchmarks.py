"""The benchmark command runs end to end and writes its report (quick mode)."""

from __future__ import annotations

import pytest

from benchmarks import run

pytestmark = [pytest.mark.slow, pytest.mark.server]


def test_the_benchmark_command_writes_a_report_with_every_section(tmp_path):
    report = run.main(["--quick", "--out", str(tmp_path)])
    text = report.read_text()
    sections = ["Beside the LangChain recipe", "Cold start", "Per-question latency by stage"]
    for section in [*sections, "Ingestion", "Load", "Scale"]:
        assert f"## {section}" in text
    assert "cores" in text  # the machine it ran on
    assert "| ingestion, s |" in text and "| warm answer p50" in text
    assert (tmp_path / "scale.png").read_bytes().startswith(b"\x89PNG")
