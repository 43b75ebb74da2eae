"""A person takes over: the contact request from the chat, and the three actions the back office
runs through Rasa's HTTP API (`bot.handoff.delivery`): deliver an adviser's message, pause, resume.

Rasa runs no action while a conversation is paused, except those the API executes; it un-pauses
at each new session, so `action_session_start` (actions/safety.py) pauses again while a request
is `en_cours`, and our input channels resume on "annuler" (rasa_ext/channels/handoff.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, ConversationResumed, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import role_of, send, state_of, territory_of
from bot.answers import handoff as answers
from bot.answers.reply import Reply
from bot.clock import today
from bot.conversation.protocol import HANDOFF_FORM
from bot.conversation.questions import COMMUNE, Question, wording
from bot.eligibility.engine import ELIGIBLE
from bot.handoff.dialogue import HandoffState, kind_of, summary_of, transcript_of
from bot.handoff.models import Channel, ContactRequestError, PreferredContact, RequestKind
from bot.handoff.notify import notify_new_request
from bot.handoff.repository import ContactRequestRepository
from bot.prescription.validation import FieldError

logger = logging.getLogger(__name__)

HANDOFF_SLOTS = ("handoff_values", "handoff_answer")
# The three actions below run through Rasa's API (/execute), which predicts nothing after them:
# they end as a turn ends, listening, so that the next message meets the rules as usual.
LISTEN = ActionExecuted("action_listen")
NO_TERRITORY = "sans_territoire"  # handoff_outcome: the commune given is not one of the 62


async def adviser_has(sender_id: str) -> bool:
    """Whether an adviser has this conversation (a request `en_cours`). If the application
    database cannot be read, the assistant keeps answering rather than staying silent."""
    try:
        return await asyncio.to_thread(ContactRequestRepository().active_request_for, sender_id) is not None
    except SQLAlchemyError as error:
        logger.error("Handoff state unreadable (%s): the assistant answers.", type(error).__name__)
        return False


def channel_of(tracker: Tracker) -> str | None:
    return tracker.get_latest_input_channel()


def _channel(tracker: Tracker) -> str:
    try:
        return Channel(channel_of(tracker) or "rest").value
    except ValueError:
        return Channel.REST.value


def handoff_state(tracker: Tracker) -> HandoffState:
    return HandoffState.from_slots(channel_of(tracker), tracker.get_slot("handoff_values"))


class ActionOfferPerson(Action):
    """"Je veux parler à quelqu'un", or the assistant is stuck: the phone now, and the offer to pass it on."""

    def name(self) -> str:
        return "action_offer_person"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        reply = answers.offer(role_of(tracker), territory_of(tracker))
        return [*send(dispatcher, tracker, [reply]), SlotSet("pending_offer", "person")]


class ActionAskCommune(Action):
    """The contact request's first question when the territory is not known yet."""

    def name(self) -> str:
        return "action_ask_commune"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        return send(dispatcher, tracker, [wording(Question(COMMUNE), role_of(tracker))])


