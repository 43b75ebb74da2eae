"""Reading a Meta webhook delivery (Messenger Platform: Facebook Pages and Instagram): pure functions.

A delivery is `{"object": "page" | "instagram", "entry": [{"id", "time", "messaging": [...],
"standby": [...]}]}`. Every entry and every event is read; what is not a message from the
person is counted as ignored (delivery and read receipts, echoes of the Page's own messages
`is_echo`, `standby` events while another app has the thread, handover events, reactions,
deleted or unsupported messages). A malformed part is ignored, never an error.

A message from the person becomes a `MetaEvent`, the JSON stored in the durable queue:
`platform` ("facebook" or "instagram", the Rasa input channel), the conversation id with its
prefix (`fb-<PSID>`, `ig-<IGSID>`: never the same as a widget id), the kind (text, quick reply,
postback, "Démarrer", attachment only), text or payload, and a key for de-duplication: a hash of
the platform and the message id (`mid`), or of the event itself when Meta gives no `mid`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

FACEBOOK = "facebook"
INSTAGRAM = "instagram"
PLATFORMS = {"page": FACEBOOK, "instagram": INSTAGRAM}
PREFIXES = {FACEBOOK: "fb-", INSTAGRAM: "ig-"}
MAX_META_ID_LENGTH = 64

TEXT = "text"
QUICK_REPLY = "quick_reply"
POSTBACK = "postback"
GET_STARTED = "get_started"
ATTACHMENT = "attachment"  # a picture, a sticker, a voice message… with no text
KINDS = frozenset({TEXT, QUICK_REPLY, POSTBACK, GET_STARTED, ATTACHMENT})

DEFAULT_GET_STARTED_PAYLOAD = "GET_STARTED"


@dataclass(frozen=True)
class MetaEvent:
    platform: str
    sender_id: str  # with its prefix: the Rasa conversation id
    kind: str
    key: str
    text: str | None = None
    payload: str | None = None
    timestamp: int | None = None

    @property
    def recipient(self) -> str:
        """The id Meta knows the person by (the Send API's `recipient.id`)."""
        return split_sender(self.sender_id)[1]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MetaEvent:
        return cls(**{name: data.get(name) for name in cls.__dataclass_fields__})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Delivery:
    """What one webhook call brought: the person's messages, and how many events were ignored."""

    events: tuple[MetaEvent, ...]
    ignored: int


def conversation_id(platform: str, meta_id: str) -> str:
    return PREFIXES[platform] + meta_id


def split_sender(sender_id: str) -> tuple[str, str]:
    """("facebook" | "instagram", Meta's id) of a conversation id; ValueError for another channel's id."""
    for platform, prefix in PREFIXES.items():
        if sender_id.startswith(prefix) and _is_meta_id(sender_id[len(prefix):]):
            return platform, sender_id[len(prefix):]
    raise ValueError("not a Messenger or Instagram conversation id")


def _is_meta_id(value: object) -> bool:
    return (isinstance(value, str) and 0 < len(value) <= MAX_META_ID_LENGTH and value.isprintable()
            and not any(c.isspace() for c in value))


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _key(platform: str, mid: str | None, event: dict[str, Any]) -> str:
    if mid is not None:
        material = f"{platform}:mid:{mid}"
    else:
        material = f"{platform}:event:" + json.dumps(event, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()


def read_event(platform: str, item: object, get_started_payload: str = DEFAULT_GET_STARTED_PAYLOAD,
               ) -> MetaEvent | None:
    """The person's message in one `messaging` item, or None for anything else."""
    if not isinstance(item, dict):
        return None
    sender = item.get("sender")
    meta_id = sender.get("id") if isinstance(sender, dict) else None
    if isinstance(meta_id, int) and not isinstance(meta_id, bool):
        meta_id = str(meta_id)
    if not _is_meta_id(meta_id):
        return None
    timestamp = item.get("timestamp") if isinstance(item.get("timestamp"), int) else None
    sender_id = conversation_id(platform, meta_id)  # type: ignore[arg-type]

    message, postback = item.get("message"), item.get("postback")
    if isinstance(message, dict):
        if message.get("is_echo") or message.get("is_deleted") or message.get("is_unsupported"):
            return None
        mid = _string(message.get("mid"))
        quick_reply = message.get("quick_reply")
        payload = _string(quick_reply.get("payload")) if isinstance(quick_reply, dict) else None
        text = message.get("text") if isinstance(message.get("text"), str) else None
        if payload is not None:
            kind = QUICK_REPLY
        elif text is not None:
            kind = TEXT
        elif message.get("attachments"):
            kind = ATTACHMENT
        else:
            return None
        return MetaEvent(platform, sender_id, kind, _key(platform, mid, item), text=text, payload=payload,
                         timestamp=timestamp)
    if isinstance(postback, dict):
        payload = _string(postback.get("payload"))
        if payload is None:
            return None
        kind = GET_STARTED if payload == get_started_payload else POSTBACK
        title = postback.get("title") if isinstance(postback.get("title"), str) else None
        return MetaEvent(platform, sender_id, kind, _key(platform, _string(postback.get("mid")), item),
                         text=title, payload=payload, timestamp=timestamp)
    return None  # delivery, read, reaction, handover (pass/take/request_thread_control), referral…


def read_delivery(body: dict[str, Any], get_started_payload: str = DEFAULT_GET_STARTED_PAYLOAD) -> Delivery:
    """Every message of every entry of a delivery; `standby` events are counted as ignored."""
    platform = PLATFORMS.get(body.get("object"))  # type: ignore[arg-type]
    entries = body.get("entry")
    if platform is None or not isinstance(entries, list):
        return Delivery((), 1)
    events: list[MetaEvent] = []
    ignored = 0
    for entry in entries:
        if not isinstance(entry, dict):
            ignored += 1
            continue
        standby = entry.get("standby")
        ignored += len(standby) if isinstance(standby, list) else 0
        messaging = entry.get("messaging")
        for item in messaging if isinstance(messaging, list) else ():
            event = read_event(platform, item, get_started_payload)
            if event is None:
                ignored += 1
            else:
                events.append(event)
    return Delivery(tuple(events), ignored)
