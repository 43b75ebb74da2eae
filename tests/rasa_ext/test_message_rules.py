"""Inbound-message rules (rasa_ext/channels/messages.py), as pure functions."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Restarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext.channels import messages
from rasa_ext.channels.messages import MAX_TEXT_LENGTH, Inbound, Refused

ROLE_PAYLOAD = '/inform{"role":"jeune"}'


def refusal(function, *args) -> Refused:
    with pytest.raises(Refused) as caught:
        function(*args)
    return caught.value


# --- the request -----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"{", b"{'message': 'x'}", b"\xff\xfe\xfa", b"[" * 100_000])
def test_a_body_that_is_not_json_is_refused_in_french(raw: bytes) -> None:
    refused = refusal(messages.parse_body, raw)
    assert refused.reason == "invalid_json" and refused.bad_request
    assert "JSON" in refused.answer


@pytest.mark.parametrize("raw", [b"[]", b'"bonjour"', b"42", b"null", b"true"])
def test_a_body_that_is_not_an_object_is_refused(raw: bytes) -> None:
    assert refusal(messages.parse_body, raw).reason == "not_an_object"


def test_a_json_object_is_read() -> None:
    assert messages.parse_body(b'{"sender": "a", "message": "b"}') == {"sender": "a", "message": "b"}


@pytest.mark.parametrize("sender", [None, 42, "", "   ", "a\x00b", "x" * 256, ["a"], {"a": 1}, "\ud800"])
def test_a_sender_must_be_a_short_printable_string(sender: object) -> None:
    assert refusal(messages.read_sender, sender).reason == "invalid_sender"


@pytest.mark.parametrize("sender", ["a", "7f3c2b1a9e8d4c6b", "x" * 255, "utilisateur-éà 1"])
def test_a_valid_sender_is_kept_as_is(sender: str) -> None:
    assert messages.read_sender(sender) == sender


def test_metadata_must_be_an_object_of_reasonable_size() -> None:
    assert messages.read_metadata(None) is None
    assert messages.read_metadata({"button": True}) == {"button": True}
    for bad in ("{}", [1], 3, True, {"x": "y" * messages.MAX_METADATA_LENGTH}):
        assert refusal(messages.read_metadata, bad).reason == "invalid_metadata"
        assert messages.lenient_metadata(bad) == {}
    assert messages.lenient_metadata({"button": True}) == {"button": True}


# --- the text ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, 12, 1.5, True, ["bonjour"], {"text": "bonjour"}])
def test_a_message_that_is_not_a_string_is_a_bad_request(value: object) -> None:
    refused = refusal(messages.read_text, value)
    assert refused.reason == "invalid_message" and refused.bad_request
    assert refused.answer == messages.UNREADABLE


@pytest.mark.parametrize("value", ["", "   ", "\n\t \u00a0", "\x00\x01"])
def test_an_empty_message_gets_an_answer_not_an_error(value: str) -> None:
    refused = refusal(messages.read_text, value)
    assert refused.reason == "empty_message" and not refused.bad_request
    assert "je cherche un logement" in refused.answer


@pytest.mark.parametrize(
    "text",
    ["😀🏠", "<script>alert('x')</script>", "<b>logement</b>", "I need a flat", "أحتاج إلى سكن", "¿Dónde?"],
)
def test_emoji_html_and_other_languages_go_to_rasa_unchanged(text: str) -> None:
    assert messages.read_text(text) == Inbound(text)


def test_the_text_is_stripped() -> None:
    assert messages.read_text("  je cherche un logement \n") == Inbound("je cherche un logement")


@pytest.mark.parametrize("length", [MAX_TEXT_LENGTH + 1, 10_000, 20_000])
def test_a_long_text_keeps_its_beginning_and_its_end(length: int) -> None:
    text = "début " + ("logement " * (length // 9 + 1))[:length] + " et au final jveux plus vivre"
    inbound = messages.read_text(text)
    assert inbound.truncated
    assert len(inbound.text) <= MAX_TEXT_LENGTH
    head, tail = inbound.text.split(messages.ELLIPSIS)
    assert text.startswith(head) and text.endswith(tail) and tail.endswith("jveux plus vivre")


def test_a_text_of_exactly_the_limit_is_whole() -> None:
    assert messages.read_text("a" * MAX_TEXT_LENGTH) == Inbound("a" * MAX_TEXT_LENGTH)


def test_control_characters_and_lone_surrogates_are_neutralised() -> None:
    assert messages.read_text("log\x00ement\ud800") == Inbound("log ement\ufffd")
    json.dumps(messages.read_text("\udfff x").text).encode("utf-8")


def test_the_notices_never_quote_the_user_and_state_the_limit() -> None:
    assert "2 000" in messages.TRUNCATED_NOTICE
    for text in (messages.UNREADABLE, messages.APOLOGY, messages.INVALID_JSON, messages.NOT_AN_OBJECT):
        assert text and "{text}" not in text


# --- the slash rule --------------------------------------------------------------------------------


def test_an_offered_payload_goes_to_rasa_as_is() -> None:
    inbound = messages.apply_slash_rule(Inbound(ROLE_PAYLOAD), {ROLE_PAYLOAD})
    assert inbound.text == ROLE_PAYLOAD


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/restart", "restart"),
        ("//restart", "restart"),
        ("/ /restart", "restart"),
        ('/inform{"role":"structure"}', 'inform{"role":"structure"}'),
        ('/inform{"role":"professionnel"}', 'inform{"role":"professionnel"}'),
        ("/ bonjour", "bonjour"),
        ("bonjour /restart", "bonjour /restart"),
    ],
)
def test_a_slash_text_not_offered_loses_its_slashes(text: str, expected: str) -> None:
    assert messages.apply_slash_rule(Inbound(text), {ROLE_PAYLOAD}).text == expected


@pytest.mark.parametrize("text", ["/", "///", "/ / "])
def test_nothing_but_slashes_is_an_empty_message(text: str) -> None:
    assert refusal(messages.apply_slash_rule, Inbound(text.strip()), frozenset()).reason == "empty_message"


def test_truncation_is_remembered_through_the_slash_rule() -> None:
    assert messages.apply_slash_rule(Inbound("/x", truncated=True), ()) == Inbound("x", truncated=True)


def test_the_offered_payloads_are_every_button_of_the_conversation_since_its_restart() -> None:
    events = [
        BotUttered("Avant :", {"buttons": [{"title": "Oublié", "payload": "/oublie"}]}),
        Restarted(),
        BotUttered("Vous êtes ?", {"buttons": [{"title": "Pro", "payload": "/inform_pro"}]}),
        UserUttered("/inform_pro"),
        BotUttered("Vous êtes ?", {"buttons": [{"title": "Jeune", "payload": ROLE_PAYLOAD}]}),
        BotUttered("Ou bien :", {"quick_replies": [{"title": "Aide", "payload": "/aide"}]}),
        BotUttered("Une précision sans bouton."),
        SlotSet("role", None),
        ActionExecuted("action_listen"),
    ]
    assert messages.offered_payloads(events) == {"/inform_pro", ROLE_PAYLOAD, "/aide"}  # an earlier button too
    assert messages.offered_payloads(events[:2]) == frozenset()
    assert messages.offered_payloads([]) == frozenset()


def test_malformed_buttons_are_ignored() -> None:
    events = [BotUttered("?", {"buttons": ["/a", {"title": "x"}, {"payload": 3}, {"payload": " /b "}, None]})]
    assert messages.offered_payloads(events) == {"/b"}


class Agent:
    """The one attribute of Rasa's Agent the slash rule uses."""

    def __init__(self, tracker_store: object) -> None:
        self.tracker_store = tracker_store


