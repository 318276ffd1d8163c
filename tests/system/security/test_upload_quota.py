"""Gradio's own upload route, on a real server: one visitor cannot fill the disk through it."""

from __future__ import annotations

import httpx
import pytest

from tests.support import article_app

pytestmark = [pytest.mark.server, pytest.mark.slow]

QUOTA = 5_000_000
PIECE = b"x" * 2_000_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("upload-quota")
    temp = root / "gradio-temp"
    settings = {"ASSISTANT_UPLOAD_BYTES_PER_HOUR": str(QUOTA), "GRADIO_TEMP_DIR": str(temp)}
    with article_app(root, **settings) as url:
        yield url, temp


def _stored(folder) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def test_a_push_to_gradios_upload_route_is_refused_past_the_visitors_hourly_bytes(server):
    url, temp = server
    statuses = []
    for n in range(5):  # 10 MB in all, against a quota of 5 MB
        files = [("files", (f"piece-{n}.md", PIECE, "text/markdown"))]
        statuses.append(httpx.post(f"{url}gradio_api/upload", files=files, timeout=60).status_code)
    assert statuses[:2] == [200, 200]
    assert set(statuses[2:]) == {429}
    assert _stored(temp) <= QUOTA  # what was refused was never written
    # A visitor elsewhere (another address, as nginx would forward it) still may upload.
    other = httpx.post(
        f"{url}gradio_api/upload",
        files=[("files", ("other.md", b"# Notes\n\nA small file.\n", "text/markdown"))],
        headers={"X-Forwarded-For": "198.51.100.4"},
        timeout=60,
    )
    assert other.status_code == 200


def test_gradios_upload_route_takes_only_the_kinds_the_corpus_reads(server):
    url, temp = server
    before = _stored(temp)
    files = [("files", ("tool.exe", b"MZ" * 5000, "application/octet-stream"))]
    refused = httpx.post(
        f"{url}gradio_api/upload",
        files=files,
        headers={"X-Forwarded-For": "198.51.100.5"},
        timeout=60,
    )
    assert refused.status_code == 415 and ".pdf" in refused.text
    assert _stored(temp) == before


def test_gradios_upload_route_refuses_a_thousand_files_in_one_request(server):
    url, temp = server
    before = _stored(temp)
    files = [("files", (f"n{i}.md", b"# Note\n", "text/markdown")) for i in range(1000)]
    refused = httpx.post(
        f"{url}gradio_api/upload",
        files=files,
        headers={"X-Forwarded-For": "198.51.100.6"},
        timeout=60,
    )
    assert refused.status_code == 413
    # Gradio writes parts as they stream in: those before the refusal, within the quota.
    assert _stored(temp) - before <= 30 * len(b"# Note\n")
