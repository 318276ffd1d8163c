"""The benchmark command runs end to end and writes its report (quick mode)."""

from __future__ import annotations

import pytest

from benchmarks import run

pytestmark = [pytest.mark.slow, pytest.mark.server]


def test_the_benchmark_command_writes_a_report_with_every_section(tmp_path):
    report = run.main(["--quick", "--out", str(tmp_path)])
    text = report.read_text()
    for section in ["Cold start", "Per-question latency by stage", "Ingestion", "Load", "Scale"]:
        assert f"## {section}" in text
    assert "cores" in text  # the machine it ran on
    assert (tmp_path / "scale.png").read_bytes().startswith(b"\x89PNG")
