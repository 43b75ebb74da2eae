"""Talking to the running assistant in e2e tests: answer the orientation's questions like a person.

The question asked is read from the conversation's slots (`pending_fact` while `pending_offer` is
"question", bot/conversation/questions.py), and answered from the conversation's `answers`, keyed
by fact: `age`, `commune`, `besoin` (a need id, tapped), a situation id ("oui" / "non" / "je sais
pas"), `structure_types` (a payload), `structure_accompagnement_jeunes`; `default` for the others.
A group question gets the button of the first of its situations answered "oui", else "non".

The assistant may ask three questions at most before it names a scheme or a contact (issue 13):
`answer_questions` fails beyond that.
"""

from __future__ import annotations

import json

from bot.conversation.questions import parse_question
from bot.knowledge import knowledge

MAX_QUESTIONS = 3


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def pending(servers, sender: str) -> str | None:
    """The orientation question the assistant is waiting for, if any."""
    slots = servers.tracker(sender)["slots"]
    return slots.get("pending_fact") if slots.get("pending_offer") == "question" else None


def _payload(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities, ensure_ascii=False, separators=(', ', ': '))}"


def answer_for(value: str, answers: dict[str, str]) -> str:
    """What a person answers to the question `value` ("age_commune", "groupe:logement"…)."""
    question = parse_question(value)
    default = answers.get("default", "non")
    if question is None:
        return default
    kind, key = question.kind, question.key
    if kind == "age_commune":
        parts = [answers[k] for k in ("age", "commune") if k in answers]
        return ", ".join(parts) if parts else "je sais pas"
    if kind in ("age", "commune"):
        return answers.get(kind, "je sais pas")
    if kind == "besoin":
        return _payload("inform", besoin=answers["besoin"]) if "besoin" in answers else "je sais pas"
    if kind == "role":
        return answers.get("role", _payload("inform", role="jeune"))
    if kind == "commune?":
        return answers.get("confirm", "oui")
    if kind == "structure_types":
        return answers.get("structure_types", "je sais pas")
    if kind == "expertise":
        return answers.get(key, default)
    if kind == "groupe":
        group = knowledge().vocabulary.group(key)
        said = [s for s in group.situations if answers.get(s) == "oui"]
        if said:
            return _payload("inform", situation=said[0])
        return default
    return answers.get(key, default)


def answer_questions(servers, sender: str, replies: list[dict], answers: dict[str, str],
                     transcript: list[str]) -> list[dict]:
    """Answer the orientation's questions from `answers` until it stops asking; returns all replies."""
    collected = list(replies)
    for count in range(MAX_QUESTIONS + 2):
        question = pending(servers, sender)
        if question is None:
            return collected
        if count >= MAX_QUESTIONS and not question.startswith("commune?"):
            raise AssertionError(f"plus de {MAX_QUESTIONS} questions\n" + "\n".join(transcript))
        answer = answer_for(question, answers)
        transcript.append(f"> {answer}   [réponse à {question}]")
        replies = servers.say(sender, answer)
        transcript.append(texts(replies))
        collected += replies
    raise AssertionError(f"plus de {MAX_QUESTIONS} questions\n" + "\n".join(transcript))
