"""The prescription sheet in the conversation: consent, one field at a time, summary, saving.

Personal values live in the slot `sheet_values` only while the sheet is being filled (Rasa's
events are encrypted at rest by our tracker store); once saved, the slot is emptied and only
the reference remains.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import role_of, send, state_of, territory_of
from actions.handoff import request_for_sheet
from bot.answers import handoff as handoff_answers
from bot.answers import sheet as answers
from bot.answers.contacts import slai_line
from bot.clock import PARIS, today
from bot.extraction import SKIP_ANSWER, correction_target
from bot.handoff.notify import notify_sheet_transmitted
from bot.prescription.fields import summary
from bot.prescription.repository import SheetRepository
from bot.prescription.validation import FieldError
from bot.sheet_dialogue import SheetState, find_field

META_CHANNELS = frozenset({"facebook", "instagram", "messenger", "meta"})
STOPPED, REFUSED = "stopped", "refused"
SHEET_SLOTS = ("sheet_type", "sheet_values", "sheet_skipped", "sheet_field", "sheet_consent", "sheet_consent_at",
               "sheet_answer", "sheet_confirm", "sheet_outcome")


def sheet_state(tracker: Tracker) -> SheetState:
    role = role_of(tracker) if role_of(tracker) in ("jeune", "professionnel") else "jeune"
    return SheetState.from_slots(tracker.get_slot("sheet_type") or "graine_de", role,
                                 tracker.get_slot("sheet_values"), tracker.get_slot("sheet_skipped"))


def on_meta(tracker: Tracker) -> bool:
    return (tracker.get_latest_input_channel() or "") in META_CHANNELS


def _slai(tracker: Tracker) -> str | None:
    territory = territory_of(tracker)
    return slai_line(territory) if territory else None


class ActionStartSheet(Action):
    """Prepare a sheet of the right type, pre-filled with what the orientation already knows."""

    def name(self) -> str:
        return "action_start_sheet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[EventType]:
        facts = state_of(tracker)
        state = SheetState.start(facts.role, facts.age, facts.commune, facts.yes, facts.no)
        events = [SlotSet(name, None) for name in SHEET_SLOTS]
        return [*events, SlotSet("sheet_type", state.sheet_type), SlotSet("sheet_values", state.encoded()),
                SlotSet("sheet_skipped", [])]


class ValidateSheetForm(FormValidationAction):
    def name(self) -> str:
        return "validate_sheet_form"

    async def required_slots(self, domain_slots, dispatcher, tracker: Tracker, domain) -> list[str]:
        if on_meta(tracker) or tracker.get_slot("sheet_outcome") in (STOPPED, REFUSED):
            return []
        consent = tracker.get_slot("sheet_consent")
        # rasa-sdk validates only the slots this returns, computed with this turn's answer already
        # in: a consent given now must still be listed, so that its time (or the refusal) is recorded.
        if consent is None or (consent is True and not tracker.get_slot("sheet_consent_at")) or \
                (consent is False and tracker.get_slot("sheet_outcome") != REFUSED):
            return ["sheet_consent"]
        if consent is False:
            return []
        if sheet_state(tracker).next_field(today()) is not None:
            return ["sheet_answer"]
        return [] if tracker.get_slot("sheet_confirm") == "oui" else ["sheet_confirm"]

    def validate_sheet_consent(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if value is True:
            return {"sheet_consent": True, "sheet_consent_at": dt.datetime.now(PARIS).isoformat()}
        if value is False:
            return {"sheet_consent": False, "sheet_outcome": REFUSED}
        return {"sheet_consent": None}

    def validate_sheet_answer(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        state = sheet_state(tracker)
        target = state.next_field(today())
        if target is None or not isinstance(value, str):
            return {"sheet_answer": None}
        try:
            state = state.skip(target) if value == SKIP_ANSWER else state.answer(target, value, today())
        except FieldError as error:
            send(dispatcher, tracker, [answers.Reply(str(error))])
            if error.code == "hors_62":
                return {"sheet_answer": None, "sheet_outcome": STOPPED}
            return {"sheet_answer": None}
        return {"sheet_answer": None, "sheet_values": state.encoded(), "sheet_skipped": sorted(state.skipped)}

    def validate_sheet_confirm(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if value == "oui":
            return {"sheet_confirm": "oui"}
        state = sheet_state(tracker)
        fields = state.fields(today())
        target = correction_target(value)
        found = find_field(target, fields) if target else None
        if found is None:
            send(dispatcher, tracker, [answers.which_to_correct(fields, state.role)])
            return {"sheet_confirm": "corriger"}
        state = state.clear(found)
        return {"sheet_confirm": None, "sheet_values": state.encoded(), "sheet_skipped": sorted(state.skipped)}


class ActionAskSheetConsent(Action):
    def name(self) -> str:
        return "action_ask_sheet_consent"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        return send(dispatcher, tracker, [answers.ask_consent(sheet_state(tracker).role)])


class ActionAskSheetAnswer(Action):
    def name(self) -> str:
        return "action_ask_sheet_answer"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        state = sheet_state(tracker)
        target = state.next_field(today())
        if target is None:
            return []
        return [*send(dispatcher, tracker, [answers.ask_field(target, state.role)]), SlotSet("sheet_field", target.id)]


class ActionAskSheetConfirm(Action):
    def name(self) -> str:
        return "action_ask_sheet_confirm"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        if tracker.get_slot("sheet_confirm") == "corriger":
            return []  # the validation just asked which information to correct
        state = sheet_state(tracker)
        return send(dispatcher, tracker, [answers.summary(summary(state.fields(today()), state.values), state.role)])


class ActionExplainSheetQuestion(Action):
    def name(self) -> str:
        return "action_explain_sheet_question"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        role = sheet_state(tracker).role
        if tracker.get_slot("requested_slot") == "sheet_consent":
            return send(dispatcher, tracker, [answers.full_notice(role)])  # "En savoir plus"
        return send(dispatcher, tracker, [answers.why_field(role)])


def _forget() -> list[EventType]:
    return [SlotSet(name, None) for name in SHEET_SLOTS]


class ActionStopSheet(Action):
    """"Stop" while filling the sheet: nothing is kept."""

    def name(self) -> str:
        return "action_stop_sheet"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        return [*send(dispatcher, tracker, [answers.stopped(sheet_state(tracker).role)]), *_forget()]


class ActionFinishSheet(Action):
    """After the form: save the confirmed sheet, or say why nothing was saved."""

    def name(self) -> str:
        return "action_finish_sheet"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        state = sheet_state(tracker)
        role = state.role
        if on_meta(tracker):
            return [*send(dispatcher, tracker, [answers.not_here(role, _slai(tracker))]), *_forget()]
        outcome = tracker.get_slot("sheet_outcome")
        if outcome == REFUSED:
            return [*send(dispatcher, tracker, [answers.refused(role, _slai(tracker))]), *_forget()]
        if outcome == STOPPED or tracker.get_slot("sheet_confirm") != "oui":
            return [*send(dispatcher, tracker, [answers.stopped(role)]), *_forget()]
        consent_at = dt.datetime.fromisoformat(tracker.get_slot("sheet_consent_at"))
        sheet = await asyncio.to_thread(
            SheetRepository().create, state.sheet_type, role, state.values,
            consent_at=consent_at, sender_id=tracker.sender_id, transmit=True,
        )
        from bot.prescription.fields import slai_contact

        await notify_sheet_transmitted(sheet)
        replies = [answers.saved(sheet, slai_contact(sheet.territory), role)]
        request = await request_for_sheet(tracker, sheet)
        if request is not None:
            replies.append(handoff_answers.sheet_follow_up(role, request))
        return [*send(dispatcher, tracker, replies), *_forget(), SlotSet("sheet_reference", sheet.reference)]
