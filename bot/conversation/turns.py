"""The conversation's turns: one function per kind of message. State and reading in, a `Turn` out.

Each action of actions/ calls exactly one of these. All of them first take in every fact the
message gives (bot/conversation/facts.py), and any of them gives way to danger: a message that
speaks of it gets the emergency number first, whatever was asked.

- `orient`: facts, answers to the pending question, "trouver une aide": the next question or the
  result (bot/conversation/planner.py: three questions at most);
- `answer`: questions about the schemes, several topics at once, answered first;
- `distress`, `foreign` (English, Arabic), `clarify` (a message the NLU is unsure of: often
  readable after all), `small_talk` (hello, thanks…: then the pending question again);
- `say`: fixed replies of the other actions, with the first-turn notice and acronyms explained.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.answers import contacts, handoff, orientation, safety, topics
from bot.answers.glossary import explain
from bot.answers.reply import Button, Reply, pick
from bot.communes import OUTSIDE
from bot.conversation import protocol as p
from bot.conversation.facts import Absorbed, absorb
from bot.conversation.planner import Plan, plan
from bot.conversation.questions import CONFIRM_COMMUNE, Question, confirm_commune, parse_question, wording
from bot.conversation.state import State
from bot.eligibility.engine import ELIGIBLE
from bot.knowledge import knowledge
from bot.reading import Reading
from bot.reading.replies import ACK, NO, UNSURE
from bot.reading.safety import DISTRESS
from bot.reading.topics import CONTACT, ELIGIBILITY, INFO, PUBLIC

MAX_TOPICS = 3
MAX_SCHEMES = 2
ALL_TERRITORIES = "tous"


# --- finishing a turn ---------------------------------------------------------------------------

def _finish(before: State, after: State, replies: Sequence[Reply], urgent: bool = False,
            greeting: bool = False) -> Turn:
    """Acronyms explained the first time, the notice on the first turn, the slots that changed."""
    replies = list(replies)
    if not before.welcomed and not replies and not greeting:
        replies = [Reply(safety.NOTICE)]
    elif not before.welcomed and not greeting:
        last = replies[-1]
        replies[-1] = Reply(f"{last.text}\n\n{safety.NOTICE}", last.buttons)
    explained = set(after.explained)
    out = []
    for reply in replies:
        text, explained = explain(reply.text, explained)
        out += split(Reply(text, reply.buttons))
    after = after.replace(welcomed=True, explained=frozenset(explained))
    return p.Turn(tuple(out), after.changes_from(before), urgent)


Turn = p.Turn
MAX_LENGTH = 350  # characters of a message on a phone screen, where the text allows it


def split(reply: Reply, limit: int = MAX_LENGTH) -> list[Reply]:
    """A long reply cut at line breaks into messages of about `limit` characters; the buttons
    stay under the last one. A single long line is not cut."""
    if len(reply.text) <= limit:
        return [reply]
    chunks: list[str] = []
    for line in reply.text.split("\n"):
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] = f"{chunks[-1]}\n{line}"
        else:
            chunks.append(line)
    chunks = [c for c in chunks if c.strip()]
    return [Reply(c) for c in chunks[:-1]] + [Reply(chunks[-1], reply.buttons)]


def say(state: State, replies: Sequence[Reply], **changes: object) -> Turn:
    """Fixed replies of the other actions (offer of a person, erasure…), finished like any turn."""
    return _finish(state, state.replace(**changes), replies)


def _ask(state: State, question: Question, lead: Sequence[Reply] = (),
         counts: bool = True) -> tuple[State, list[Reply]]:
    asked = state.asked if not counts or question.slot_value in state.asked else (*state.asked, question.slot_value)
    reply = wording(question, state.role)
    return state.replace(pending=question.slot_value, offer=p.QUESTION, asked=asked), [*lead, reply]


def _reask(state: State) -> list[Reply]:
    """The pending question again, after an interruption."""
    question = parse_question(state.pending) if state.offer == p.QUESTION else None
    return [wording(question, state.role)] if question else []


def _closed(state: State) -> State:
    return state.replace(pending=None, offer=None, asked=())


# --- orientation --------------------------------------------------------------------------------

def _result(state: State, found: Plan) -> list[Reply]:
    focus = [n for n in state.needs if n in found.candidates and len(found.candidates) == 1]
    if focus and found.orientation.result(focus[0]).status == "ineligible":
        # "Vérifier" one scheme, and it does not fit: why, then the right door.
        why = orientation.verdict(focus[0], found.orientation, state.role)
        rest = orientation.result(found.orientation, found.candidates, found.presumed, state.role, more=True)
        return [why, *rest] if why else rest
    more = bool(found.others) or len(found.results("incomplete")) > 0
    return orientation.result(found.orientation, found.candidates, found.presumed, state.role,
                              homeless="sans_logement" in state.yes, more=more)


def _continue(before: State, absorbed: Absorbed, today: dt.date, lead: Sequence[Reply] = ()) -> Turn:
    """Ask the next question, or give the result."""
    state = absorbed.state
    if absorbed.guess is not None:
        state, replies = _ask(state, confirm_commune(absorbed.guess), lead, counts=False)
        return _finish(before, state, replies)
    found = plan(state, today)
    if found.question is not None:
        state, replies = _ask(state, found.question, lead)
        return _finish(before, state, replies)
    return _finish(before, _closed(state), [*lead, *_result(state, found)])


def orient(state: State, reading: Reading, intent: str | None, today: dt.date) -> Turn:
    """Facts, an answer to the pending question, or "trouver une aide"."""
    if reading.danger:
        return distress(state, reading, today)
    absorbed = absorb(state, reading)
    after = absorbed.state
    if state.offer == p.CONTACT and reading.place is not None:
        return answer(state, reading, "ask_contact", today)
    if absorbed.unanswered and after.offer == p.QUESTION:
        return _finish(state, after, [_nudge(after)])
    if after.role is None and reading.first_person and not reading.question:
        after = after.replace(role=p.JEUNE)  # "je cherche une aide": a young person, "tu" from now on
        absorbed = Absorbed(after, absorbed.answered, absorbed.unanswered, absorbed.guess, absorbed.learned)
    if intent == "ask_orientation" and state.offer != p.QUESTION:
        absorbed = Absorbed(after.replace(asked=()), absorbed.answered, absorbed.unanswered, absorbed.guess, True)
    said_again = reading.role is not None and (reading.correction or reading.reply == NO)  # "mais non, jsuis un jeune"
    going_on = (absorbed.answered or absorbed.learned or absorbed.guess is not None or said_again
                or intent == "ask_orientation")
    if not going_on and after.offer == p.QUESTION:
        return _finish(state, after, [_nudge(after)])
    if not going_on:
        return _acknowledge(state, after, reading)
    return _continue(state, absorbed, today)


_NUDGES = {
    "age": ("Il me faut juste ton âge, en chiffres : par exemple 19.",
            "Il me faut juste l'âge, en chiffres : par exemple 19."),
    "commune": ("Je ne trouve pas cette commune. Écris son nom ou son code postal (par exemple Lens ou 62300), ou "
                "« je ne sais pas ».", "Je ne trouve pas cette commune. Écrivez son nom ou son code postal (par "
                "exemple Lens ou 62300), ou « je ne sais pas »."),
    "age_commune": ("Dis-moi juste ton âge et ta commune, par exemple « 19 ans, Lens » (ou « je ne sais pas »).",
                    "Indiquez juste l'âge et la commune, par exemple « 19 ans, Lens » (ou « je ne sais pas »)."),
}


def _nudge(state: State) -> Reply:
    """The pending question again, after a reply that does not answer it ("ok" to a yes/no question)."""
    question = parse_question(state.pending)
    if question is not None and question.kind in _NUDGES:
        young, other = _NUDGES[question.kind]
        return Reply(pick(state.role, young, other))
    again = _reask(state)
    if question is not None and question.kind in ("situation", "expertise"):
        lead = pick(state.role, "Oui ou non ? (tu peux aussi répondre « je ne sais pas »)",
                    "Oui ou non ? (vous pouvez aussi répondre « je ne sais pas »)")
    else:
        lead = pick(state.role, "Choisis une réponse avec les boutons, ou écris-la.",
                    "Choisissez une réponse avec les boutons, ou écrivez-la.")
    return Reply(f"{lead}\n{again[0].text}", again[0].buttons) if again else Reply(lead)


def _acknowledge(before: State, after: State, reading: Reading) -> Turn:
    """ "oui", "non", "ok" with nothing pending."""
    if reading.reply == UNSURE:
        reply = Reply(pick(after.role, "Pas de souci. Je peux te poser deux ou trois questions pour trouver ce qui te "
                                       "correspond.", "Pas de souci. Deux ou trois questions suffisent pour trouver ce "
                                                      "qui peut correspondre."),
                      (Button("On y va", "/ask_orientation"),))
    elif reading.reply == ACK or reading.reply is not None:
        reply = Reply(pick(after.role, "D'accord. Autre chose ?", "D'accord. Autre chose ?"), safety.MENU)
    else:
        reply = safety.clarify(after.role, [])
    return _finish(before, after.replace(offer=None if after.offer != p.QUESTION else after.offer), [reply])


# --- questions ---------------------------------------------------------------------------------

def _topics(reading: Reading, intent: str | None) -> list[str]:
    found = list(reading.topics)
    asked = p.QUESTION_INTENTS.get(intent or "")
    if asked and asked not in found and not (asked == INFO and found):
        found.insert(0, asked)
    if ELIGIBILITY in found and PUBLIC in found:
        found.remove(PUBLIC)  # the rule is the first half of the eligibility answer
    return found[:MAX_TOPICS]


def _definitions(terms: Sequence[str], role: str | None) -> list[Reply]:
    glossary = knowledge().vocabulary.glossary
    lines = [f"{term} : {glossary[term]}." for term in terms if term in glossary]
    return [Reply("\n".join(lines))] if lines else []


def answer(state: State, reading: Reading, intent: str | None, today: dt.date) -> Turn:
    """A question: answered first, every topic of it, then the pending question again if any."""
    if reading.danger:
        return distress(state, reading, today)
    absorbed = absorb(state, reading)
    after = absorbed.state
    role = after.role or (p.STRUCTURE if reading.about_calls else None)  # the view the answer takes
    territory = after.territory_info()
    asked = _topics(reading, intent)
    schemes = list(reading.schemes) or ([after.scheme] if after.scheme and not reading.terms else [])
    replies: list[Reply] = []
    if reading.payload.get("territoire") and ALL_TERRITORIES in reading.payload["territoire"]:
        return _finish(state, after.replace(offer=None), contacts.all_slai())
    if reading.place is not None and reading.place.match.status == OUTSIDE and CONTACT in asked:
        return _finish(state, after.replace(offer=None), [contacts.outside(reading.place.match, role)])
    if absorbed.guess is not None and CONTACT in asked:
        return _continue(state, absorbed, today)
    offer = None
    asked_here = False
    for topic in asked:
        if topic == ELIGIBILITY and not schemes:
            return orient(state, reading, "ask_orientation", today)
        if topic == INFO and not reading.schemes and reading.terms:
            replies += _definitions(reading.terms, role)
            continue
        if topic == CONTACT and not schemes:
            found = topics.contact_all(role, territory)
            if not found:
                found, offer = [contacts.ask_commune(role)], p.CONTACT
            replies += found
            continue
        if not schemes:
            replies += topics.for_all(topic, role, territory, today)
            continue
        for scheme_id in schemes[:MAX_SCHEMES]:
            scheme = knowledge().scheme(scheme_id)
            replies += topics.for_scheme(topic, scheme, role, territory, today)
            if topic == ELIGIBILITY:
                case = _case(after, scheme_id, today)
                if case is None and _knows_some(after) and len(schemes) == 1:
                    # Too little to tell, but the person gave facts: the deciding question, now.
                    focused = absorb(after, read_payload(scheme_id)).state
                    found = plan(focused, today)
                    if found.question is not None:
                        after, asked_now = _ask(focused, found.question)
                        replies += asked_now
                        asked_here = True
                        continue
                replies.append(case or topics.check_offer(scheme, role))
    if not replies:
        replies = [safety.clarify(role, [intent] if intent else [])]
    keep = after.offer == p.QUESTION
    after = after.replace(offer=offer if offer else (p.QUESTION if keep else None),
                          scheme=schemes[-1] if schemes else after.scheme)
    if not asked_here:
        replies = [Reply(r.text) for r in replies[:-1]] + replies[-1:]  # buttons under the last message only
    return _finish(state, after, [*replies, *(_reask(after) if keep and not offer and not asked_here else [])])


def _knows_some(state: State) -> bool:
    return state.engine_role != p.STRUCTURE and (state.age is not None or bool(state.yes))


def read_payload(scheme_id: str) -> Reading:
    """The reading of the "Vérifier" button of a scheme: an orientation focused on it."""
    return Reading(text="", needs=(scheme_id,), button=True)


def _case(state: State, scheme_id: str, today: dt.date) -> Reply | None:
    """The person's own case for a scheme, when what they said is enough to tell."""
    if state.engine_role == p.STRUCTURE or (state.age is None and not state.yes):
        return None
    found = plan(state, today)
    return orientation.verdict(scheme_id, found.orientation, state.role)


