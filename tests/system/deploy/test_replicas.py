"""Past one machine: Chroma server, Redis, one worker, two replicas and nginx, for real.

Everything is started by supervisord from deploy/supervisord.conf on loopback, as
`make deploy` starts it. Visitors go through nginx; uploads from any replica are
indexed by the worker alone; killing any process (SIGKILL, mid-work) loses no more
than it was doing, and supervisord brings it back; Redis may go away and come back
without losing an upload.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.system.deploy.deployment import PROCESSES, UPLOAD_QUOTA, Deployment, upstream_of

pytestmark = [pytest.mark.server, pytest.mark.slow]

QUESTIONS = [
    "What does a COO do?",
    "What are the key responsibilities of an operations manager?",
    "Which role has more decision-making authority?",
    "How do the two roles work together?",
]
LOAD_SECONDS = 60
UPLOAD = (
    "# Quokka project\n\n"
    "The Quokka project budget is forty-two thousand euros. "
    "Wilhelmina Zed approved the Quokka project budget in March.\n"
)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    deployment = Deployment(tmp_path_factory.mktemp("deploy"))
    try:
        deployment.start_all()
        deployment.wait_until_answering()
        yield deployment
    finally:
        deployment.stop()


def _client(url: str, route: str):
    from gradio_client import Client

    # A browser keeps nginx's route cookie; a script sends its own.
    return Client(url, verbose=False, headers={"Cookie": f"assistant_route={route}"})


def _routes_on_each_replica(deployment, count: int) -> dict[str, list[str]]:
    """Route cookies nginx sends to each replica, ``count`` of each."""
    found: dict[str, list[str]] = {}
    n = 0
    while any(len(found.get(str(deployment.ports[r]), [])) < count for r in ("app1", "app2")):
        route = f"visitor-{n}"
        port = upstream_of(deployment.url, route)
        if len(found.setdefault(port, [])) < count:
            found[port].append(route)
        n += 1
    return found


def test_both_replicas_answer_each_question_as_one_process_would(deployment):
    for question in QUESTIONS:
        one = _client(deployment.replica_url("app1"), "a").predict(question, api_name="/chat")
        two = _client(deployment.replica_url("app2"), "b").predict(question, api_name="/chat")
        assert one["text"] == two["text"]
        assert one["citations"] == two["citations"]


def test_sixteen_clients_through_nginx_for_a_minute_get_every_answer_right(deployment):
    reference = {
        q: _client(deployment.replica_url("app1"), "ref").predict(q, api_name="/chat")["text"]
        for q in QUESTIONS
    }
    routes = _routes_on_each_replica(deployment, 8)
    ends = time.monotonic() + LOAD_SECONDS

    def visitor(route: str) -> tuple[int, int]:
        client = _client(deployment.url, route)
        asked = wrong = 0
        while time.monotonic() < ends:
            question = QUESTIONS[asked % len(QUESTIONS)]
            try:
                text = client.predict(question, api_name="/chat")["text"]
            except Exception:
                text = None
            asked += 1
            wrong += text != reference[question]
        return asked, wrong

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(visitor, [r for rs in routes.values() for r in rs]))
    assert sum(wrong for _, wrong in results) == 0
    assert all(asked > 0 for asked, _ in results)


def _upload(page, url: str, document, outcome: str) -> None:
    """Add ``document`` in the Documents tab of the app at ``url``; wait for ``outcome``."""
    page.goto(url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.click("#documents-tab-button")
    page.set_input_files("#upload input[type=file]", str(document))
    page.click("#add")
    page.wait_for_selector(f"#upload-status :text('{outcome}')", timeout=60_000)


def test_an_upload_through_one_replica_is_answered_through_the_other_within_10_s(
    deployment, browser, tmp_path
):
    document = tmp_path / "quokka budget.md"
    document.write_text(UPLOAD)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        _upload(page, deployment.replica_url("app1"), document, "Queued for indexing")
        uploaded = time.monotonic()
        other = _client(deployment.replica_url("app2"), "other")
        while True:
            reply = other.predict("Who approved the Quokka project budget?", api_name="/chat")
            if "Wilhelmina Zed" in reply["text"]:
                break
            assert time.monotonic() - uploaded < 10, reply["text"]
            time.sleep(0.5)
        assert reply["citations"][0]["source"].startswith("uploads/quokka-budget-")
        # The same file again, through the other replica: stored and indexed once.
        _upload(page, deployment.replica_url("app2"), document, "Already in the corpus")
        assert len(list((deployment.corpus / "uploads").glob("quokka-budget-*"))) == 1
        assert "Queued" not in page.inner_text("#upload-status")
    finally:
        context.close()


def test_a_replica_killed_under_load_costs_at_most_its_requests_in_flight(deployment):
    routes = _routes_on_each_replica(deployment, 4)
    victim = str(deployment.ports["app2"])
    in_flight: dict[str, int] = {}
    lock = threading.Lock()
    killed = threading.Event()
    ends = time.monotonic() + 20

    def visitor(route: str) -> list[tuple[bool, bool]]:
        client = _client(deployment.url, route)
        outcomes = []
        while time.monotonic() < ends:
            with lock:
                in_flight[route] = in_flight.get(route, 0) + 1
            before = killed.is_set()
            try:
                ok = bool(client.predict("What does a COO do?", api_name="/chat")["citations"])
            except Exception:
                ok = False
            with lock:
                in_flight[route] -= 1
            outcomes.append((ok, before))
        return outcomes

    with ThreadPoolExecutor(8) as pool:
        futures = {r: pool.submit(visitor, r) for rs in routes.values() for r in rs}
        time.sleep(6)
        with lock:
            busy_on_victim = sum(in_flight.get(r, 0) for r in routes[victim])
            pid = deployment.kill("app2")
            killed.set()
        outcomes = {r: f.result() for r, f in futures.items()}
    assert busy_on_victim > 0  # mid-work: it had questions in flight
    failed = sum(not ok for results in outcomes.values() for ok, _ in results)
    assert failed <= busy_on_victim
    # nginx sent the victim's visitors to the other replica, and back once supervisord had
    # restarted it: each of them is answered in the end.
    assert all(outcomes[r][-1][0] for r in routes[victim])
    deployment.wait_running("app2", timeout=60, other_than=pid)


def test_the_worker_killed_mid_job_leaves_an_index_that_answers_and_runs_the_job_again(
    deployment,
):
    from assistant.serving.jobs import JobQueue

    # A long document (thousands of sentences), so the kill lands while it is embedded.
    words = "harbour invoice tariff cargo customs broker manifest pallet warehouse".split()
    sentences = [
        f"Shipment {n} carried {words[n % 9]} goods past the {words[(n * 7) % 9]} gate."
        for n in range(4000)
    ]
    uploads = deployment.corpus / "uploads"
    uploads.mkdir(exist_ok=True)
    (uploads / "shipments-0a1b2c3d.md").write_text(
        "# Shipments\n\n" + "\n\n".join(" ".join(sentences[i : i + 8]) for i in range(0, 4000, 8))
    )
    jobs = JobQueue(deployment.env["ASSISTANT_QUEUE_URL"])
    job = jobs.submit(["uploads/shipments-0a1b2c3d.md"])
    deadline = time.monotonic() + 60
    while jobs.running() == 0:
        assert time.monotonic() < deadline, deployment.log("worker")
        time.sleep(0.1)
    time.sleep(2)  # embedding is under way
    assert not jobs.done(job.id)
    deployment.kill("worker")
    assert jobs.running() == 1  # work left undone (or taken up again by its successor)
    # The index still answers what it answered before.
    reply = _client(deployment.url, "after-kill").predict("What does a COO do?", api_name="/chat")
    assert reply["citations"]
    # supervisord has started another worker: it puts the job back in line and runs it.
    deadline = time.monotonic() + 180
    while not jobs.done(job.id):
        assert time.monotonic() < deadline, deployment.log("worker")
        time.sleep(1)
    assert "left running by a stopped worker" in deployment.log("worker")
    reply = _client(deployment.url, "after-restart").predict(
        "What did shipment 1234 carry?", api_name="/chat"
    )
    assert any(c["source"] == "uploads/shipments-0a1b2c3d.md" for c in reply["citations"])


def _asking(url: str, route: str, ends: float, outcomes: list[bool]) -> None:
    """Ask through ``url`` until ``ends``; each answer's outcome (cited or not)."""
    client = None
    while time.monotonic() < ends:
        try:
            client = client or _client(url, route)
            outcomes.append(bool(client.predict(QUESTIONS[0], api_name="/chat")["citations"]))
        except Exception:
            outcomes.append(False)
            client = None  # a new session, as a browser reloading would have
            time.sleep(0.2)


