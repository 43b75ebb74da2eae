"""The Meta channel's pure parts: reading deliveries, signatures, Meta's limits, quick replies,
numbered lists and the messaging window."""

from __future__ import annotations

import datetime as dt

import pytest
from meta_support import (
    APP_SECRET,
    delivery_receipt,
    echo_event,
    entry,
    handover_event,
    instagram_delivery,
    page_delivery,
    postback_event,
    quick_reply_event,
    read_receipt,
    sign,
    sticker_event,
    text_event,
)

from rasa_ext.channels.meta import read_config, signature_ok
from rasa_ext.channels.meta_events import (
    ATTACHMENT,
    GET_STARTED,
    POSTBACK,
    QUICK_REPLY,
    TEXT,
    MetaEvent,
    read_delivery,
    split_sender,
)
from rasa_ext.channels.meta_send import (
    MAX_QUICK_REPLIES,
    NUMBER_HINT,
    WindowClosed,
    messaging_params,
    read_number,
    render,
    short_title,
    split_text,
)

PSID = "6815842131804567"


def test_every_entry_and_event_is_read_and_the_rest_counted_as_ignored() -> None:
    body = page_delivery(
        entry(text_event(PSID, "bonjour"), delivery_receipt(PSID), read_receipt(PSID), echo_event(PSID, "écho")),
        entry(quick_reply_event(PSID, "Un logement", "/chercher_logement"), postback_event(PSID, "Démarrer", "GET_STARTED"),
              postback_event(PSID, "Menu", "/aide"), sticker_event(PSID), handover_event(PSID),
              standby=[text_event(PSID, "en attente")]),
        "pas une entrée",
    )
    delivery = read_delivery(body)
    assert [e.kind for e in delivery.events] == [TEXT, QUICK_REPLY, GET_STARTED, POSTBACK, ATTACHMENT]
    assert delivery.ignored == 3 + 1 + 1 + 1  # receipts and echo; handover; standby; the bad entry
    assert {e.sender_id for e in delivery.events} == {f"fb-{PSID}"}
    assert delivery.events[1].payload == "/chercher_logement"
    assert len({e.key for e in delivery.events}) == 5


def test_instagram_ids_are_prefixed_apart_from_messenger_and_widget_ids() -> None:
    [event] = read_delivery(instagram_delivery(text_event(PSID, "salut"))).events
    assert (event.platform, event.sender_id, event.recipient) == ("instagram", f"ig-{PSID}", PSID)
    assert split_sender(f"fb-{PSID}") == ("facebook", PSID)
    for widget_id in ("3f2a9c1e8b7d4e6fa0b1c2d3e4f5a6b7", "fb-", "fb-a b", "ig"):
        with pytest.raises(ValueError):
            split_sender(widget_id)


def test_the_same_mid_gives_the_same_key_on_one_platform_only() -> None:
    event = text_event(PSID, "bonjour", mid="m_1")
    [messenger] = read_delivery(page_delivery(entry(event))).events
    [again] = read_delivery(page_delivery(entry(text_event(PSID, "autre texte", mid="m_1")))).events
    [instagram] = read_delivery(instagram_delivery(event)).events
    assert messenger.key == again.key != instagram.key
    assert MetaEvent.from_json(messenger.as_json()) == messenger


@pytest.mark.parametrize("body", [{}, {"object": "page"}, {"object": "page", "entry": "x"},
                                  {"object": "page", "entry": [{"messaging": [{"sender": {"id": ["x"]}}]}]},
                                  {"object": "page", "entry": [{"messaging": [{"sender": {}, "message": {"text": 1}}]}]}])
def test_malformed_parts_are_ignored_not_errors(body: dict) -> None:
    assert read_delivery(body).events == ()


def test_the_signature_is_the_hmac_of_the_raw_body() -> None:
    raw = b'{"object":"page","entry":[]}'
    assert signature_ok(APP_SECRET, raw, sign(raw))
    assert not signature_ok(APP_SECRET, raw + b" ", sign(raw))
    assert not signature_ok(APP_SECRET, raw, None) and not signature_ok(APP_SECRET, raw, "")
    assert not signature_ok(APP_SECRET, raw, sign(raw).replace("sha256=", "sha1="))
    assert not signature_ok(APP_SECRET, raw, "sha256=é")


def test_the_channel_needs_all_four_variables() -> None:
    full = {"META_PAGE_TOKEN": "t", "META_APP_SECRET": "s", "META_VERIFY_TOKEN": "v", "META_GRAPH_URL": "https://g/v19.0"}
    config, missing = read_config(full)
    assert config is not None and config.messages_url == "https://g/v19.0/me/messages" and missing == []
    config, missing = read_config({**full, "META_GRAPH_URL": " "})
    assert config is None and missing == ["META_GRAPH_URL"]