# --- danger, languages, misunderstandings ----------------------------------------------------------

def distress(state: State, reading: Reading, today: dt.date) -> Turn:
    """The emergency number that fits first, one kind line, the offer of a person — never a question.
    When the message also says enough for a result ("22 ans, à la rue à Liévin"), it comes before
    the offer."""
    absorbed = absorb(state, reading)
    after = absorbed.state
    if after.role is None and reading.first_person and not safety.is_foreign(reading.language):
        after = after.replace(role=p.JEUNE)
    kinds = reading.danger.kinds if reading.danger else (DISTRESS,)
    after = after.replace(alert=tuple(dict.fromkeys((*after.alert, *kinds))), pending=None, asked=())
    if safety.is_foreign(reading.language):
        reply = safety.other_language(reading.language, kinds, after.age, after.territory_info())
        return _finish(state, after.replace(offer=None), [reply], urgent=True)
    first, offer = safety.distress(kinds, after.role, after.age)
    middle: list[Reply] = []
    if after.needs and after.age is not None:
        found = plan(after, today)
        if found.question is None and found.results(ELIGIBLE):
            middle = [Reply(r.text) for r in _result(after, found)]
    return _finish(state, after.replace(offer=p.PERSON), [first, *middle, offer], urgent=True)


def foreign(state: State, reading: Reading, today: dt.date) -> Turn:
    """A message the NLU took for another language: English or Arabic get their numbers and contact
    in that language; a place or facts go on in French; gibberish gets the French clarification."""
    if safety.is_foreign(reading.language):
        if reading.danger:
            return distress(state, reading, today)
        absorbed = absorb(state, reading)
        reply = safety.other_language(reading.language, (), absorbed.state.age, absorbed.state.territory_info())
        return _finish(state, absorbed.state, [reply])
    return clarify(state, reading, [], 0, today)