class ActionStartHandoff(Action):
    def name(self) -> str:
        return "action_start_handoff"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        return [SlotSet("pending_offer", None), *(SlotSet(name, None) for name in HANDOFF_SLOTS)]


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> str:
        return f"validate_{HANDOFF_FORM}"

    async def required_slots(self, domain_slots, dispatcher, tracker: Tracker, domain) -> list[str]:
        if territory_of(tracker) is None:
            return [] if tracker.get_slot("handoff_outcome") == NO_TERRITORY else ["commune"]
        return ["handoff_answer"] if handoff_state(tracker).next_step() else []

    def validate_commune(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if territory_of(tracker) is not None:
            return {}
        return {"commune": None, "handoff_outcome": NO_TERRITORY}

    def validate_handoff_answer(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        state = handoff_state(tracker)
        if not isinstance(value, str) or state.next_step() is None:
            return {"handoff_answer": None}
        try:
            state = state.answer(value)
        except FieldError as error:
            send(dispatcher, tracker, [Reply(str(error))])
            return {"handoff_answer": None}
        return {"handoff_answer": None, "handoff_values": state.as_slot()}


class ActionStopHandoff(Action):
    def name(self) -> str:
        return "action_stop_handoff"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        reply = answers.stopped(role_of(tracker), territory_of(tracker))
        return [*send(dispatcher, tracker, [reply]), *(SlotSet(n, None) for n in (*HANDOFF_SLOTS, "handoff_outcome"))]


class ActionExplainHandoff(Action):
    def name(self) -> str:
        return "action_explain_handoff"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        return send(dispatcher, tracker, [answers.why(role_of(tracker))])


class ActionAskHandoffAnswer(Action):
    def name(self) -> str:
        return "action_ask_handoff_answer"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        state = handoff_state(tracker)
        step = state.next_step()
        if step is None:
            return []
        return send(dispatcher, tracker, [answers.ask(step, role_of(tracker), state.channel)])


class ActionCreateContactRequest(Action):
    """Save the request with what the conversation knows, tell the person who answers and when."""

    def name(self) -> str:
        return "action_create_contact_request"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        role = role_of(tracker)
        territory = territory_of(tracker)
        cleared = [SlotSet(name, None) for name in (*HANDOFF_SLOTS, "handoff_outcome")]
        if territory is None:
            return [*send(dispatcher, tracker, [answers.no_territory(role)]), *cleared]
        repository = ContactRequestRepository()
        sender = tracker.sender_id
        existing = await asyncio.to_thread(repository.open_request_for, sender)
        if existing is not None:
            return [*send(dispatcher, tracker, [answers.already_open(role, existing.reference)]), *cleared]
        facts = state_of(tracker)
        schemes = [r.scheme.id for r in facts.orientation(today()).with_status(ELIGIBLE)]
        state = handoff_state(tracker)
        channel = _channel(tracker)
        try:
            request = await asyncio.to_thread(
                repository.create,
                sender_id=sender, channel=channel, territory=territory.id,
                kind=kind_of(tracker.get_slot("dispositif"), facts.yes, schemes),
                summary=summary_of(facts.role, facts.age, facts.commune, sorted(facts.yes), schemes),
                transcript=transcript_of(tracker.events, until_action=ActionStartHandoff().name()),
                preferred_contact=state.mode, contact_when=state.when, phone=state.phone, email=state.email,
                sheet_reference=tracker.get_slot("sheet_reference"),
            )
        except ContactRequestError:
            return [*send(dispatcher, tracker, [answers.no_territory(role)]), *cleared]
        await notify_new_request(request)
        reply = answers.receipt(role, request, territory, facts.alert, facts.age)
        return [*send(dispatcher, tracker, [reply]), *cleared]


async def request_for_sheet(tracker: Tracker, sheet) -> str | None:  # type: ignore[no-untyped-def]
    """A submitted sheet also makes a contact request for the SLAI, linked to it (the sheet holds
    the details: no transcript is copied). Its reference, or None if it could not be saved."""
    phone = sheet.values.get("prescripteur_telephone") if sheet.role == "professionnel" else None
    phone = phone or sheet.values.get("telephone")
    facts = state_of(tracker)
    try:
        request = await asyncio.to_thread(
            ContactRequestRepository().create,
            sender_id=tracker.sender_id, channel=_channel(tracker), territory=sheet.territory,
            kind=RequestKind.INSERTION, summary=summary_of(facts.role, facts.age, facts.commune, sorted(facts.yes),
                                                           [sheet.sheet_type.value]),
            preferred_contact=PreferredContact.TELEPHONE if phone else None, phone=phone,
            sheet_reference=sheet.reference,
        )
    except (ContactRequestError, SQLAlchemyError) as error:
        logger.error("No contact request for a sheet (%s).", type(error).__name__)
        return None
    await notify_new_request(request)
    return request.reference


class ActionPauseForAdviser(Action):
    """"Prendre en charge" in the back office: the assistant stops answering this conversation."""

    def name(self) -> str:
        return "action_pause_for_adviser"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        if tracker.is_paused():
            return [LISTEN]
        return [*send(dispatcher, tracker, [answers.paused(role_of(tracker))]), ConversationPaused(), LISTEN]


class ActionResumeBot(Action):
    """"Rendre la main au bot" in the back office (or "annuler" from the person, via our channel)."""

    def name(self) -> str:
        return "action_resume_bot"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        return [ConversationResumed(), *send(dispatcher, tracker, [answers.resumed(role_of(tracker))]), LISTEN]


class ActionDeliverAdviserMessage(Action):
    """Say the adviser messages of this conversation that it has not shown yet (the back office
    records the delivery once Rasa has answered)."""

    def name(self) -> str:
        return "action_deliver_adviser_message"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[EventType]:
        pending = await asyncio.to_thread(ContactRequestRepository().pending_messages, tracker.sender_id)
        for message in pending:
            dispatcher.utter_message(text=answers.adviser_message(message.author_label, message.text))
        return [LISTEN]