@pytest.mark.parametrize("victim", ["chroma", "redis", "worker", "app1", "app2", "nginx"])
def test_a_killed_process_comes_back_while_the_others_answer(deployment, victim):
    for name in PROCESSES:  # each kill starts from a whole deployment
        deployment.wait_running(name, timeout=60)
    deployment.wait_until_answering()
    # Questions go through nginx, or to a replica directly when nginx is the one killed.
    url = deployment.replica_url("app1") if victim == "nginx" else deployment.url
    outcomes: list[bool] = []
    ends = time.monotonic() + 25
    asking = threading.Thread(target=_asking, args=(url, f"kill-{victim}", ends, outcomes))
    asking.start()
    time.sleep(3)
    pid = deployment.kill(victim)
    # A replica loads its models before it listens: 5 to 6 s on 2 idle cores, about 10 s
    # while this client and the rest of the deployment keep them busy.
    deployment.wait_running(victim, timeout=20 if victim.startswith("app") else 10, other_than=pid)
    asking.join()
    failed = outcomes.count(False)
    # At most the question in flight on the killed process; a replica's visitor may lose
    # one more when nginx sends them back to it, restarted (their session was elsewhere).
    assert failed <= (2 if victim.startswith("app") else 1), (victim, outcomes)
    # And it answers afterwards (the one lost question may have been the window's last).
    after: list[bool] = []
    _asking(url, f"after-{victim}", time.monotonic() + 3, after)
    assert after and all(after), (victim, outcomes, after)


