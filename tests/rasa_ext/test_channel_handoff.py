"""What our channels do while an adviser has a conversation (rasa_ext/channels/handoff.py): "annuler"
hands it back to the assistant without reaching Rasa; anything else goes to the adviser's thread."""

from __future__ import annotations

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ConversationPaused
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff.models import RequestStatus
from bot.handoff.repository import ContactRequestRepository
from bot.storage import migrate
from rasa_ext.channels.erasure import process_then_erase

SENDER = "web-abc"


class Agent:
    """The parts of Rasa's agent the channel uses; records the actions it executes."""

    def __init__(self, paused: bool) -> None:
        self.tracker_store = InMemoryTrackerStore(Domain.empty())
        self.lock_store = InMemoryLockStore()
        self.executed: list[str] = []
        self.paused = paused

    async def prepare(self) -> None:
        tracker = DialogueStateTracker(SENDER, slots=[])
        if self.paused:
            tracker.update(ConversationPaused())
        await self.tracker_store.save(tracker)

    async def execute_action(self, sender_id, action, output_channel, policy, confidence) -> None:  # noqa: ANN001
        self.executed.append(action)
        await output_channel.send_text_message(sender_id, "repris")


@pytest.fixture
def repository(tmp_path, monkeypatch) -> ContactRequestRepository:
    from bot.storage.engine import dispose_engines

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    dispose_engines()
    migrate()
    yield ContactRequestRepository()
    dispose_engines()


async def turn(agent: Agent, text: str) -> tuple[list[str], CollectingOutputChannel]:
    reached: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        reached.append(message.text)

    output = CollectingOutputChannel()
    await process_then_erase(UserMessage(text, output, SENDER, input_channel="socketio"), on_new_message, agent)
    return reached, output


async def test_annuler_hands_the_conversation_back_and_closes_the_request(repository) -> None:  # noqa: ANN001
    request = repository.create(sender_id=SENDER, channel="socketio", territory="calaisis", kind="insertion",
                                summary={})
    repository.take(request.reference, "herve@exemple.fr")
    agent = Agent(paused=True)
    await agent.prepare()
    reached, output = await turn(agent, "C'est bon merci")
    assert reached == [] and agent.executed == ["action_resume_bot"] and output.messages[0]["text"] == "repris"
    assert repository.get(request.reference).status == RequestStatus.CLOSE


async def test_other_messages_go_to_the_thread_and_to_rasa(repository) -> None:  # noqa: ANN001
    request = repository.create(sender_id=SENDER, channel="socketio", territory="calaisis", kind="insertion",
                                summary={})
    repository.take(request.reference, "herve@exemple.fr")
    agent = Agent(paused=True)
    await agent.prepare()
    reached, _ = await turn(agent, "oui demain 10h ça me va")
    assert reached == ["oui demain 10h ça me va"] and agent.executed == []
    thread = repository.get(request.reference).messages
    assert [(m.author, m.text) for m in thread] == [("jeune", "oui demain 10h ça me va")]
    assert repository.pending_messages(SENDER) == []  # the person's own words are never "delivered" back


async def test_annuler_in_a_conversation_nobody_has_is_an_ordinary_message(repository) -> None:  # noqa: ANN001
    agent = Agent(paused=False)
    await agent.prepare()
    reached, _ = await turn(agent, "annuler")
    assert reached == ["annuler"] and agent.executed == []
    reached, _ = await turn(None, "annuler")  # type: ignore[arg-type]
    assert reached == ["annuler"]
