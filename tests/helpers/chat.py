"""Talking to the running assistant in e2e tests: recognise the form's questions and answer them."""

from __future__ import annotations

from bot.knowledge import knowledge

MAX_QUESTIONS = 25


def _question_index() -> list[tuple[str, str]]:
    """(start of the question, fact id) for every question the orientation form can ask. Only the
    words before the first parenthesis are compared: acronyms get explained in parentheses."""
    vocabulary = knowledge().vocabulary
    index = []
    for fact, question in vocabulary.questions.items():
        index += [(text, fact) for text in (question.jeune, question.pro) if text]
    for term in vocabulary.situations:
        index += [(text, term.id) for text in (term.question, term.question_pro) if text]
    return [(text.split("(")[0].strip(), fact) for text, fact in index]


QUESTIONS = _question_index()
# "Tes papiers sont-ils en règle ?": for these questions "oui" means the situation does not apply,
# so a conversation that does not say otherwise answers "oui".
INVERTED = {t.id for t in knowledge().vocabulary.situations if t.inverted}


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def asked_fact(replies: list[dict]) -> str | None:
    """The fact the bot's last replies ask about, if they ask one."""
    for reply in reversed(replies):
        text = reply.get("text") or ""
        for question, fact in QUESTIONS:
            if question in text:
                return fact
        if any(b.get("payload", "").startswith('/inform{"role"') for b in reply.get("buttons") or []):
            return "role"
    return None


def answer_for(fact: str, answers: dict[str, str]) -> str:
    if fact in answers:
        return answers[fact]
    if fact == "role":
        return '/inform{"role": "jeune"}'  # the button a young person clicks
    return "oui" if fact in INVERTED else answers.get("default", "non")


def answer_questions(servers, sender: str, replies: list[dict], answers: dict[str, str],
                     transcript: list[str]) -> list[dict]:
    """Answer the orientation form from `answers` until it stops asking; returns all replies."""
    collected = list(replies)
    for _ in range(MAX_QUESTIONS):
        fact = asked_fact(replies)
        if fact is None:
            return collected
        answer = answer_for(fact, answers)
        transcript.append(f"> {answer}   [réponse à {fact}]")
        replies = servers.say(sender, answer)
        collected += replies
    raise AssertionError(f"plus de {MAX_QUESTIONS} questions\n" + "\n".join(transcript))