# --- limits ------------------------------------------------------------------------------------------

def test_a_short_text_is_one_part_and_blank_is_none() -> None:
    assert split_text("  Bonjour !  ", 2000) == ["Bonjour !"]
    assert split_text(" \n ", 2000) == []


def test_parts_are_cut_at_paragraphs_then_lines_then_sentences_then_words() -> None:
    paragraph = "Première phrase assez longue. " * 30
    text = paragraph.strip() + "\n\n" + paragraph.strip()
    assert split_text(text, 1000) == [paragraph.strip(), paragraph.strip()]
    sentences = split_text("Une phrase. " * 300, 2000)
    assert all(len(p) <= 2000 and p.endswith(".") for p in sentences)
    words = split_text("mot " * 1000, 2000)
    assert all(len(p) <= 2000 and not p.endswith(" ") for p in words) and " ".join(words) == ("mot " * 1000).strip()
    hard = split_text("x" * 4500, 2000)
    assert [len(p) for p in hard] == [2000, 2000, 500]


def test_instagram_counts_bytes_so_accents_and_emoji_fit_1000_bytes() -> None:
    text = "Été à Béthune, hébergement d'urgence 🏠. " * 60
    measure = lambda part: len(part.encode("utf-8"))  # noqa: E731
    parts = split_text(text, 1000, measure)
    assert len(parts) > 2 and all(measure(p) <= 1000 for p in parts)
    assert " ".join(parts) == text.strip()
    assert all(measure(p) <= 1000 for p in split_text("é" * 1500, 1000, measure))


def test_titles_are_cut_to_20_characters() -> None:
    assert short_title("Un logement") == "Un logement"
    assert short_title("Un accompagnement vers l'emploi") == "Un accompagnement…"
    assert short_title("Anticonstitutionnellement") == "Anticonstitutionnel…"
    assert all(len(short_title(t)) <= 20 for t in ("a" * 50, "mot " * 20, "Saint-Pol-sur-Ternoise et environs"))


def test_13_choices_are_quick_replies_and_14_a_numbered_list() -> None:
    buttons = [{"title": f"Choix {n}", "payload": f"/choix_{n}"} for n in range(1, 15)]
    thirteen = render({"text": "Lequel ?", "buttons": buttons[:MAX_QUICK_REPLIES]}, "facebook")
    [body] = thirteen.messages
    assert len(body["quick_replies"]) == 13 and thirteen.numbered is None
    fourteen = render({"text": "Lequel ?", "buttons": buttons}, "facebook")
    [body] = fourteen.messages
    assert "quick_replies" not in body and body["text"].endswith("14. Choix 14\n\n" + NUMBER_HINT)
    assert fourteen.numbered == tuple(f"/choix_{n}" for n in range(1, 15))


def test_buttons_without_text_still_have_a_text_and_images_are_attachments() -> None:
    rendering = render({"buttons": [{"title": "Oui", "payload": "/affirm"}], "image": "https://exemple.fr/a.png"},
                       "instagram")
    assert rendering.messages[0]["attachment"]["payload"]["url"] == "https://exemple.fr/a.png"
    assert rendering.messages[1]["text"] and rendering.messages[1]["quick_replies"][0]["payload"] == "/affirm"
    assert render({"custom": {"cj62_erase": True}}, "facebook").messages == ()


@pytest.mark.parametrize(("text", "number"), [("3", 3), (" 3. ", 3), ("n°3", 3), ("14", 14), ("3)", 3),
                                              ("15", None), ("0", None), ("3 ans", None), ("trois", None)])
def test_a_typed_number_names_a_choice(text: str, number: int | None) -> None:
    assert read_number(text, 14) == number


def test_the_window_is_24_hours_then_human_agent_until_7_days() -> None:
    seen = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)
    assert messaging_params(seen, seen + dt.timedelta(hours=23, minutes=59)) == {"messaging_type": "RESPONSE"}
    assert messaging_params(seen, seen + dt.timedelta(hours=24)) == {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
    assert messaging_params(seen, seen + dt.timedelta(days=6, hours=23))["tag"] == "HUMAN_AGENT"
    for late in (dt.timedelta(days=7), dt.timedelta(days=30)):
        with pytest.raises(WindowClosed, match="cj62_meta_window_closed"):
            messaging_params(seen, seen + late)
    with pytest.raises(WindowClosed):
        messaging_params(None, seen)
