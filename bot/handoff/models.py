"""Contact requests ("demandes de contact") and adviser messages: enums, tables, decrypted views.

Tables (schema `cj62`, migration 0002):
- `contact_requests`: one row per request. The clear columns say nothing about the person:
  reference, territory, kind, status, channel, preferred way of contact, dates, the adviser's
  account id, an optional sheet reference, and blind indexes (keyed HMACs) of the sender id and
  of the phone given. Everything the person said or typed is encrypted (Fernet): the sender id
  itself (the back office must deliver messages to that conversation), the summary, the last
  user messages, the contact details and the "when" of the preferred contact.
- `adviser_messages`: what advisers write (text encrypted), with its delivery state.
- `contact_request_events`: the request's history (taken, transferred, closed…; who, when, an
  encrypted reason for transfers).
- `inbox_settings`: per territory and kind, the service e-mail address notified of new requests
  and transmitted sheets (an admin setting; a service address, not a person's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from bot.clock import PARIS
from bot.storage.base import Base, UtcDateTime, table

REFERENCE_PREFIX = "DC"
REFERENCE_SEQUENCE = "contact_request_reference"
RETENTION_MONTHS = 12  # closed requests and their messages, after closing
MAX_ACTOR_LENGTH = 64
MAX_MESSAGE_LENGTH = 4000
MAX_REASON_LENGTH = 1000
LAST_MESSAGES_KEPT = 10

# Who acts on a request besides an adviser (whose account id is the actor).
ACTOR_YOUNG = "jeune"
ACTOR_BOT = "assistant"
PERSON_LABEL = "La personne, dans la conversation"


class _Labelled(str, Enum):
    @property
    def label(self) -> str:
        return _LABELS[self]


class RequestStatus(_Labelled):
    NOUVELLE = "nouvelle"
    EN_COURS = "en_cours"
    CLOSE = "close"


class RequestKind(_Labelled):
    INSERTION = "insertion"
    LOGEMENT = "logement"


class Channel(_Labelled):
    REST = "rest"
    SOCKETIO = "socketio"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"


class PreferredContact(_Labelled):
    ICI = "ici"
    TELEPHONE = "telephone"
    EMAIL = "email"


class DeliveryState(_Labelled):
    EN_ATTENTE = "en_attente"
    DELIVRE = "delivre"
    NON_DELIVRE = "non_delivre"


_LABELS: dict[Enum, str] = {
    RequestStatus.NOUVELLE: "nouvelle",
    RequestStatus.EN_COURS: "en cours",
    RequestStatus.CLOSE: "close",
    RequestKind.INSERTION: "insertion",
    RequestKind.LOGEMENT: "logement",
    Channel.REST: "API REST",
    Channel.SOCKETIO: "fenêtre de discussion du site",
    Channel.FACEBOOK: "Messenger",
    Channel.INSTAGRAM: "Instagram",
    PreferredContact.ICI: "réponse dans la conversation",
    PreferredContact.TELEPHONE: "appel téléphonique",
    PreferredContact.EMAIL: "e-mail",
    DeliveryState.EN_ATTENTE: "en attente",
    DeliveryState.DELIVRE: "délivré",
    DeliveryState.NON_DELIVRE: "non délivré",
}

# Channels where a message written later can always be pushed into the conversation (the chat
# offers "reply here" there); our REST channel answers only within a request.
DELIVERABLE_CHANNELS: frozenset[Channel] = frozenset({Channel.SOCKETIO})
# Messenger and Instagram take a message written later only within Meta's messaging window
# (7 days after the person's last message, rasa_ext/channels/meta_send.py): the back office may
# write there and is told when the window has closed, but the chat does not promise a reply there.
WINDOWED_CHANNELS: frozenset[Channel] = frozenset({Channel.FACEBOOK, Channel.INSTAGRAM})
REASON_NO_DEFERRED_SENDING = "canal sans envoi différé"
REASON_RASA_UNREACHABLE = "assistant injoignable"
REASON_RASA_REFUSED = "refusé par l'assistant"
REASON_WINDOW_CLOSED: Mapping[Channel, str] = {
    Channel.FACEBOOK: "injoignable par Messenger : appeler",
    Channel.INSTAGRAM: "injoignable par Instagram : appeler",
}
# What the Meta output channel's refusal carries through Rasa's `/execute` error answer (its body
# quotes the exception), so that the back office can tell a closed window from another failure.
WINDOW_CLOSED_MARKER = "cj62_meta_window_closed"

# Statuses a request may move to, from each status (taking a closed request re-opens it).
TRANSITIONS: Mapping[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.NOUVELLE: frozenset({RequestStatus.EN_COURS, RequestStatus.CLOSE}),
    RequestStatus.EN_COURS: frozenset({RequestStatus.EN_COURS, RequestStatus.CLOSE}),
    RequestStatus.CLOSE: frozenset({RequestStatus.EN_COURS}),
}


class EventKind(_Labelled):
    CREATION = "creation"
    PRISE_EN_CHARGE = "prise_en_charge"
    TRANSFERT = "transfert"
    CLOTURE = "cloture"
    PREFERENCE = "preference"


_LABELS.update({
    EventKind.CREATION: "demande créée",
    EventKind.PRISE_EN_CHARGE: "prise en charge",
    EventKind.TRANSFERT: "transférée",
    EventKind.CLOTURE: "close",
    EventKind.PREFERENCE: "préférence de contact indiquée",
})


def can_deliver(channel: Channel | str) -> bool:
    """Whether "reply here" can reach the person on `channel` (offer it only then)."""
    try:
        return Channel(channel) in DELIVERABLE_CHANNELS
    except ValueError:
        return False


def can_send_later(channel: Channel | str) -> bool:
    """Whether the back office may push an adviser's message into the conversation on `channel`
    (always on the widget; on Messenger and Instagram within Meta's window)."""
    try:
        return Channel(channel) in DELIVERABLE_CHANNELS | WINDOWED_CHANNELS
    except ValueError:
        return False


def window_closed_reason(channel: Channel | str) -> str:
    """The back office's reason for a message Meta's window no longer lets through."""
    try:
        return REASON_WINDOW_CLOSED.get(Channel(channel), REASON_RASA_REFUSED)
    except ValueError:
        return REASON_RASA_REFUSED


class ContactRequestError(ValueError):
    """A request cannot be created or changed as asked (French message, never a personal value)."""


class ContactRequestNotFound(ContactRequestError):
    pass


# --- tables -----------------------------------------------------------------------------------

class ContactRequestRecord(Base):
    __tablename__ = "contact_requests"

    id = sa.Column(sa.Integer, primary_key=True)
    reference = sa.Column(sa.String(32), nullable=False, unique=True)
    territory = sa.Column(sa.String(32), nullable=False, index=True)
    kind = sa.Column(sa.String(16), nullable=False)
    status = sa.Column(sa.String(16), nullable=False, index=True)
    channel = sa.Column(sa.String(16), nullable=False)
    sender_index = sa.Column(sa.String(64), nullable=False, index=True)
    sender_id = sa.Column(sa.Text, nullable=False)  # Fernet token
    phone_index = sa.Column(sa.String(64), nullable=True, index=True)
    contact = sa.Column(sa.Text, nullable=True)  # Fernet token of {"telephone", "email"}
    preferred_contact = sa.Column(sa.String(16), nullable=True)
    contact_when = sa.Column(sa.Text, nullable=True)  # Fernet token (free text)
    summary = sa.Column(sa.Text, nullable=False)  # Fernet token of the summary's JSON
    transcript = sa.Column(sa.Text, nullable=False)  # Fernet token of the last messages' JSON
    sheet_reference = sa.Column(sa.String(32), nullable=True)
    assigned_to = sa.Column(sa.String(MAX_ACTOR_LENGTH), nullable=True)
    created_at = sa.Column(UtcDateTime, nullable=False, index=True)
    first_reply_at = sa.Column(UtcDateTime, nullable=True)
    closed_at = sa.Column(UtcDateTime, nullable=True, index=True)
    status_changed_at = sa.Column(UtcDateTime, nullable=False)

    messages = relationship(
        "AdviserMessageRecord", order_by="AdviserMessageRecord.id", cascade="all, delete-orphan",
        passive_deletes=True, back_populates="request",
    )
    events = relationship(
        "RequestEventRecord", order_by="RequestEventRecord.id", cascade="all, delete-orphan",
        passive_deletes=True, back_populates="request",
    )


class AdviserMessageRecord(Base):
    __tablename__ = "adviser_messages"

    id = sa.Column(sa.Integer, primary_key=True)
    request_id = sa.Column(
        sa.Integer, sa.ForeignKey(f"{table('contact_requests')}.id", ondelete="CASCADE"), nullable=False, index=True,
    )
    author = sa.Column(sa.String(MAX_ACTOR_LENGTH), nullable=False)
    author_label = sa.Column(sa.String(200), nullable=False)
    text = sa.Column(sa.Text, nullable=False)  # Fernet token
    created_at = sa.Column(UtcDateTime, nullable=False)
    delivery_state = sa.Column(sa.String(16), nullable=False, index=True)
    delivery_reason = sa.Column(sa.String(200), nullable=True)  # one of our fixed reasons, never user text
    delivered_at = sa.Column(UtcDateTime, nullable=True)

    request = relationship("ContactRequestRecord", back_populates="messages")


class RequestEventRecord(Base):
    __tablename__ = "contact_request_events"

    id = sa.Column(sa.Integer, primary_key=True)
    request_id = sa.Column(
        sa.Integer, sa.ForeignKey(f"{table('contact_requests')}.id", ondelete="CASCADE"), nullable=False, index=True,
    )
    kind = sa.Column(sa.String(32), nullable=False)
    actor = sa.Column(sa.String(MAX_ACTOR_LENGTH), nullable=False)
    at = sa.Column(UtcDateTime, nullable=False)
    from_territory = sa.Column(sa.String(32), nullable=True)
    to_territory = sa.Column(sa.String(32), nullable=True)
    reason = sa.Column(sa.Text, nullable=True)  # Fernet token

    request = relationship("ContactRequestRecord", back_populates="events")


class InboxSettingRecord(Base):
    __tablename__ = "inbox_settings"

    territory = sa.Column(sa.String(32), primary_key=True)
    kind = sa.Column(sa.String(16), primary_key=True)
    email = sa.Column(sa.String(254), nullable=False)
    updated_at = sa.Column(UtcDateTime, nullable=False)
    updated_by = sa.Column(sa.String(MAX_ACTOR_LENGTH), nullable=False)


# --- decrypted views --------------------------------------------------------------------------

@dataclass(frozen=True)
class Summary:
    """What the adviser reads first. Every part is optional: the chat gives what it knows."""

    role: str | None = None
    age: int | None = None
    commune: str | None = None
    situations: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"role": self.role, "age": self.age, "commune": self.commune,
                "situations": list(self.situations), "schemes": list(self.schemes)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Summary:
        age = data.get("age")
        return cls(
            role=data.get("role") or None,
            age=int(age) if isinstance(age, (int, float)) and not isinstance(age, bool) else None,
            commune=data.get("commune") or None,
            situations=tuple(str(s) for s in data.get("situations") or ()),
            schemes=tuple(str(s) for s in data.get("schemes") or ()),
        )


@dataclass(frozen=True)
class TranscriptLine:
    """One message of the conversation before the request: `author` is "jeune" or "assistant"."""

    author: str
    text: str


@dataclass(frozen=True)
class AdviserMessage:
    id: int
    reference: str  # the request's
    author: str
    author_label: str
    text: str
    created_at: dt.datetime
    delivery_state: DeliveryState
    delivery_reason: str | None = None
    delivered_at: dt.datetime | None = None


@dataclass(frozen=True)
class RequestEvent:
    kind: EventKind
    actor: str
    at: dt.datetime
    from_territory: str | None = None
    to_territory: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class ContactRequest:
    """A request as the repository returns it, decrypted."""

    reference: str
    territory: str
    kind: RequestKind
    status: RequestStatus
    channel: Channel
    sender_id: str
    summary: Summary
    transcript: tuple[TranscriptLine, ...]
    created_at: dt.datetime
    status_changed_at: dt.datetime
    preferred_contact: PreferredContact | None = None
    contact_when: str | None = None
    phone: str | None = None
    email: str | None = None
    sheet_reference: str | None = None
    assigned_to: str | None = None
    first_reply_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    messages: tuple[AdviserMessage, ...] = field(default_factory=tuple)
    events: tuple[RequestEvent, ...] = field(default_factory=tuple)

    @property
    def can_reply_here(self) -> bool:
        """Whether the back office's reply can reach the conversation (Meta: within its window)."""
        return can_send_later(self.channel)

    @property
    def created_on(self) -> dt.date:
        return self.created_at.astimezone(PARIS).date()


def format_reference(year: int, number: int) -> str:
    return f"{REFERENCE_PREFIX}-{year}-{number:06d}"


def kind_for_schemes(scheme_ids: Sequence[str]) -> RequestKind:
    """`logement` when the request is about housing schemes only (the territory's "logement"
    inbox: MDS, SLISL, CLLAJ), `insertion` otherwise (the SLAI)."""
    from bot.knowledge import knowledge

    known = knowledge().schemes
    kinds = {known[s].kind for s in scheme_ids if s in known}
    return RequestKind.LOGEMENT if kinds == {"logement"} else RequestKind.INSERTION