def clarify(state: State, reading: Reading, likely: Sequence[str], fallbacks: int, today: dt.date) -> Turn:
    """The NLU is unsure: read the message anyway — a question, facts, an answer — before saying
    "je ne suis pas sûr d'avoir compris"; the second time in a row, offer a person."""
    if reading.danger:
        return distress(state, reading, today)
    if reading.topics or (reading.terms and reading.question):
        return answer(state, reading, None, today)
    absorbed = absorb(state, reading)
    if absorbed.answered or absorbed.learned or absorbed.guess is not None:
        return orient(state, reading, None, today)
    if safety.is_foreign(reading.language):
        return foreign(state, reading, today)
    after = absorbed.state
    if fallbacks >= 2:
        return _finish(state, after.replace(offer=p.PERSON), [handoff.offer(after.role, after.territory_info())])
    return _finish(state, after, [safety.clarify(after.role, list(likely)), *_reask(after)])


def small_talk(state: State, reading: Reading, intent: str) -> Turn:
    """After hello, thanks, "t'es un robot ?" or out-of-scope: the facts of the message, and the
    pending question again. A greeting on the first turn is the welcome itself."""
    absorbed = absorb(state, reading)
    after = absorbed.state
    if intent == "greet" and not state.welcomed:
        return _finish(state, after, [safety.welcome(), *_reask(after)], greeting=True)
    if intent == "greet":
        return _finish(state, after, [Reply(pick(after.role, "Je t'écoute : qu'est-ce que tu cherches ?",
                                                 "Je vous écoute : que cherchez-vous ?"), safety.MENU), *_reask(after)])
    return _finish(state, after, _reask(after))


def explain_question(state: State) -> Turn:
    """ "Pourquoi tu me demandes ça ?" """
    question = parse_question(state.pending) if state.offer == p.QUESTION else None
    if question is None or question.kind == CONFIRM_COMMUNE:
        reply = Reply(pick(state.role, "Je pose seulement les questions utiles pour trouver le bon dispositif et le "
                                       "bon contact. Je ne garde ni ton nom ni ton adresse.",
                           "Je pose seulement les questions utiles pour trouver le bon dispositif et le bon contact. "
                           "Je ne demande ni nom ni adresse."))
        return _finish(state, state, [reply, *_reask(state)])
    fact = question.key or question.kind
    return _finish(state, state, [orientation.why_we_ask(fact, state.role), *_reask(state)])


def cancel(state: State, reading: Reading) -> Turn:
    """ "Laisse tomber": the pending question is dropped, the facts are kept."""
    after = _closed(absorb(state, reading).state)
    return _finish(state, after, [Reply(pick(after.role, "D'accord, on arrête là. Tu peux me poser une autre "
                                                         "question quand tu veux.",
                                             "D'accord, on arrête là. Vous pouvez poser une autre question quand "
                                             "vous voulez."), safety.MENU)])