def test_redis_away_and_back_loses_no_upload_and_stops_no_process(deployment, browser, tmp_path):
    pids = {name: deployment.pid(name) for name in ("worker", "app1", "app2", "chroma")}
    deployment.ctl("stop", "redis")
    document = tmp_path / "wombat plan.md"
    document.write_text(
        "# Wombat plan\n\nThe Wombat plan was drafted by Philippa Oyelaran-Brandt in May.\n"
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        # Stored while the queue is away: the visitor is told it will be indexed.
        _upload(page, deployment.replica_url("app1"), document, "Queued for indexing")
        client = _client(deployment.url, "redis-away")
        assert client.predict(QUESTIONS[0], api_name="/chat")["citations"]  # no 500
        time.sleep(5)
    finally:
        context.close()
    deployment.ctl("start", "redis")
    back = time.monotonic()
    while True:
        reply = client.predict("Who drafted the Wombat plan?", api_name="/chat")
        if "Oyelaran-Brandt" in reply["text"]:
            break
        assert time.monotonic() - back < 30, deployment.log("worker")[-3000:]
        time.sleep(1)
    assert {name: deployment.pid(name) for name in pids} == pids  # nothing exited
    assert "job queue is back" in deployment.log("worker")


def test_a_visitors_upload_bytes_count_on_both_replicas(deployment):
    import httpx

    piece = [("files", ("piece.md", b"x" * (UPLOAD_QUOTA * 2 // 5), "text/markdown"))]
    # One visitor (as nginx forwards their address) alternating between the replicas.
    visitor = {"X-Forwarded-For": "198.51.100.9"}
    statuses = [
        httpx.post(
            f"{deployment.replica_url(name)}gradio_api/upload",
            files=piece,
            headers=visitor,
            timeout=60,
        ).status_code
        for name in ("app1", "app2", "app1", "app2")
    ]
    assert statuses == [200, 200, 429, 429]
