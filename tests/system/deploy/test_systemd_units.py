"""deploy/systemd/: the same processes as supervisord's, each restarted whenever it stops,
and units systemd itself accepts (`systemd-analyze verify`)."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
UNITS = REPO / "deploy" / "systemd"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name)
    return parser


def _supervised() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPO / "deploy" / "supervisord.conf")
    return {
        s.removeprefix("program:"): parser[s]["command"]
        for s in parser.sections()
        if s.startswith("program:")
    }


def _service_of(program: str) -> str:
    return "assistant-app@.service" if program.startswith("app") else f"assistant-{program}.service"


def test_every_supervised_process_has_a_unit_running_the_same_program():
    for program, command in _supervised().items():
        start = _unit(_service_of(program))["Service"]["ExecStart"].split()
        # The installed program by its full path; its arguments as supervisord gives them.
        assert [Path(start[0]).name, *start[1:2]] == command.split()[:2], (program, start)


def test_every_unit_is_restarted_whenever_it_stops_and_never_given_up_on():
    for path in UNITS.glob("*.service"):
        unit = _unit(path.name)
        assert unit["Service"]["Restart"] == "always", path.name
        assert unit["Unit"]["StartLimitIntervalSec"] == "0", path.name
        assert unit["Unit"]["PartOf"] == "assistant.target", path.name


def test_the_target_starts_every_process():
    wants = " ".join(
        line.split("=", 1)[1]
        for line in (UNITS / "assistant.target").read_text().splitlines()
        if line.startswith("Wants=")
    ).split()
    expected = {_service_of(p).replace("@.", "@{}.") for p in _supervised()}
    named = {re.sub(r"@\d+\.", "@{}.", w) for w in wants}
    assert named == expected


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not here")
def test_systemd_accepts_the_units(tmp_path):
    # Installed under /opt/assistant: here, the repository and this virtual environment.
    venv_bin = str(Path(sys.executable).parent)
    for path in UNITS.iterdir():
        text = path.read_text().replace("/opt/assistant/.venv/bin", venv_bin)
        (tmp_path / path.name.replace("@.", "@7861.")).write_text(
            text.replace("/opt/assistant", str(REPO))
        )
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
