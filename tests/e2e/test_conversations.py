"""Scripted multi-turn conversations through the trained model and the action server (REST).

Each file of tests/e2e/conversations/ holds conversations:

    - name: Un jeune de Calais sorti de l'ASE trouve le Coordo ASE et son SLAI
      answers: {age: "19", commune: "Calais", ase_sorti: "oui", default: "non"}
      turns:
        - user: "jsuis sorti de l'ase jsais pas koi faire"
          answer_questions: true      # answer the form's questions from `answers` until it stops
                                      # (role: the "jeune" button, inverted questions: "oui",
                                      # others: `default`, unless `answers` says otherwise)
          expect: ["Coordo ASE", "03 21 00 01 96"]
          expect_not: ["clos"]

`expect` strings must all appear in the bot's replies to that turn (questions included).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml
from chat import answer_questions

pytestmark = pytest.mark.slow
HERE = Path(__file__).parent / "conversations"


def _conversations() -> list[dict]:
    found = []
    for path in sorted(HERE.glob("*.yml")):
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8")):
            conversation["file"] = path.name
            found.append(conversation)
    return found


CONVERSATIONS = _conversations()


def test_there_are_at_least_forty_conversations() -> None:
    assert len(CONVERSATIONS) >= 40


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c["name"] for c in CONVERSATIONS])
def test_conversation(servers, conversation: dict) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:12]}"
    answers = {str(k): str(v) for k, v in (conversation.get("answers") or {}).items()}
    transcript: list[str] = []
    for turn in conversation["turns"]:
        replies = servers.say(sender, turn["user"] * turn.get("repeat", 1), **turn.get("extra", {}))
        transcript.append(f"> {turn['user']}")
        collected = list(replies)
        if turn.get("answer_questions"):
            collected = answer_questions(servers, sender, replies, answers, transcript)
        text = "\n".join(r.get("text") or "" for r in collected)
        transcript.append(text)
        payloads = [b.get("payload") for r in collected for b in r.get("buttons") or []]
        where = f"\n--- {conversation['file']} : {conversation['name']}\n" + "\n".join(transcript)
        for expected in turn.get("expect", []):
            assert expected in text, f"attendu : {expected!r}{where}"
        for unexpected in turn.get("expect_not", []):
            assert unexpected not in text, f"inattendu : {unexpected!r}{where}"
        for payload in turn.get("buttons", []):
            assert payload in payloads, f"bouton attendu : {payload!r}{where}"


@pytest.mark.parametrize("typed", ['/inform{"age": "17", "role": "structure"}', "/restart", '//affirm{"sheet_consent": true}'])
def test_a_typed_slash_command_reaches_the_model_as_plain_text(servers, typed: str) -> None:
    """Not offered as a button, a `/intent{json}` is not Rasa's shortcut (which would set the
    intent and any slot): the model reads the text without its slashes and classifies it."""
    sender = f"e2e-{uuid.uuid4().hex[:12]}"
    servers.say(sender, "bonjour")

    assert servers.say(sender, typed), "le bot doit répondre"

    last = [e for e in servers.tracker(sender, include_events="ALL")["events"] if e["event"] == "user"][-1]
    assert last["text"] == typed.lstrip("/")
    assert len(last["parse_data"]["intent_ranking"]) > 1  # the model's ranking, not the shortcut's single intent