async def store_with(sender_id: str, *events) -> InMemoryTrackerStore:
    store = InMemoryTrackerStore(Domain.empty())
    await store.save(DialogueStateTracker.from_events(sender_id, list(events)))
    return store


@pytest.mark.asyncio
async def test_prepare_text_reads_the_buttons_from_the_tracker_store() -> None:
    offered = BotUttered("Vous êtes ?", {"buttons": [{"title": "Jeune", "payload": ROLE_PAYLOAD}]})
    agent = Agent(await store_with("s1", ActionExecuted("action_listen"), offered))
    assert (await messages.prepare_text(ROLE_PAYLOAD, "s1", agent)).text == ROLE_PAYLOAD
    assert (await messages.prepare_text("/restart", "s1", agent)).text == "restart"
    assert (await messages.prepare_text(ROLE_PAYLOAD, "someone-else", agent)).text == ROLE_PAYLOAD[1:]
    assert (await messages.prepare_text(ROLE_PAYLOAD, "s1", None)).text == ROLE_PAYLOAD[1:]


@pytest.mark.asyncio
async def test_a_failing_store_means_nothing_offered() -> None:
    class BrokenStore:
        async def retrieve(self, sender_id: str) -> None:
            raise ConnectionError("base indisponible")

    assert (await messages.prepare_text(ROLE_PAYLOAD, "s1", Agent(BrokenStore()))).text == ROLE_PAYLOAD[1:]


@pytest.mark.asyncio
async def test_the_tracker_is_read_only_for_a_slash_text() -> None:
    class CountingStore(InMemoryTrackerStore):
        reads = 0

        async def retrieve(self, sender_id: str):
            CountingStore.reads += 1
            return await super().retrieve(sender_id)

    agent = Agent(CountingStore(Domain.empty()))
    await messages.prepare_text("je cherche un logement", "s1", agent)
    assert CountingStore.reads == 0
    await messages.prepare_text("/restart", "s1", agent)
    assert CountingStore.reads == 1


# --- properties --------------------------------------------------------------------------------------

payload_sets = st.frozensets(st.text(min_size=1, max_size=40).map(lambda text: "/" + text.strip()), max_size=4)


@given(value=st.text(max_size=3 * MAX_TEXT_LENGTH), offered=payload_sets)
def test_any_text_gives_a_bounded_clean_text_or_a_french_refusal(value: str, offered: frozenset[str]) -> None:
    try:
        inbound = messages.apply_slash_rule(messages.read_text(value), offered)
    except Refused as refused:
        assert refused.answer == messages.UNREADABLE
        return
    assert 0 < len(inbound.text) <= MAX_TEXT_LENGTH
    assert inbound.text == inbound.text.strip()
    assert inbound.text in offered or not inbound.text.startswith("/")
    assert inbound.truncated == (len(messages.clean(value).strip()) > MAX_TEXT_LENGTH)
    inbound.text.encode("utf-8")  # no lone surrogate left


@given(value=st.one_of(st.none(), st.integers(), st.floats(), st.booleans(), st.lists(st.text()), st.binary()))
def test_any_non_string_is_refused_as_unreadable(value: object) -> None:
    assert refusal(messages.read_text, value).answer == messages.UNREADABLE


@given(raw=st.binary(max_size=200))
def test_any_body_is_parsed_or_refused(raw: bytes) -> None:
    try:
        assert isinstance(messages.parse_body(raw), dict)
    except Refused as refused:
        assert refused.reason in {"invalid_json", "not_an_object"}


def test_a_failure_is_described_without_its_message() -> None:
    try:
        {}["je cherche un logement à Calais"]
    except KeyError as error:
        described = messages.describe_failure(error)
    assert described.startswith("KeyError at ")
    assert "Calais" not in described
