"""Replay persona openings against the assistant and print how well they are served (`make converse`).

Each persona of scripts/personas.yml sends its opening, then answers the assistant's orientation
questions from its `facts` as a person would (tests/helpers/chat.py, the e2e tests' answerer),
until nothing is asked any more. Printed, per persona and in all (targets of issue 13):
- direct questions answered in the first reply (`kind: question`: every `expect_text` in it), 100 %;
- questions before the first reply that names a scheme or a contact (median ≤ 2, max 3);
- facts re-asked: a question about something the person already said (`stated`, or answered), 0;
- "pas compris" on messages a reader understands (`clear: true`), ≤ 2 %;
- emergency number first when expected (`kind: danger`: `emergency` in the first line), 100 %;
- and, for orientations, whether one of the schemes that fit (`expect_any`) was named.
The personas are not the scripted e2e conversations (tests/e2e/conversations/). Starts the action
server and Rasa on free ports with the cached test model (trained if needed), or talks to a running
Rasa (`--url`, `--token`). Never run in CI: the numbers are a report.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "helpers"))
sys.path.insert(0, str(ROOT))
from chat import answer_for  # noqa: E402

from bot.conversation.questions import parse_question  # noqa: E402
from bot.knowledge import SCHEME_IDS, knowledge  # noqa: E402

MAX_QUESTIONS = 8
NOT_UNDERSTOOD = "pas sûr d'avoir compris"
PHONE = re.compile(r"\b0\d(?: \d\d){4}\b")
EMERGENCY = re.compile(r"(?<!\d)(115|119|3114|17|112)(?!\d)")


@dataclass
class Outcome:
    persona: dict
    transcript: list[str] = field(default_factory=list)
    questions_before_useful: int | None = None   # None: no useful reply at all
    reasked: int = 0
    not_understood: int = 0
    messages: int = 0
    first_reply: str = ""
    named: set[str] = field(default_factory=set)
    all_text: str = ""

    @property
    def kind(self) -> str:
        return self.persona.get("kind", "orientation")

    @property
    def answered_first(self) -> bool:
        return all(t in self.first_reply for t in self.persona.get("expect_text", []))

    @property
    def emergency_first(self) -> bool:
        expected = str(self.persona.get("emergency", ""))
        first_line = self.first_reply.strip().splitlines()[0] if self.first_reply.strip() else ""
        found = EMERGENCY.search(first_line)
        return bool(found) and found.group(1) == expected

    @property
    def right_scheme(self) -> bool:
        expected = set(self.persona.get("expect_any", []))
        return not expected or bool(expected & self.named)


class Assistant:
    def __init__(self, rasa_url: str, token: str) -> None:
        self.rasa_url, self.token = rasa_url, token
        self.session = requests.Session()

    def say(self, sender: str, text: str) -> list[dict]:
        response = self.session.post(f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                     timeout=120)
        response.raise_for_status()
        return response.json()

    def pending(self, sender: str) -> str | None:
        response = self.session.get(f"{self.rasa_url}/conversations/{sender}/tracker", params={"token": self.token},
                                    timeout=60)
        response.raise_for_status()
        slots = response.json()["slots"]
        return slots.get("pending_fact") if slots.get("pending_offer") == "question" else None


def _scheme_names() -> dict[str, tuple[str, ...]]:
    k = knowledge()
    return {s: (k.scheme(s).short_title, k.scheme(s).button_title) for s in SCHEME_IDS}


def _named(text: str) -> set[str]:
    return {s for s, names in _scheme_names().items() if any(n in text for n in names)}


def _useful(text: str) -> bool:
    """A reply that names a scheme or gives a contact (a phone number, an emergency number)."""
    return bool(_named(text) or PHONE.search(text) or EMERGENCY.search(text))


def _question_facts(value: str) -> set[str]:
    question = parse_question(value)
    if question is None:
        return set()
    if question.kind == "besoin":
        return {"besoin"}
    if question.kind == "role":
        return {"role"}
    return set(question.facts)


def replay(assistant: Assistant, persona: dict) -> Outcome:
    outcome = Outcome(persona)
    sender = f"converse-{uuid.uuid4().hex[:10]}"
    known = set(persona.get("stated", []))
    facts = {str(k): str(v) for k, v in (persona.get("facts") or {}).items()}
    message, asked = persona["opening"], 0
    previous = None
    while True:
        replies = assistant.say(sender, message)
        text = "\n".join(r.get("text") or "" for r in replies)
        outcome.transcript += [f"> {message}", text]
        outcome.messages += 1
        if persona.get("clear", True) and NOT_UNDERSTOOD in text:
            outcome.not_understood += 1
        if outcome.messages == 1:
            outcome.first_reply = text
        outcome.named |= _named(text)
        outcome.all_text += text + "\n"
        if outcome.questions_before_useful is None and _useful(text):
            outcome.questions_before_useful = asked
        question = assistant.pending(sender)
        if question is None or asked >= MAX_QUESTIONS:
            return outcome
        asking = _question_facts(question)
        if (asking and asking <= known) or question == previous:
            outcome.reasked += 1
        known |= asking
        previous = question
        asked += 1
        message = answer_for(question, facts)


def report(outcomes: list[Outcome]) -> None:
    print(f"{'persona':32} {'type':11} {'questions':>9} {'redemandé':>9} {'pas compris':>11}  résultat")
    for o in outcomes:
        if o.kind == "question":
            verdict = "répondu d'abord" if o.answered_first else "PAS répondu d'abord"
        elif o.kind == "danger":
            verdict = "numéro d'urgence d'abord" if o.emergency_first else "PAS de numéro d'urgence d'abord"
        else:
            expected = o.persona.get("expect_any")
            verdict = "bon dispositif" if o.right_scheme else f"ATTENDU {expected}, nommés {sorted(o.named)}"
            if not all(t in o.all_text for t in o.persona.get("expect_text", [])):
                verdict += " ; contact MANQUANT"
        questions = "-" if o.questions_before_useful is None else str(o.questions_before_useful)
        print(f"{o.persona['id'][:32]:32} {o.kind:11} {questions:>9} {o.reasked:>9} {o.not_understood:>11}  {verdict}")
    direct = [o for o in outcomes if o.kind == "question"]
    danger = [o for o in outcomes if o.kind == "danger"]
    orient = [o for o in outcomes if o.kind == "orientation"]
    # A question about a word ("la DPID c'est quoi ?") is answered without naming a scheme or a contact:
    # the count is the orientations', and a question's first answer is measured above.
    counts = [o.questions_before_useful for o in orient if o.questions_before_useful is not None]
    never = sum(o.questions_before_useful is None for o in orient)
    clear_messages = sum(o.messages for o in outcomes if o.persona.get("clear", True))
    not_understood = sum(o.not_understood for o in outcomes)

    def share(part: int, whole: int) -> str:
        return f"{part}/{whole} ({100 * part / whole:.0f} %)" if whole else "0/0"

    print()
    print(f"personas : {len(outcomes)} ({len(orient)} orientations, {len(direct)} questions, {len(danger)} détresses)")
    answered = share(sum(o.answered_first for o in direct), len(direct))
    print(f"questions directes répondues dès la première réponse : {answered}   (objectif 100 %)")
    if counts:
        print("orientations, questions avant le premier dispositif ou contact nommé : "
              f"médiane {statistics.median(counts):g}, "
              f"max {max(counts)}   (objectif médiane ≤ 2, max 3) ; sans réponse utile : {never}")
    print(f"faits redemandés : {sum(o.reasked for o in outcomes)}   (objectif 0)")
    print(f"« pas compris » sur des messages clairs : {share(not_understood, clear_messages)}   (objectif ≤ 2 %)")
    print(f"numéro d'urgence en premier quand il le faut : {share(sum(o.emergency_first for o in danger), len(danger))}"
          "   (objectif 100 %)")
    print(f"orientations qui nomment un dispositif attendu : {share(sum(o.right_scheme for o in orient), len(orient))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--personas", type=Path, default=ROOT / "scripts" / "personas.yml")
    parser.add_argument("--url", help="a running Rasa (otherwise servers are started on free ports)")
    parser.add_argument("--token", default="", help="Rasa's API token for --url")
    parser.add_argument("--transcripts", action="store_true", help="print each conversation")
    parser.add_argument("-k", dest="only", help="only the personas whose id contains this")
    args = parser.parse_args()
    personas = yaml.safe_load(args.personas.read_text(encoding="utf-8"))
    if args.only:
        personas = [p for p in personas if args.only in p["id"]]
    with ExitStack() as stack:
        if args.url:
            assistant = Assistant(args.url, args.token)
        else:
            from rasa_servers import running_servers, trained_model

            from bot.crypto import generate_key

            key = os.environ.get("CJ62_FERNET_KEY") or generate_key()  # a throw-away key for its own databases
            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            servers = stack.enter_context(running_servers(trained_model(), Path(tmp), CJ62_FERNET_KEY=key))
            assistant = Assistant(servers.rasa_url, servers.token)
        outcomes = [replay(assistant, persona) for persona in personas]
    if args.transcripts:
        for o in outcomes:
            print(f"=== {o.persona['id']}\n" + "\n".join(o.transcript) + "\n")
    report(outcomes)


if __name__ == "__main__":
    main()
