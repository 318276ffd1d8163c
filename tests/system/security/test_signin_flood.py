"""Sign-in under a flood, on a real server: hashing never stalls other visitors, and a
stranger's guesses never lock the owner out.

The server believes X-Forwarded-For from loopback (uvicorn's FORWARDED_ALLOW_IPS), as it
does behind the deployment's nginx, so one test client can speak for several addresses.
"""

from __future__ import annotations

import subprocess
import threading
import time

import httpx
import pytest

from tests.support import ASSISTANT, article_app

pytestmark = [pytest.mark.server, pytest.mark.slow]

OWNER, PASSWORD = "ada", "ada-long-passphrase"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("signin-flood")
    users = root / "users.json"
    subprocess.run(
        [ASSISTANT, "users", "add", OWNER, "--file", str(users), "--password-stdin"],
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    with article_app(root, ASSISTANT_USERS_FILE=str(users)) as url:
        yield url


def _sign_in(url: str, password: str, address: str) -> int:
    response = httpx.post(
        f"{url}login",
        data={"username": OWNER, "password": password},
        headers={"X-Forwarded-For": address},
        timeout=60,
    )
    return response.status_code


def test_a_flood_of_sign_ins_neither_stalls_questions_nor_locks_the_owner_out(server):
    from gradio_client import Client

    # The owner, signed in before the flood, asks questions throughout it.
    owner = httpx.Client(timeout=60)
    assert owner.post(f"{server}login", data={"username": OWNER, "password": PASSWORD}).is_success
    cookies = "; ".join(f"{k}={v}" for k, v in owner.cookies.items())
    client = Client(server, verbose=False, headers={"Cookie": cookies})
    client.predict("What does a COO do?", api_name="/chat")  # warm

    ends = time.monotonic() + 20
    statuses: list[int] = []

    def flood(n: int) -> None:
        # 60 a minute and more from one address, right and wrong passwords alike.
        while time.monotonic() < ends:
            statuses.append(_sign_in(server, PASSWORD if n % 2 else "a wrong guess", "203.0.113.9"))

    threads = [threading.Thread(target=flood, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    waits = []
    while time.monotonic() < ends - 1:
        started = time.monotonic()
        client.predict("Who has more decision-making authority?", api_name="/chat")
        waits.append(time.monotonic() - started)
    for thread in threads:
        thread.join()
    assert 429 in statuses  # the flood was cut down to its address's minute
    assert sorted(waits)[len(waits) // 2] < 0.5, waits
    # The owner, from their own address, signs in at the first try.
    assert _sign_in(server, PASSWORD, "198.51.100.4") == 200
