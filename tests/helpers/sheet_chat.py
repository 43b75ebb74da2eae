"""Drive the prescription-sheet conversation through the REST channel (for e2e tests)."""

from __future__ import annotations

import re

from chat import texts

from bot.answers.sheet import QUESTIONS


def without_parentheses(text: str) -> str:
    """Acronyms get explained on first use ("ASE (aide sociale…)"): compare texts without them."""
    return re.sub(r"\s*\([^)]*\)", "", text).strip()


SHEET_QUESTIONS = [(without_parentheses(text), field) for field, pair in QUESTIONS.items() for text in pair if text]
CONSENT = ("Pour ta fiche, je vais te demander", "Pour la fiche, je vais demander")
SUMMARY = ("Voici ta fiche", "Voici la fiche")


def asked_field(replies: list[dict]) -> str | None:
    for reply in reversed(replies):
        text = reply.get("text") or ""
        if any(marker in text for marker in CONSENT):
            return "consent"
        if any(marker in text for marker in SUMMARY):
            return "summary"
        plain = without_parentheses(text)
        for question, field in SHEET_QUESTIONS:
            if question and plain.startswith(question):
                return field
    return None


def fill_sheet(servers, sender: str, answers: dict[str, str], start: str = "/request_sheet",
               limit: int = 60) -> tuple[list[dict], list[str]]:
    """Answer the sheet's questions from `answers` (field id → text; "consent", "summary") until
    the bot stops asking; returns every reply and the transcript."""
    replies = servers.say(sender, start)
    collected, transcript = list(replies), [f"> {start}"]
    for _ in range(limit):
        asked = asked_field(replies)
        if asked is None:
            return collected, transcript
        answer = answers.get(asked, {"consent": "/affirm", "summary": "/affirm"}.get(asked, "non"))
        transcript += [texts(replies), f"> {answer}   [{asked}]"]
        replies = servers.say(sender, answer)
        collected += replies
    raise AssertionError("la fiche pose trop de questions\n" + "\n".join(transcript))
