"""Two Rasa replicas started as in production (scripts/run_prod.sh: `CJ62_ENV=production`, the HTTP
API behind `--jwt-secret`, REST only with `REST_TOKEN`) on this machine's PostgreSQL and Redis:
load, a replica killed, the action server stopped, an adviser's reply across replicas, and the
production surface (issue 7, point 7).

The tests share one cluster and run in file order: the replica killed with SIGKILL is the last
but one test, the search of the logs for planted personal data the last. Every wait has a
timeout; no test asserts a duration. Skipped with a message when PostgreSQL or Redis does not
answer; CI has both. Where an existing test already proves a point, it is named in its test's doc.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from channel_support import hang_up
from chat import texts

from rasa_ext.channels.messages import APOLOGY

pytestmark = pytest.mark.slow

LOCK_LIFETIME = 10  # seconds (CJ62_LOCK_LIFETIME): a dead replica's lock and message claims lapse within it
TIMEOUT = 240  # seconds: a bound on one request under load (2 shared cores), not a performance assertion
ATTEMPTS = 4  # a client sends a message at most this many times (same message_id)
WAIT = 30  # seconds: socket.io events
TURNS = ["bonjour", "numéro du SLAI de Lens", "c'est quoi le FAJ Co ?", "merci", "quel montant pour le CLLAJ ?",
         "numéro du SLAI d'Arras", "c'est quoi graine de ?", "au revoir"]
# Fake personal data said in a conversation (test_planted_personal_data_is_in_no_log_file).
PLANTED_NAME = "Zébulon Quelconque-Tartempion"
PLANTED_PHONE = "06 11 22 33 44"
PLANTED_BIRTH = "03/04/2007"


@pytest.fixture(scope="module")
def cluster(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    from rasa_servers import replica_cluster
    from shared_stores import replica_stores

    with replica_stores("prod") as stores, \
            replica_cluster(model, tmp_path_factory.mktemp("production"), 2, production=True,
                            CJ62_LOCK_LIFETIME=str(LOCK_LIFETIME), **stores) as running:
        yield running


def post(server, sender: str, text: str, message_id: str | None = None, *,  # noqa: ANN001
         timeout: float = TIMEOUT, session: requests.Session | None = None) -> requests.Response:
    body = {"sender": sender, "message": text, **({"message_id": message_id} if message_id else {})}
    return (session or requests).post(server.webhook(), json=body, headers=server.headers, timeout=timeout)


def joined(texts: list[str | None]) -> str:
    """Bot texts of a turn as one string (Rasa's REST output splits a text on its blank lines)."""
    return "\n\n".join((text or "").strip() for text in texts)


def check_turns(events: list[dict], sent: list[str], answers: list[list[dict]]) -> None:
    """Each message sent appears once, in order; each is followed by exactly the replies its request
    got (no interleaving with another turn), then the bot listens."""
    users = [e for e in events if e["event"] == "user"]
    assert [u["text"] for u in users] == sent
    turns: list[list[str | None]] = []
    greeting: list[str | None] = []  # said at the session's start, before the first message: its reply
    for event in events:
        if event["event"] == "user":
            turns.append(greeting if not turns else [])
        elif event["event"] == "bot":
            (turns[-1] if turns else greeting).append(event.get("text"))
    assert [joined(turn) for turn in turns] == [joined([a.get("text") for a in answer]) for answer in answers]
    listening = True
    for event in events:
        if event["event"] == "user":
            assert listening, "un message a commencé avant la fin du tour précédent"
            listening = False
        elif event["event"] == "action" and event["name"] == "action_listen":
            listening = True
    assert listening


# --- load ---------------------------------------------------------------------------------------


class Client:
    """A client as the issue asks them to behave: each message has its `message_id`; a request that
    fails (replica gone, timeout, 409 "still running", or our apology: nothing was kept) is sent
    again with the same id to the other replica, or to the one still alive. Records what happened."""

    def __init__(self, cluster) -> None:  # noqa: ANN001
        self.servers = cluster.servers
        self.alive = [True] * len(self.servers)
        self.lock = threading.Lock()
        self.statuses: list[int] = []
        self.retries: list[tuple[str, float]] = []  # (why the first attempt failed, seconds until answered)

    def _server(self, index: int):  # noqa: ANN202
        index = index if self.alive[index] else next(i for i, up in enumerate(self.alive) if up)
        return index, self.servers[index]

    def send(self, sender: str, text: str, message_id: str, first: int,
             session: requests.Session | None = None) -> list[dict]:
        reasons: list[str] = []
        started = time.monotonic()
        for attempt in range(ATTEMPTS):
            index, server = self._server((first + attempt) % len(self.servers))
            try:
                response = post(server, sender, text, message_id, session=session)
            except requests.ConnectionError:
                self.alive[index] = False
                reasons.append("connexion perdue")
                continue
            except requests.Timeout:
                reasons.append("délai dépassé")
                continue
            with self.lock:
                self.statuses.append(response.status_code)
            if response.status_code == 409:
                reasons.append("409")
                continue
            assert response.status_code == 200, (response.status_code, response.text[:200])
            answers = response.json()
            if answers and answers[-1].get("text") == APOLOGY:
                reasons.append("excuses")
                time.sleep(1)
                continue
            if reasons:
                with self.lock:
                    self.retries.append((", ".join(reasons), time.monotonic() - started))
            return answers
        raise AssertionError(f"{message_id} jamais traité : {reasons}")

    def report(self) -> str:
        longest = max((seconds for _, seconds in self.retries), default=0)
        return (f"{len(self.statuses)} réponses HTTP, {len(self.retries)} message(s) renvoyé(s) "
                f"({sorted({why for why, _ in self.retries})}), le plus long répondu en {longest:.1f} s")


def test_fifty_conversations_of_eight_turns_over_both_replicas(cluster) -> None:  # noqa: ANN001
    """50 concurrent conversations × 8 turns, turns alternating between the replicas: no 5xx, every
    message stored exactly once, every conversation's replies in order."""
    run = uuid.uuid4().hex[:6]
    client = Client(cluster)

    def conversation(index: int) -> tuple[str, list[list[dict]]]:
        sender = f"charge-{run}-{index}"
        with requests.Session() as session:
            return sender, [client.send(sender, text, f"{index}-{turn}", (index + turn) % 2, session)
                            for turn, text in enumerate(TURNS)]

    with ThreadPoolExecutor(max_workers=50) as pool:
        done = list(pool.map(conversation, range(50)))
    print("\ncharge :", client.report())
    assert not [status for status in client.statuses if status >= 500]
    for sender, answers in done:
        assert all(answers), sender  # every turn answered something
        check_turns(cluster.tracker(sender)["events"], TURNS, answers)


# --- an adviser's reply across replicas ---------------------------------------------------------


class Widget:
    """A socket.io client like the widget (long polling: python-engineio's websocket client needs a
    newer aiohttp than Rasa's; the websocket transport is tested in tests/rasa_ext/test_channel_socketio.py)."""

    def __init__(self) -> None:
        import socketio

        self.sio = socketio.AsyncClient(reconnection=False)
        self.uttered: asyncio.Queue = asyncio.Queue()
        self.confirmed: asyncio.Queue = asyncio.Queue()
        self.sio.on("bot_uttered", self.uttered.put_nowait)
        self.sio.on("session_confirm", self.confirmed.put_nowait)

    async def connect(self, url: str, origin: str) -> None:
        await self.sio.connect(url, headers={"Origin": origin}, socketio_path="socket.io", transports=["polling"],
                               wait_timeout=WAIT)

    async def start_session(self) -> str:
        await self.sio.emit("session_request", {"session_id": None})
        token = await asyncio.wait_for(self.confirmed.get(), WAIT)
        return token.split(".")[0]

    async def say(self, text: str) -> None:
        await self.sio.emit("user_uttered", {"message": text})

    async def next(self) -> dict:
        return await asyncio.wait_for(self.uttered.get(), WAIT)

    async def drain(self) -> None:
        """Wait for the replies of a turn: until no message comes for 3 s (bounded by WAIT)."""
        await self.next()
        while True:
            try:
                await asyncio.wait_for(self.uttered.get(), 3)
            except asyncio.TimeoutError:
                return


def test_an_adviser_reply_sent_through_replica_b_reaches_the_widget_on_replica_a(cluster) -> None:  # noqa: ANN001
    """The back office's delivery (bot.handoff.delivery.RasaClient, with the production JWT) goes to
    replica B; the widget is connected to replica A; python-socketio's Redis manager carries the emit.
    (tests/rasa_ext/test_channel_socketio.py proves the same with two channels in one process.)"""
    from rasa_servers import PRODUCTION_ORIGIN

    from bot import storage
    from bot.handoff.delivery import RasaClient
    from bot.handoff.repository import ContactRequestRepository

    a, b = cluster.servers

    async def scenario() -> dict:
        widget = Widget()
        await widget.connect(a.rasa_url, PRODUCTION_ORIGIN)
        try:
            sender = await widget.start_session()
            await widget.say("bonjour")  # the conversation's latest channel is now the widget's
            await widget.drain()
            repository = ContactRequestRepository(storage.session_factory(cluster.env["DATABASE_URL"]))
            request = repository.create(sender_id=sender, channel="socketio", territory="calaisis",
                                        kind="insertion", summary={})
            repository.add_message(request.reference, "herve@exemple.fr", "Je vous appelle demain à 10 h.",
                                   author_label="Hervé")
            outcome = await RasaClient(b.rasa_url, jwt_secret=cluster.jwt_secret).deliver(sender)
            assert outcome.ok, outcome
            return await widget.next()
        finally:
            await hang_up(widget.sio)

    received = asyncio.run(scenario())
    assert received["text"] == "Hervé (SLAI) : Je vous appelle demain à 10 h."


# --- the production surface ------------------------------------------------------------------------


def test_the_management_api_needs_a_jwt_while_the_webhooks_stay_open(cluster) -> None:  # noqa: ANN001
    """Production starts Rasa with --jwt-secret only: no JWT, a JWT signed with another secret, or the
    dev-style `?token=` give 401/403 on every management endpoint; the channels' webhooks answer."""
    import jwt

    server = cluster.servers[0]
    forged = jwt.encode({"user": {"username": "x", "role": "admin"}}, "un-autre-secret", algorithm="HS256")
    calls = [("GET", "/status"), ("GET", "/domain"),
             ("GET", "/conversations/quelquun/tracker"), ("POST", "/conversations/quelquun/execute"),
             ("POST", "/conversations/quelquun/messages"), ("POST", "/model/parse"), ("PUT", "/model"),
             ("DELETE", "/model"), ("POST", "/model/train")]
    for method, path in calls:
        for params, headers in (({}, {}), ({"token": server.token}, {}), ({}, {"Authorization": f"Bearer {forged}"})):
            response = requests.request(method, server.rasa_url + path, params=params, headers=headers,
                                        json={"name": "action_listen", "text": "bonjour"}, timeout=30)
            assert response.status_code in (401, 403), (method, path, response.status_code)
    params, headers = cluster.api_auth()
    assert requests.get(server.rasa_url + "/status", params=params, headers=headers, timeout=30).status_code == 200
    assert requests.get(server.rasa_url + "/webhooks/rest/", timeout=30).status_code == 200
    assert requests.get(server.rasa_url + "/webhooks/socketio/", timeout=30).status_code == 200


def test_a_rest_message_as_another_sender_is_refused_on_the_production_path(cluster) -> None:  # noqa: ANN001
    """REST is closed in production without `REST_TOKEN` (tests/rasa_ext/test_channel_rest.py proves the
    rule on the channel alone): here on real replicas, writing into someone's conversation by naming
    its `sender` is refused, and the conversation is unchanged."""
    a, b = cluster.servers
    victim = f"victime-{uuid.uuid4().hex[:8]}"
    assert post(a, victim, "bonjour").status_code == 200
    before = cluster.tracker(victim)["events"]
    for server in (a, b):
        for headers in ({}, {"X-Rest-Token": "faux"}, {"X-Rest-Token": ""}):
            response = requests.post(server.webhook(), json={"sender": victim, "message": "je suis toi"},
                                     headers=headers, timeout=30)
            assert response.status_code == 403, response.text
            assert response.json()["reason"] == "forbidden" and "je suis toi" not in response.text
    assert cluster.tracker(victim)["events"] == before


def test_a_socketio_connection_from_a_foreign_origin_is_refused(cluster) -> None:  # noqa: ANN001
    """On a real replica (tests/rasa_ext/test_channel_socketio.py covers polling and websocket, CORS and
    the French reason on the channel alone)."""
    import socketio
    from rasa_servers import PRODUCTION_ORIGIN

    server = cluster.servers[1]

    async def connects(origin: str | None) -> bool:
        client = socketio.AsyncClient(reconnection=False)
        headers = {"Origin": origin} if origin else {}
        try:
            await client.connect(server.rasa_url, headers=headers, socketio_path="socket.io",
                                 transports=["polling"], wait_timeout=WAIT)
        except socketio.exceptions.ConnectionError:
            return False
        await hang_up(client)
        return True

    assert asyncio.run(connects(PRODUCTION_ORIGIN))
    for origin in ("https://pirate.example", "http://localhost:8080", "null", None):
        assert not asyncio.run(connects(origin)), origin


def test_the_action_server_refuses_calls_without_its_token_and_echoes_nothing(cluster) -> None:  # noqa: ANN001
    """The running action server (tests/rasa_ext/test_action_server.py proves the same on the wrapper,
    with an action that fails quoting personal data)."""
    url = cluster.servers[0].actions_url
    body = {"next_action": "action_inexistante", "sender_id": "web-1", "version": "3.6.2", "domain": {},
            "tracker": {"sender_id": "web-1", "slots": {"commune": PLANTED_NAME},
                        "latest_message": {"text": PLANTED_NAME}, "events": [], "paused": False,
                        "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"}}
    assert requests.get(url + "/health", timeout=30).status_code == 200
    assert requests.get(url + "/actions", timeout=30).status_code == 401
    for headers in ({}, {"X-Action-Token": "faux"}):
        refused = requests.post(url + "/webhook", json=body, headers=headers, timeout=30)
        assert refused.status_code == 401 and "Tartempion" not in refused.text
    # With the token, an unknown action is an error: it quotes nothing of the request either.
    failed = requests.post(url + "/webhook", json=body, headers={"X-Action-Token": cluster.env["ACTION_TOKEN"]},
                           timeout=30)
    assert failed.status_code >= 400 and "Tartempion" not in failed.text and "web-1" not in failed.text


# --- the action server stopped -------------------------------------------------------------------


def test_the_action_server_stopped_mid_conversation_gets_an_apology_then_resumes(cluster) -> None:  # noqa: ANN001
    """Stock Rasa logs the failed action and stays silent; our channels answer a short French apology,
    keep nothing of that turn, and the form goes on once the action server is back."""
    a, b = cluster.servers
    sender = f"actions-{uuid.uuid4().hex[:8]}"
    assert "cherches" in texts(post(a, sender, "je cherche une aide").json())
    assert "âge" in texts(post(b, sender, '/inform{"besoin": "logement"}').json())
    cluster.stop("actions")
    try:
        during = post(a, sender, "17", "age-1")
        assert during.status_code == 200 and during.json() == [{"recipient_id": sender, "text": APOLOGY}]
        assert post(b, sender, "17").json() == [{"recipient_id": sender, "text": APOLOGY}]
    finally:
        cluster.restart("actions")
    after = post(a, sender, "17", "age-1")  # the client's retry, once the server is back
    assert "Pour le logement" in texts(after.json()), after.text
    state = cluster.tracker(sender)
    assert state["slots"]["age"] == 17 and state["slots"]["pending_fact"] == "groupe:logement"
    assert [e["text"] for e in state["events"] if e["event"] == "user"].count("17") == 1


# --- a replica killed ----------------------------------------------------------------------------


def test_a_replica_killed_under_load_loses_and_duplicates_nothing(cluster) -> None:  # noqa: ANN001
    """12 conversations × 8 turns over both replicas; replica B is killed with SIGKILL mid-load. A
    request that fails is sent again to the surviving replica with the same `message_id`: the dead
    replica's lock and message claim lapse within one lifetime (10 s), so the retry succeeds (each
    attempt bounded by TIMEOUT; the longest is printed), and every conversation holds each message
    exactly once with its own replies."""
    run = uuid.uuid4().hex[:6]
    client = Client(cluster)
    completed = threading.Semaphore(0)
    killed = threading.Event()

    def conversation(index: int) -> tuple[str, list[list[dict]]]:
        sender = f"panne-{run}-{index}"
        answers = []
        for turn, text in enumerate(TURNS):
            answers.append(client.send(sender, text, f"{index}-{turn}", (index + turn) % 2))
            completed.release()
        return sender, answers

    def killer() -> None:
        for _ in range(20):  # once the load is well under way
            if not completed.acquire(timeout=TIMEOUT):
                return
        cluster.kill("rasa1")
        killed.set()

    threading.Thread(target=killer, daemon=True).start()
    with ThreadPoolExecutor(max_workers=12) as pool:
        done = list(pool.map(conversation, range(12)))
    print("\nréplique tuée :", client.report())
    assert killed.is_set()
    assert any("connexion perdue" in why for why, _ in client.retries)  # requests were in flight
    assert not [status for status in client.statuses if status >= 500]
    for sender, answers in done:
        assert all(answers), sender
        check_turns(cluster.tracker(sender)["events"], TURNS, answers)


# --- logs ----------------------------------------------------------------------------------------


def test_planted_personal_data_is_in_no_log_file(cluster) -> None:  # noqa: ANN001
    """A name, a phone number and a date of birth said in conversations (free text, and the phone
    through the contact form and the action server) appear in no file of the servers' log directory
    (CONVENTIONS.md, "Logs"). Runs last: every test above has written its share of the logs."""
    a = cluster.servers[0]
    sender = f"perso-{uuid.uuid4().hex[:8]}"
    said = [f"je m'appelle {PLANTED_NAME}", f"mon numéro c'est le {PLANTED_PHONE}", f"je suis née le {PLANTED_BIRTH}",
            "je veux parler à quelqu'un", "oui", "Calais", "Par téléphone", PLANTED_PHONE, "Le matin"]
    for text in said:
        assert post(a, sender, text).status_code == 200
    users = [e["text"] for e in cluster.tracker(sender)["events"] if e["event"] == "user"]
    assert users == said  # the conversation really holds them
    planted = [PLANTED_NAME, "Tartempion", PLANTED_PHONE, PLANTED_PHONE.replace(" ", ""), PLANTED_BIRTH,
               "2007-04-03"]
    files = [path for path in cluster.workdir.rglob("*") if path.is_file()]
    assert any(path.suffix == ".log" and path.stat().st_size for path in files)
    for path in files:
        content = path.read_bytes().decode("utf-8", "replace")
        for value in planted:
            assert value not in content, f"{value!r} dans {path.name}"
