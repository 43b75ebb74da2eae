"""Saving, finding and changing contact requests and adviser messages.

`ContactRequestRepository(session_factory, cipher)` (both default to `DATABASE_URL` and
`CJ62_FERNET_KEY`, resolved on first use), synchronous like `SheetRepository`: every method runs
in its own transaction and returns decrypted dataclasses (`models`). From async code, call it
through `asyncio.to_thread`.

References are `DC-<year of creation in Europe/Paris>-<number>`, the number from the database
sequence `contact_request_reference`, unique across processes.

Nothing here logs a value: log lines carry references, statuses, territories and account ids.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from bot.clock import PARIS
from bot.crypto import PHONE, SENDER
from bot.handoff.models import (
    ACTOR_BOT,
    ACTOR_YOUNG,
    LAST_MESSAGES_KEPT,
    MAX_ACTOR_LENGTH,
    MAX_MESSAGE_LENGTH,
    MAX_REASON_LENGTH,
    PERSON_LABEL,
    REFERENCE_SEQUENCE,
    TRANSITIONS,
    AdviserMessage,
    AdviserMessageRecord,
    Channel,
    ContactRequest,
    ContactRequestError,
    ContactRequestNotFound,
    ContactRequestRecord,
    DeliveryState,
    EventKind,
    PreferredContact,
    RequestEvent,
    RequestEventRecord,
    RequestKind,
    RequestStatus,
    Summary,
    TranscriptLine,
    format_reference,
)
from bot.storage.engine import read_session, write_session
from bot.storage.repository import Clock, Repository
from bot.storage.sequences import next_value

logger = logging.getLogger(__name__)
DEFAULT_PAGE = 200



def _check_actor(actor: str) -> str:
    if not isinstance(actor, str) or not actor.strip() or len(actor) > MAX_ACTOR_LENGTH or actor != actor.strip():
        raise ContactRequestError("Auteur invalide : « jeune », « assistant » ou l'identifiant d'un compte.")
    return actor


def _aware(moment: dt.datetime | None, clock: Clock) -> dt.datetime:
    if moment is None:
        return clock()
    if not isinstance(moment, dt.datetime) or moment.tzinfo is None:
        raise ValueError("an aware datetime is expected")
    return moment


def _territory(territory: str) -> str:
    from bot.knowledge import TERRITORY_IDS

    if territory not in TERRITORY_IDS:
        raise ContactRequestError("Territoire inconnu.")
    return territory


def _text(value: str, limit: int, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContactRequestError(f"{what} est vide.")
    value = value.strip()
    if len(value) > limit:
        raise ContactRequestError(f"{what} dépasse {limit} caractères.")
    return value


def _transcript(lines: Iterable[str | TranscriptLine | Mapping[str, Any]]) -> list[dict[str, str]]:
    """The last `LAST_MESSAGES_KEPT` lines; a bare string is a message of the young person."""
    kept: list[dict[str, str]] = []
    for line in lines:
        if isinstance(line, str):
            author, text = ACTOR_YOUNG, line
        elif isinstance(line, TranscriptLine):
            author, text = line.author, line.text
        else:
            author, text = str(line.get("author") or ACTOR_YOUNG), str(line.get("text") or "")
        if author not in (ACTOR_YOUNG, ACTOR_BOT):
            raise ContactRequestError("Une ligne de la conversation vient du ou de la jeune ou de l'assistant.")
        if text.strip():
            kept.append({"author": author, "text": text[:MAX_MESSAGE_LENGTH]})
    return kept[-LAST_MESSAGES_KEPT:]


class ContactRequestRepository(Repository):
    """Contact requests and adviser messages in the application database (see the module doc)."""

    # --- from the conversation --------------------------------------------------------------

    def create(
        self,
        *,
        sender_id: str,
        channel: Channel | str,
        territory: str,
        kind: RequestKind | str,
        summary: Summary | Mapping[str, Any],
        transcript: Sequence[str | TranscriptLine | Mapping[str, Any]] = (),
        preferred_contact: PreferredContact | str | None = None,
        contact_when: str | None = None,
        phone: str | None = None,
        email: str | None = None,
        sheet_reference: str | None = None,
        now: dt.datetime | None = None,
    ) -> ContactRequest:
        """Save a new request (`nouvelle`). `transcript`: the last messages, oldest first (a
        string is the young person's). The preferred contact may come later
        (`set_contact_preference`)."""
        if not isinstance(sender_id, str) or not sender_id:
            raise ContactRequestError("Identifiant de conversation manquant.")
        try:
            channel, kind = Channel(channel), RequestKind(kind)
            preferred = PreferredContact(preferred_contact) if preferred_contact else None
        except ValueError:
            raise ContactRequestError("Canal, type de demande ou préférence de contact inconnu.") from None
        summary = summary if isinstance(summary, Summary) else Summary.from_json(summary)
        now = _aware(now, self._clock)
        crypto = self.cipher
        record = ContactRequestRecord(
            territory=_territory(territory),
            kind=kind.value,
            status=RequestStatus.NOUVELLE.value,
            channel=channel.value,
            sender_index=crypto.blind_index(SENDER, sender_id),
            sender_id=crypto.encrypt(sender_id),
            summary=crypto.encrypt_json(summary.as_json()),
            transcript=crypto.encrypt_json(_transcript(transcript)),
            sheet_reference=sheet_reference or None,
            created_at=now,
            status_changed_at=now,
        )
        self._set_contact(record, preferred, contact_when, phone, email)
        with write_session(self.sessions) as session:
            number = next_value(session, REFERENCE_SEQUENCE)
            record.reference = format_reference(now.astimezone(PARIS).year, number)
            record.events.append(RequestEventRecord(kind=EventKind.CREATION.value, actor=ACTOR_BOT, at=now,
                                                    to_territory=record.territory))
            session.add(record)
            session.flush()
            request = self._request(record)
        logger.info("Contact request %s created (%s, %s, %s).", request.reference, request.territory,
                    request.kind.value, request.channel.value)
        return request

    def set_contact_preference(self, reference: str, preferred_contact: PreferredContact | str, *,
                               contact_when: str | None = None, phone: str | None = None,
                               email: str | None = None, now: dt.datetime | None = None) -> ContactRequest:
        """Record how and when the person prefers to be contacted (asked after the request is made)."""
        try:
            preferred = PreferredContact(preferred_contact)
        except ValueError:
            raise ContactRequestError("Préférence de contact inconnue.") from None
        now = _aware(now, self._clock)
        with write_session(self.sessions) as session:
            record = self._record(session, reference, lock=True)
            self._set_contact(record, preferred, contact_when, phone, email)
            record.events.append(RequestEventRecord(kind=EventKind.PREFERENCE.value, actor=ACTOR_YOUNG, at=now))
            request = self._request(record)
        logger.info("Contact request %s: preferred contact %s.", reference, preferred.value)
        return request

    def _set_contact(self, record: ContactRequestRecord, preferred: PreferredContact | None,
                     when: str | None, phone: str | None, email: str | None) -> None:
        crypto = self.cipher
        record.preferred_contact = preferred.value if preferred else None
        record.contact_when = crypto.encrypt(when.strip()[:MAX_REASON_LENGTH]) if when and when.strip() else None
        details = {key: value.strip() for key, value in (("telephone", phone), ("email", email))
                   if isinstance(value, str) and value.strip()}
        record.contact = crypto.encrypt_json(details) if details else None
        record.phone_index = crypto.blind_index(PHONE, details.get("telephone", ""))

    # --- reading ----------------------------------------------------------------------------

    def get(self, reference: str) -> ContactRequest | None:
        with read_session(self.sessions) as session:
            query = self._full().where(ContactRequestRecord.reference == reference)
            record = session.execute(query).scalar_one_or_none()
            return self._request(record) if record is not None else None

    def search(
        self,
        territories: Iterable[str] | None,
        status: RequestStatus | str | None = None,
        kind: RequestKind | str | None = None,
        *,
        limit: int = DEFAULT_PAGE,
        offset: int = 0,
    ) -> list[ContactRequest]:
        """Requests of `territories` (None: every territory), newest first."""
        query = self._full()
        if territories is not None:
            query = query.where(ContactRequestRecord.territory.in_(list(territories)))
        if status:
            query = query.where(ContactRequestRecord.status == RequestStatus(status).value)
        if kind:
            query = query.where(ContactRequestRecord.kind == RequestKind(kind).value)
        query = query.order_by(ContactRequestRecord.created_at.desc(), ContactRequestRecord.id.desc())
        with read_session(self.sessions) as session:
            return [self._request(r) for r in session.execute(query.limit(limit).offset(offset)).scalars()]

    def count_by_status(self, territories: Iterable[str] | None) -> dict[RequestStatus, int]:
        query = sa.select(ContactRequestRecord.status, sa.func.count()).group_by(ContactRequestRecord.status)
        if territories is not None:
            query = query.where(ContactRequestRecord.territory.in_(list(territories)))
        with read_session(self.sessions) as session:
            found = dict(session.execute(query).all())
        return {status: int(found.get(status.value, 0)) for status in RequestStatus}

    def active_request_for(self, sender_id: str) -> ContactRequest | None:
        """The `en_cours` request of the conversation `sender_id` (the chat stays paused while there is one)."""
        return self._latest_for(sender_id, (RequestStatus.EN_COURS,))

    def open_request_for(self, sender_id: str) -> ContactRequest | None:
        """The newest `nouvelle` or `en_cours` request of the conversation (to avoid asking twice)."""
        return self._latest_for(sender_id, (RequestStatus.NOUVELLE, RequestStatus.EN_COURS))

    def _latest_for(self, sender_id: str, statuses: Sequence[RequestStatus]) -> ContactRequest | None:
        indexes = self.cipher.blind_indexes(SENDER, sender_id)
        if not indexes:
            return None
        query = (
            self._full()
            .where(ContactRequestRecord.sender_index.in_(indexes))
            .where(ContactRequestRecord.status.in_([s.value for s in statuses]))
            .order_by(ContactRequestRecord.created_at.desc(), ContactRequestRecord.id.desc())
            .limit(1)
        )
        with read_session(self.sessions) as session:
            record = session.execute(query).scalar_one_or_none()
            return self._request(record) if record is not None else None

    def pending_messages(self, sender_id: str) -> list[AdviserMessage]:
        """Adviser messages of the conversation that it has not shown yet (not `delivre`), oldest first."""
        indexes = self.cipher.blind_indexes(SENDER, sender_id)
        if not indexes:
            return []
        query = (
            sa.select(AdviserMessageRecord, ContactRequestRecord.reference)
            .join(ContactRequestRecord, AdviserMessageRecord.request_id == ContactRequestRecord.id)
            .where(ContactRequestRecord.sender_index.in_(indexes))
            .where(AdviserMessageRecord.delivery_state != DeliveryState.DELIVRE.value)
            .order_by(AdviserMessageRecord.created_at, AdviserMessageRecord.id)
        )
        with read_session(self.sessions) as session:
            return [self._message(record, reference) for record, reference in session.execute(query).all()]

    def references_of_sender(self, sender_id: str) -> list[str]:
        indexes = self.cipher.blind_indexes(SENDER, sender_id)
        with read_session(self.sessions) as session:
            return list(session.execute(
                sa.select(ContactRequestRecord.reference).where(ContactRequestRecord.sender_index.in_(indexes))
                .order_by(ContactRequestRecord.id)
            ).scalars())

    # --- from the back office ---------------------------------------------------------------

    def take(self, reference: str, adviser: str, *, now: dt.datetime | None = None) -> ContactRequest:
        """The adviser takes the request (→ `en_cours`, assigned to them); re-opens a closed one."""
        return self._move(reference, RequestStatus.EN_COURS, adviser, EventKind.PRISE_EN_CHARGE, now)

    def close(self, reference: str, actor: str, *, now: dt.datetime | None = None) -> ContactRequest:
        """→ `close` (the adviser hands back to the bot, or the young person says it is settled)."""
        return self._move(reference, RequestStatus.CLOSE, actor, EventKind.CLOTURE, now)

    def _move(self, reference: str, to: RequestStatus, actor: str, event: EventKind,
              now: dt.datetime | None) -> ContactRequest:
        actor = _check_actor(actor)
        now = _aware(now, self._clock)
        with write_session(self.sessions) as session:
            record = self._record(session, reference, lock=True)
            self._change(record, to, actor, now)
            record.events.append(RequestEventRecord(kind=event.value, actor=actor, at=now))
            request = self._request(record)
        logger.info("Contact request %s: %s by %s.", reference, to.value, _actor_kind(actor))
        return request

    def _change(self, record: ContactRequestRecord, to: RequestStatus, actor: str, now: dt.datetime) -> None:
        current = RequestStatus(record.status)
        if to not in TRANSITIONS[current]:
            raise ContactRequestError(f"Une demande « {current.label} » ne peut pas passer à « {to.label} ».")
        if to == RequestStatus.EN_COURS and actor not in (ACTOR_YOUNG, ACTOR_BOT):
            record.assigned_to = actor
        if to == RequestStatus.CLOSE:
            record.closed_at = now
        elif current == RequestStatus.CLOSE:
            record.closed_at = None
        if to != current:
            record.status = to.value
            record.status_changed_at = now

    def transfer(self, reference: str, territory: str, adviser: str, reason: str, *,
                 now: dt.datetime | None = None) -> ContactRequest:
        """Move the request to another territory's inbox, with a reason (kept encrypted in its history).

        The status stays (an `en_cours` conversation stays paused) and nobody is assigned: the
        other territory takes it.
        """
        adviser = _check_actor(adviser)
        territory = _territory(territory)
        reason = _text(reason, MAX_REASON_LENGTH, "Le motif du transfert")
        now = _aware(now, self._clock)
        with write_session(self.sessions) as session:
            record = self._record(session, reference, lock=True)
            if record.territory == territory:
                raise ContactRequestError("La demande est déjà dans ce territoire.")
            if record.status == RequestStatus.CLOSE.value:
                raise ContactRequestError("Une demande close ne se transfère pas : prenez-la en charge d'abord.")
            record.events.append(RequestEventRecord(
                kind=EventKind.TRANSFERT.value, actor=adviser, at=now, from_territory=record.territory,
                to_territory=territory, reason=self.cipher.encrypt(reason),
            ))
            previous, record.territory, record.assigned_to = record.territory, territory, None
            request = self._request(record)
        logger.info("Contact request %s transferred from %s to %s by %s.", reference, previous, territory,
                    _actor_kind(adviser))
        return request

    def add_message(self, reference: str, adviser: str, text: str, *, author_label: str | None = None,
                    now: dt.datetime | None = None) -> AdviserMessage:
        """Store an adviser's message (`en_attente`); a `nouvelle` request becomes theirs (`en_cours`).

        Deliver it afterwards (`bot.handoff.delivery`) and record the outcome with `mark_delivery`.
        """
        adviser = _check_actor(adviser)
        text = _text(text, MAX_MESSAGE_LENGTH, "Le message")
        now = _aware(now, self._clock)
        with write_session(self.sessions) as session:
            record = self._record(session, reference, lock=True)
            if record.status == RequestStatus.CLOSE.value:
                raise ContactRequestError("La demande est close : prenez-la en charge pour écrire.")
            if record.status == RequestStatus.NOUVELLE.value:
                self._change(record, RequestStatus.EN_COURS, adviser, now)
                record.events.append(RequestEventRecord(kind=EventKind.PRISE_EN_CHARGE.value, actor=adviser, at=now))
            if record.first_reply_at is None:
                record.first_reply_at = now
            message = AdviserMessageRecord(
                author=adviser, author_label=(author_label or "Votre conseiller ou conseillère")[:200],
                text=self.cipher.encrypt(text), created_at=now, delivery_state=DeliveryState.EN_ATTENTE.value,
            )
            record.messages.append(message)
            session.flush()
            result = self._message(message, record.reference)
        logger.info("Contact request %s: message %s by %s.", reference, result.id, _actor_kind(adviser))
        return result

    def add_reply_from_person(self, reference: str, text: str, *, now: dt.datetime | None = None) -> AdviserMessage:
        """Store what the person wrote in the chat while an adviser has it (Rasa does not answer then),
        so that the adviser reads it in the request's thread. Never delivered: it comes from the chat."""
        text = _text(text, MAX_MESSAGE_LENGTH, "Le message")
        now = _aware(now, self._clock)
        with write_session(self.sessions) as session:
            record = self._record(session, reference, lock=True)
            message = AdviserMessageRecord(
                author=ACTOR_YOUNG, author_label=PERSON_LABEL, text=self.cipher.encrypt(text), created_at=now,
                delivery_state=DeliveryState.DELIVRE.value, delivered_at=now,
            )
            record.messages.append(message)
            session.flush()
            result = self._message(message, record.reference)
        logger.info("Contact request %s: message %s from the person.", reference, result.id)
        return result

    def mark_delivery(self, message_id: int, state: DeliveryState | str, reason: str | None = None, *,
                      now: dt.datetime | None = None) -> AdviserMessage:
        """Record whether a message reached the conversation (`reason`: one of our fixed phrases)."""
        state = DeliveryState(state)
        now = _aware(now, self._clock)
        with write_session(self.sessions) as session:
            found = session.execute(
                sa.select(AdviserMessageRecord, ContactRequestRecord.reference)
                .join(ContactRequestRecord, AdviserMessageRecord.request_id == ContactRequestRecord.id)
                .where(AdviserMessageRecord.id == message_id)
            ).one_or_none()
            if found is None:
                raise ContactRequestNotFound("Message introuvable.")
            message, reference = found
            message.delivery_state = state.value
            message.delivery_reason = reason[:200] if reason and state == DeliveryState.NON_DELIVRE else None
            message.delivered_at = now if state == DeliveryState.DELIVRE else None
            result = self._message(message, reference)
        logger.info("Adviser message %s of %s: %s.", message_id, reference, state.value)
        return result

    def delete(self, reference: str) -> int:
        """Erase one request with its messages and history (an admin's erasure); returns 1 or 0."""
        with write_session(self.sessions) as session:
            ids = list(session.execute(
                sa.select(ContactRequestRecord.id).where(ContactRequestRecord.reference == reference)
            ).scalars())
            delete_requests(session, ids)
        return len(ids)

    # --- internals --------------------------------------------------------------------------

    @staticmethod
    def _full() -> sa.sql.Select:
        return sa.select(ContactRequestRecord).options(
            selectinload(ContactRequestRecord.messages), selectinload(ContactRequestRecord.events),
        )

    @staticmethod
    def _record(session: Session, reference: str, lock: bool = False) -> ContactRequestRecord:
        query = sa.select(ContactRequestRecord).where(ContactRequestRecord.reference == reference)
        if lock:
            query = query.with_for_update()
        record = session.execute(query).scalar_one_or_none()
        if record is None:
            raise ContactRequestNotFound("Aucune demande ne porte cette référence.")
        return record

    def _message(self, record: AdviserMessageRecord, reference: str) -> AdviserMessage:
        return AdviserMessage(
            id=record.id, reference=reference, author=record.author, author_label=record.author_label,
            text=self.cipher.decrypt(record.text), created_at=record.created_at,
            delivery_state=DeliveryState(record.delivery_state), delivery_reason=record.delivery_reason,
            delivered_at=record.delivered_at,
        )

    def _request(self, record: ContactRequestRecord) -> ContactRequest:
        crypto = self.cipher
        contact = crypto.decrypt_json(record.contact) if record.contact else {}
        return ContactRequest(
            reference=record.reference,
            territory=record.territory,
            kind=RequestKind(record.kind),
            status=RequestStatus(record.status),
            channel=Channel(record.channel),
            sender_id=crypto.decrypt(record.sender_id),
            summary=Summary.from_json(crypto.decrypt_json(record.summary)),
            transcript=tuple(TranscriptLine(line["author"], line["text"])
                             for line in crypto.decrypt_json(record.transcript)),
            created_at=record.created_at,
            status_changed_at=record.status_changed_at,
            preferred_contact=PreferredContact(record.preferred_contact) if record.preferred_contact else None,
            contact_when=crypto.decrypt(record.contact_when) if record.contact_when else None,
            phone=contact.get("telephone"),
            email=contact.get("email"),
            sheet_reference=record.sheet_reference,
            assigned_to=record.assigned_to,
            first_reply_at=record.first_reply_at,
            closed_at=record.closed_at,
            messages=tuple(self._message(m, record.reference) for m in record.messages),
            events=tuple(
                RequestEvent(kind=EventKind(e.kind), actor=e.actor, at=e.at, from_territory=e.from_territory,
                             to_territory=e.to_territory, reason=crypto.decrypt(e.reason) if e.reason else None)
                for e in record.events
            ),
        )


def delete_requests(session: Session, request_ids: list[int]) -> dict[str, int]:
    """Delete requests with their messages and history, in `session`; counts under French keys."""
    from bot.handoff.retention import MESSAGES, REQUESTS

    if not request_ids:
        return {REQUESTS: 0, MESSAGES: 0}
    messages = session.execute(
        sa.delete(AdviserMessageRecord).where(AdviserMessageRecord.request_id.in_(request_ids))
        .execution_options(synchronize_session=False)
    ).rowcount
    session.execute(
        sa.delete(RequestEventRecord).where(RequestEventRecord.request_id.in_(request_ids))
        .execution_options(synchronize_session=False)
    )
    requests = session.execute(
        sa.delete(ContactRequestRecord).where(ContactRequestRecord.id.in_(request_ids))
        .execution_options(synchronize_session=False)
    ).rowcount
    return {REQUESTS: requests, MESSAGES: messages}


def _actor_kind(actor: str) -> str:
    """For logs: "jeune", "assistant", or "conseiller" with the account id (no personal data)."""
    return actor if actor in (ACTOR_YOUNG, ACTOR_BOT) else f"conseiller {actor}"
