"""The conversation's turns: one function per kind of message. State and reading in, a `Turn` out.

Each action of actions/ calls exactly one of these. All of them first take in every fact the
message gives (bot/conversation/facts.py), and any of them gives way to danger: a message that
speaks of it gets the emergency number first, whatever was asked (`_urgent_first`).

- `orient`: facts, answers to the pending question, "trouver une aide": the next question or the
  result (bot/conversation/planner.py: three questions at most); a question asked along with the
  facts is answered first;
- `answer`: questions about the schemes, several topics at once, answered first;
- `distress`, `foreign` (English, Arabic, other languages), `clarify` (a message the NLU is unsure
  of: often readable after all), `small_talk` (hello, thanks…: then the pending question again),
  `cancel`, `explain_question`;
- `say`: fixed replies of the other actions, with the first-turn notice and acronyms explained.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from bot.answers import contacts, handoff, orientation, safety, topics
from bot.answers.contacts import slai_line
from bot.answers.glossary import explain
from bot.answers.reply import Reply, pick
from bot.answers.schemes import call_window_line
from bot.communes import OUTSIDE
from bot.conversation import protocol as p
from bot.conversation.details import context_schemes, details, engine_asked, need_schemes, replaceable_topics
from bot.conversation.facts import absorb
from bot.conversation.planner import Plan, plan
from bot.conversation.questions import CONFIRM_COMMUNE, NEED, Question, confirm_commune, parse_question, wording
from bot.conversation.state import State
from bot.eligibility.engine import ELIGIBLE, INCOMPLETE, INELIGIBLE
from bot.knowledge import knowledge
from bot.reading import Reading
from bot.reading.language import OTHER
from bot.reading.replies import NO, UNSURE, YES
from bot.reading.safety import DISTRESS
from bot.reading.topics import (
    CARRIERS,
    CONTACT,
    CONTENTS,
    COST,
    DEADLINE,
    ELIGIBILITY,
    FUNDING,
    INFO,
    PAID,
    PROCEDURE,
    PUBLIC,
)

MAX_TOPICS = 3
_ORIENTATION_TOPICS = frozenset({INFO, ELIGIBILITY, CARRIERS, PUBLIC})  # what the orientation itself answers
MAX_SCHEMES = 2
MAX_TERRITORIES = 3
ALL_TERRITORIES = "tous"
MAX_LENGTH = 350  # characters of a message on a phone screen, where the text allows it
Turn = p.Turn


# --- finishing a turn ---------------------------------------------------------------------------

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


def flatten(text: str) -> str:
    """No parenthesis inside a parenthesis: "(CLLAJ (comité local…))" becomes "(CLLAJ, comité local…)"."""
    out: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
            if depth > 1:
                while out and out[-1] == " ":
                    out.pop()
                out.append(", ")
                continue
        elif char == ")" and depth > 0:
            depth -= 1
            if depth >= 1:
                continue
        out.append(char)
    return "".join(out)


def _said(line: str) -> str:
    return line.removeprefix(orientation.NEXT_STEP)


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
    out: list[Reply] = []
    seen: set[str] = set()
    for reply in replies:
        # Two topics with the same line (a contact asked twice, then the result's next step): said once.
        lines = [line for line in reply.text.split("\n")
                 if not line.strip() or line.startswith("•") or _said(line) not in seen]
        seen |= {_said(line) for line in lines}
        if not "".join(lines).strip():
            if reply.buttons and out and not out[-1].buttons:
                out[-1] = Reply(out[-1].text, reply.buttons)  # the choices stay
            continue
        text, said = contacts.said_once("\n".join(lines), frozenset(explained))
        text, explained = explain(text, said)
        out += split(Reply(flatten(text), reply.buttons))
    after = after.replace(welcomed=True, explained=frozenset(explained))
    return Turn(tuple(out), after.changes_from(before), urgent)


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


def _urgent_first(state: State, reading: Reading, today: dt.date) -> Turn | None:
    """Danger, a person in danger who cannot phone, a foreign language: before anything else."""
    if reading.danger:
        return distress(state, reading, today)
    if state.alert and reading.cannot_call:
        after = absorb(state, reading).state
        return _finish(state, after, [safety.cannot_call(after.alert, after.age, after.role)], urgent=True)
    if _foreign(reading):
        return foreign(state, reading, today)
    return None


def _foreign(reading: Reading) -> bool:
    return safety.is_foreign(reading.language) or reading.language == OTHER


# --- orientation --------------------------------------------------------------------------------

def _result(state: State, found: Plan, homeless: bool | None = None) -> list[Reply]:
    focus = [n for n in state.needs if n in found.candidates and len(found.candidates) == 1]
    if focus and found.orientation.result(focus[0]).status == INELIGIBLE:
        # "Vérifier" one scheme, and it does not fit: why, then the right door.
        why = orientation.verdict(focus[0], found.orientation, state.role)
        rest = orientation.result(found.orientation, found.candidates, found.presumed, state.role, more=True,
                                  yes=state.yes)
        return [why, *rest] if why else rest
    more = bool(found.others) or len(found.results("incomplete")) > 0
    homeless = "sans_logement" in state.yes if homeless is None else homeless
    return orientation.result(found.orientation, found.candidates, found.presumed, state.role,
                              homeless=homeless, more=more, needs=state.needs, yes=state.yes)


def _continue(before: State, state: State, today: dt.date, guess: object = None,
              lead: Sequence[Reply] = ()) -> Turn:
    """Ask the next question, or give the result."""
    if guess is not None:
        state, replies = _ask(state, confirm_commune(guess), lead, counts=False)  # type: ignore[arg-type]
        return _finish(before, state, replies)
    found = plan(state, today)
    if found.question is not None:
        state, replies = _ask(state, found.question, lead)
        return _finish(before, state, replies)
    shown = found.results(ELIGIBLE) or found.results(INCOMPLETE)
    if len(shown) == 1:  # "et ça dure combien ?" is then about it
        state = state.replace(scheme=shown[0].scheme.id)
    return _finish(before, _closed(state), [*lead, *_result(state, found)])


def orient(state: State, reading: Reading, intent: str | None, today: dt.date) -> Turn:
    """Facts, an answer to the pending question, or "trouver une aide"."""
    urgent = _urgent_first(state, reading, today)
    if urgent is not None:
        return urgent
    if state.offer == p.CHECK and state.pending and reading.reply == YES and not reading.states_facts:
        # "oui" to "Tu veux que je vérifie ?": the check of that scheme, as its button does
        return orient(state.replace(offer=None, pending=None), read_payload(state.pending), "ask_orientation", today)
    absorbed = absorb(state, reading)
    after = absorbed.state
    if state.offer == p.CHECK:
        after = after.replace(offer=None, pending=None)
    if state.offer == p.CONTACT and reading.place is not None:
        return answer(state, reading, "ask_contact", today)
    if after.role is None and reading.first_person and not reading.topics:
        after = after.replace(role=p.JEUNE)  # "je cherche une aide": a young person, "tu" from now on
    if reading.role and reading.role != state.role and state.role is not None:
        after = after.replace(asked=())  # another person than thought: a new orientation
    pending = parse_question(state.pending) if state.offer == p.QUESTION else None
    if pending is not None and pending.kind == NEED and reading.role and not reading.needs and not reading.yes:
        # "Je suis un pro" tapped under "c'est pour quoi ?": the same question, in the right words.
        again, replies = _ask(after, Question(NEED), counts=False)
        return _finish(state, again, replies)
    if (reading.schemes or reading.question and _in_view(state)) and set(reading.topics) & {ELIGIBILITY, PUBLIC} \
            and not reading.about_calls:
        # "primo-locataire c possible pour moi ?", "y en a 2 qui ont 17 ans, ça passe ?" about the scheme shown
        return answer(state, reading, "ask_eligibility", today)
    lead: list[Reply] = []
    # A question asked along with the facts is answered first — but not what the orientation answers.
    asked = [t for t in _topics(reading, intent) if t not in _ORIENTATION_TOPICS]
    if asked and (reading.question or CONTACT in asked) and not _gives_orientation_facts(reading) \
            and not absorbed.answered or _precise(after, reading, intent) and not absorbed.learned:
        return answer(state, reading, intent if intent in p.QUESTION_INTENTS else None, today)  # only a question
    if asked and (reading.question or intent in p.QUESTION_INTENTS or CONTACT in asked):
        lead, after, asked_here = _answers(after, reading, asked, today)
        if asked_here:
            return _finish(state, after, lead)
    if absorbed.unanswered and not absorbed.learned and after.offer == p.QUESTION and not lead:
        return _finish(state, after, [_nudge(after)])
    if reading.question and not lead and absorbed.learned:
        # Facts and a precise question ("…, et sous quel délai le premier rendez-vous ?"): its sentence
        # first, then the orientation.
        lead = [Reply(r.text) for r in details(after, reading, None, _view(after, reading))]
        if lead and _view(after, reading) == p.STRUCTURE and reading.schemes:
            # "un jeune vient d'emménager dans le cadre de primo-locataires, que devons-nous faire ?"
            return _finish(state, after, lead)
    if intent == "ask_orientation" and state.offer != p.QUESTION:
        after = after.replace(asked=())
    said_again = reading.role is not None and (reading.correction or reading.reply == NO)  # "mais non, jsuis un jeune"
    going_on = (absorbed.answered or absorbed.learned or absorbed.guess is not None or said_again
                or intent == "ask_orientation" or reading.states_facts)
    if not going_on and lead:
        return _finish(state, after, [*lead, *_reask(after)])
    if not going_on and after.offer == p.QUESTION:
        return _finish(state, after, [_nudge(after)])
    if not going_on:
        return _acknowledge(state, after, reading, today)
    return _continue(state, after, today, absorbed.guess, lead)


def _view(state: State, reading: Reading) -> str | None:
    """Whom the answer speaks to: "comment candidater ?" is a structure's question, whoever asks it."""
    return p.STRUCTURE if reading.about_calls else state.role


def _precise(state: State, reading: Reading, intent: str | None = None) -> bool:
    """A question a sentence of the knowledge answers ("le premier rendez-vous, sous quel délai ?")."""
    return bool(details(state, reading, intent, _view(state, reading)))


def _gives_orientation_facts(reading: Reading) -> bool:
    """Age, situation or need: what moves an orientation (a place or a role alone does not: "c'est qui
    mon SLAI, j'habite à Bruay ?" asks a contact)."""
    return bool(reading.age is not None or reading.yes or reading.no or reading.needs)


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


def _acknowledge(before: State, after: State, reading: Reading, today: dt.date) -> Turn:
    """ "oui", "non", "ok" with nothing pending; after the emergency numbers, never a form."""
    if before.alert and before.offer == p.PERSON and reading.reply in (NO, UNSURE):
        return _after_alert(before, after, reading)
    if reading.reply == UNSURE:
        lead = Reply(pick(after.role, "Pas de souci, on va trouver ensemble : deux ou trois questions suffisent.",
                          "Pas de souci : deux ou trois questions suffisent pour trouver ce qui peut correspondre."))
        return _continue(before, after.replace(asked=()), today, None, [lead])
    if reading.reply is not None:
        reply = Reply("D'accord. Autre chose ?", safety.MENU)
    else:
        reply = safety.clarify(after.role, [])
    return _finish(before, after.replace(offer=None if after.offer != p.QUESTION else after.offer), [reply])


def _after_alert(before: State, after: State, reading: Reading) -> Turn:
    """ "Non" or "je sais pas" to the offer of a person, after the emergency numbers: the number stays,
    said again gently; "je sais pas" keeps the offer open."""
    reminder = safety.reminder(after.alert, after.age, after.role)
    if reading.reply == NO:
        text = pick(after.role, f"D'accord, personne ne te rappellera. {reminder} Tu peux aussi m'écrire ici "
                                "quand tu veux.", f"D'accord, personne ne vous rappellera. {reminder}")
        return _finish(before, after.replace(offer=None), [Reply(text)])
    text = pick(after.role, f"Pas de souci, prends ton temps. {reminder}\nSi tu veux, une personne du Département "
                            "peut te rappeler : tu veux ?",
                f"Pas de souci. {reminder}\nUne personne du Département peut aussi vous rappeler : le souhaitez-vous ?")
    return _finish(before, after.replace(offer=p.PERSON), [Reply(text, safety.PERSON_BUTTONS)])


# --- questions ---------------------------------------------------------------------------------

def _topics(reading: Reading, intent: str | None) -> list[str]:
    """What the message asks: the topics its words say, and the one of its intent (unless a vaguer
    "what is it" or "am I eligible" than the words' topics)."""
    found = list(reading.topics)
    # "combien" with "on touche" or "je dois payer": that money (a young person's pay or cost), not the
    # structures' funding, whether the words or the intent say funding.
    own_money = bool(set(found) & {PAID, COST})
    if FUNDING in found and own_money:
        found.remove(FUNDING)
    asked = p.QUESTION_INTENTS.get(intent or "")
    # The words' topic is finer than the intent's: "c'est quoi, j'y ai droit ?", "cb on touche ?".
    vaguer = asked in (INFO, ELIGIBILITY) and found or asked == FUNDING and own_money
    if asked and asked not in found and not vaguer:
        found.insert(0, asked)
    if intent == "ask_eligibility" and ELIGIBILITY not in found and CARRIERS not in found and PUBLIC in found:
        found[found.index(PUBLIC)] = ELIGIBILITY  # "j'y ai droit, c'est pour qui ?": the rule, then the case
    if ELIGIBILITY in found and PUBLIC in found:
        found.remove(PUBLIC)  # the rule is the first half of the eligibility answer
    return found[:MAX_TOPICS]


def _definitions(terms: Sequence[str]) -> list[Reply]:
    glossary = knowledge().vocabulary.glossary
    lines = [f"{term} : {glossary[term]}." for term in terms if term in glossary]
    return [Reply("\n".join(lines))] if lines else []


def _territories(state: State, reading: Reading) -> list[str]:
    """The territories a contact question names (places, territory names, an adviser's name), else the
    person's own."""
    places = [reading.place] if reading.correction and reading.place else reading.places  # "non en fait, Hénin"
    named = [p.match.territory for p in places if p and p.match.territory]
    named += [*reading.territories, *reading.people]
    named = list(dict.fromkeys(t for t in named if t))
    return named or ([state.territory] if state.territory else [])


def _answers(state: State, reading: Reading, asked: list[str], today: dt.date) -> tuple[list[Reply], State, bool]:
    """The answers to `asked` (topics), the state after them, and whether a question was asked here
    (an eligibility question whose deciding fact is missing)."""
    view = _view(state, reading)
    territories = _territories(state, reading)
    territory = knowledge().territory(territories[0]) if territories else None
    in_view = _in_view(state) if ELIGIBILITY in asked else state.scheme  # "ça passe ?" is about the one in view
    schemes = list(reading.schemes) or ([in_view] if in_view and not reading.terms else [])
    replies: list[Reply] = []
    for topic in asked:
        if topic == PAID and view == p.STRUCTURE:
            topic = FUNDING  # "combien on touche ?" of a structure: its funding, not a young person's pay
        if topic in (ELIGIBILITY, CARRIERS) and view == p.STRUCTURE and state.structure_types and not schemes:
            found = plan(state.replace(role=p.STRUCTURE), today)
            replies += _result(state, found)
            continue
        if topic == ELIGIBILITY and not schemes:
            continue  # "j'ai droit à quoi ?": the orientation
        if topic == INFO and not reading.schemes and reading.terms:
            replies += _definitions(reading.terms)
            continue
        if topic == CONTACT and not schemes:
            if reading.place is not None and reading.place.match.status == OUTSIDE and not territories:
                replies.append(contacts.outside(reading.place.match, view))
            elif len(territories) > 1:
                lines = [slai_line(knowledge().territory(t)) for t in territories[:MAX_TERRITORIES]]
                replies.append(Reply("\n".join(f"{line}." for line in lines)))
            else:
                housing = "logement" in state.needs or "logement" in reading.needs
                replies += topics.contact_all(view, territory, housing=housing) or [contacts.ask_commune(view)]
            continue
        if not schemes:
            replies += topics.for_all(topic, view, territory, today, ids=need_schemes(state) or None)
            continue
        for scheme_id in schemes[:MAX_SCHEMES]:
            scheme = knowledge().scheme(scheme_id)
            if topic == ELIGIBILITY and INFO in asked and view != p.STRUCTURE:
                continue  # "c'est quoi graine de et j'y ai droit ?": the presentation already gives the public
            if topic == ELIGIBILITY and view == p.STRUCTURE and reading.about_ages:
                # "et pour les mineurs c'est possible ?": the young people's rule, not the carriers'
                replies += topics.for_scheme(PUBLIC, scheme, view, territory, today, reading.text)
                continue
            if topic in (ELIGIBILITY, CARRIERS) and view == p.STRUCTURE:
                replies += [topics.carriers(scheme), *_structure_case(state, scheme_id, today, reading)]
                continue
            replies += topics.for_scheme(topic, scheme, view, territory, today, reading.text)
            if topic == PROCEDURE and territory is not None and view != p.STRUCTURE and CONTACT not in asked:
                # "comment l'inscrire ?" with the commune known: whom to call to do it
                replies.append(topics.scheme_contact(scheme, view, territory, with_departement=False))
            if topic in (ELIGIBILITY, INFO) and view != p.STRUCTURE:
                case = _case(state, scheme_id, today)
                if case is None and topic == ELIGIBILITY and _knows_some(state) and len(schemes) == 1:
                    # Too little to tell, but the person gave facts: the deciding question, now.
                    focused = absorb(state, read_payload(scheme_id)).state
                    found = plan(focused, today)
                    if found.question is not None:
                        state, asked_now = _ask(focused, found.question)
                        return [*replies, *asked_now], state, True
                if case is not None:
                    replies.append(case)
                    if territory is not None and orientation.fits(case):
                        replies.append(topics.scheme_contact(scheme, view, territory, with_departement=False))
                elif topic == ELIGIBILITY:
                    replies.append(topics.check_offer(scheme, view))
    return replies, state.replace(scheme=schemes[-1] if schemes else state.scheme), False


def answer(state: State, reading: Reading, intent: str | None, today: dt.date) -> Turn:
    """A question: answered first, every topic of it, then the pending question again if any."""
    urgent = _urgent_first(state, reading, today)
    if urgent is not None:
        return urgent
    absorbed = absorb(state, reading)
    after = absorbed.state
    if absorbed.answered and after.offer == p.QUESTION:
        after = after.replace(pending=None, offer=None)  # the question also answered the pending one
    asked = _topics(reading, intent)
    if _precise(after, reading, intent):
        # A question finer than its topics: the sentence that answers it, when it answers better than
        # the topics do; then the answers of the topics its words ask ("…, et je m'adresse à qui ?"),
        # while the intent's vaguer guess gives way.
        view = _view(after, reading)
        guessed, _, asking = _answers(after, reading, [t for t in asked if t not in _ORIENTATION_TOPICS], today)
        found = details(after, reading, intent, view, guessed)
        if found and not asking:
            # The topics' answers too, but not twice ("comment on s'inscrit ?" after a result): a sentence
            # of the scheme in view replaces its topic's general answer.
            replaced = replaceable_topics(view) if context_schemes(after, reading) else frozenset()
            said = [t for t in reading.topics if t not in _ORIENTATION_TOPICS | replaced]
            replies, answered, _ = _answers(after, reading, said, today) if said else ([], after, False)
            return _respond(state, answered, [*found, *(r for r in replies if r not in found)])
    if reading.payload.get("territoire") and ALL_TERRITORIES in reading.payload["territoire"]:
        return _finish(state, after.replace(offer=None), contacts.all_slai())
    if reading.place is not None and reading.place.match.status == OUTSIDE and CONTACT in asked:
        return _finish(state, after.replace(offer=None), [contacts.outside(reading.place.match, after.role)])
    if absorbed.guess is not None and CONTACT in asked:
        return _continue(state, after, today, absorbed.guess)
    if ELIGIBILITY in asked and not reading.schemes and not _in_view(after) and not reading.about_calls:
        return orient(state, reading, "ask_orientation", today)  # "j'ai droit à quoi ?"
    if not reading.topics and intent == "ask_contact" and (reading.yes or reading.needs) and not reading.about_calls:
        # "un jeune de 19 ans sorti de l'ASE a abandonné graine de, vers qui l'orienter ?": the case's
        # orientation, which ends with whom to call.
        return orient(state, reading, "ask_orientation", today)
    if set(reading.topics) <= {INFO} and intent in (None, "ask_scheme_info") and _gives_orientation_facts(reading) \
            and not reading.schemes and not reading.terms and not reading.about_calls:
        # "un jeune de 19 ans sorti de l'ASE a abandonné graine de, vers qui l'orienter ?": a case, not
        # "what is graine de".
        return orient(state, reading, "ask_orientation", today)
    if reading.about_calls and not reading.schemes and set(asked) & {ELIGIBILITY, CARRIERS} \
            and set(asked) <= _ORIENTATION_TOPICS:
        # "à quels AAP notre structure peut-elle candidater ?": the structure's orientation.
        as_structure = reading if state.role else dataclasses.replace(reading, role=reading.role or p.STRUCTURE)
        return orient(state, as_structure, "ask_orientation", today)
    replies, after, asked_here = _answers(after, reading, asked, today)
    view = _view(after, reading)
    if reading.schemes and engine_asked(reading, intent, view):
        # "le Coordo ASE c'est possible, et quel délai pour le premier rendez-vous ?": the second half too.
        beside = details(after, reading, intent, view, replies, beside_engine=True)
        beside = [r for r in beside if r not in replies]
        # before the deciding question or the offer to check, if any
        at = len(replies) - 1 if replies and (asked_here or replies[-1].buttons) else len(replies)
        replies = [*replies[:at], *beside, *replies[at:]]
    if asked_here:
        return _finish(state, after, replies)
    if reading.needs and _gives_orientation_facts(reading) and not reading.schemes and not reading.terms and replies:
        # "éducateur à Liévin, un séjour avec 6 jeunes de 18 à 22 ans, quel financement ?": the answer,
        # then what fits and whom to call.
        replies = [Reply(r.text) for r in replies]
        return _continue(state, after, today, absorbed.guess, replies)
    if not replies:
        replies = [safety.clarify(after.role, [intent] if intent else [])]
    # "et c'est où ?" with no commune known: the contact said without its number, the commune awaited
    awaits_commune = CONTACT in asked and bool(reading.schemes or after.scheme) and not _territories(after, reading)
    return _respond(state, after, replies, awaits_commune)


def _respond(state: State, after: State, replies: list[Reply], awaits_commune: bool = False) -> Turn:
    """Answers given; the pending question asked again, the commune a contact needs awaited, or a
    "oui" to the offer to check a case awaited."""
    offer = None
    if awaits_commune or replies and replies[-1].buttons and replies[-1].buttons[0].title == contacts.ALL_BUTTON:
        offer = p.CONTACT  # "dans quelle commune ?": the next commune gives the contact
    keep = after.offer == p.QUESTION
    checked = topics.checked_scheme(replies[-1]) if replies and not keep and not offer else None
    if checked:
        return _finish(state, after.replace(offer=p.CHECK, pending=checked), replies)
    after = after.replace(offer=offer or (p.QUESTION if keep else None))
    replies = [Reply(r.text) for r in replies[:-1]] + replies[-1:]  # buttons under the last message only
    return _finish(state, after, [*replies, *(_reask(after) if keep and not offer else [])])


def _in_view(state: State) -> str | None:
    """The one scheme the conversation is about: named or shown before, or the only one of the need."""
    needed = need_schemes(state)
    return state.scheme or (needed[0] if len(needed) == 1 else None)


def _knows_some(state: State) -> bool:
    return state.engine_role != p.STRUCTURE and (state.age is not None or bool(state.yes))


def read_payload(scheme_id: str) -> Reading:
    """The reading of the "Vérifier" button of a scheme: an orientation focused on it."""
    return Reading(text="", needs=(scheme_id,), button=True)


def _case(state: State, scheme_id: str, today: dt.date) -> Reply | None:
    """The person's own case for a scheme, when what they said is enough to tell."""
    if not _knows_some(state):
        return None
    found = plan(state, today)
    return orientation.verdict(scheme_id, found.orientation, state.role)


def _structure_case(state: State, scheme_id: str, today: dt.date, reading: Reading) -> list[Reply]:
    """Whether this structure may carry the scheme, when its type is known; and when it may, where its
    call stands."""
    if not state.structure_types:
        return []
    found = plan(state.replace(role=p.STRUCTURE), today)
    result = found.orientation.result(scheme_id)
    verdict = orientation.structure_verdict(result)
    if result.status != ELIGIBLE:
        return [verdict] if verdict else []
    window = "" if DEADLINE in reading.topics else f"{call_window_line(result.scheme, today)}\n"
    return [*([verdict] if verdict else []),
            Reply(f"{window}Contact au Département : {contacts.departement_contacts(result.scheme)}.")]


# --- danger, languages, misunderstandings ----------------------------------------------------------

def distress(state: State, reading: Reading, today: dt.date, in_handoff: bool = False) -> Turn:
    """The emergency number that fits first, one kind line, the offer of a person — never a question.
    When the message also says enough for a result ("22 ans, à la rue à Liévin"), it comes before
    the offer; not for a minor, whose door is the 119 and the MDS. The danger said earlier in the
    conversation still counts ("et ce soir je dors où ?" after "il me frappe": the 119 first).
    `in_handoff`: a person is already being asked for, so not offered again."""
    absorbed = absorb(state, reading)
    after = absorbed.state
    if after.role is None and reading.first_person and not _foreign(reading):
        after = after.replace(role=p.JEUNE)
    if reading.danger is None and not state.alert and not _foreign(reading) \
            and (_gives_orientation_facts(reading) or state.needs):
        # The model heard distress where the words say none, in a message with a need or a situation
        # ("chez mes parents ça se passe mal, je cherche un appart"): the orientation, and the number
        # for when it goes badly, last.
        turn = orient(state, reading, "inform", today)
        return Turn((*turn.replies, safety.soft_line(after.role, after.age)), turn.slots)
    said = reading.danger.kinds if reading.danger else (DISTRESS,)
    kinds = tuple(dict.fromkeys((*(k for k in said if k != DISTRESS), *state.alert, *said)))
    partner = bool(reading.danger and reading.danger.partner)
    after = after.replace(alert=tuple(dict.fromkeys((*after.alert, *said))), pending=None, asked=())
    if _foreign(reading):
        reply = safety.other_language(reading.language, kinds, after.age, after.territory_info(), partner)
        return _finish(state, after.replace(offer=None), [reply], urgent=True)
    again = bool(state.alert) and set(said) <= set(state.alert) | {DISTRESS}
    first, offer = safety.distress(kinds, after.role, after.age, partner, again=again)
    middle: list[Reply] = []
    minor = after.age is not None and after.age < safety.MINOR_UNTIL
    if minor and after.territory_info() is not None and safety.needs_shelter(kinds):
        middle = [safety.local_door(after.role, after.territory_info())]
    elif after.needs and after.age is not None:
        found = plan(after, today)
        if found.question is None and found.results(ELIGIBLE):
            middle = [Reply(r.text) for r in _result(after, found, homeless=False)]
    if in_handoff:
        return _finish(state, after, [first, *middle], urgent=True)
    return _finish(state, after.replace(offer=p.PERSON), [first, *middle, offer], urgent=True)


def foreign(state: State, reading: Reading, today: dt.date) -> Turn:
    """A message the NLU took for another language: English and Arabic get their numbers and the
    local contact in that language, another language gets them in English; a place or facts go on in
    French; gibberish gets the French clarification."""
    if _foreign(reading):
        if reading.danger:
            return distress(state, reading, today)
        absorbed = absorb(state, reading)
        territory = absorbed.state.territory_info()
        reply = safety.other_language(reading.language, (), absorbed.state.age, territory)
        return _finish(state, absorbed.state, [reply])
    return clarify(state, reading, [], 0, today)


def clarify(state: State, reading: Reading, likely: Sequence[str], fallbacks: int, today: dt.date) -> Turn:
    """The NLU is unsure: read the message anyway — a question, facts, an answer — before saying
    "je ne suis pas sûr d'avoir compris"; the second time in a row, offer a person."""
    urgent = _urgent_first(state, reading, today)
    if urgent is not None:
        return urgent
    if reading.topics and (reading.question or not reading.states_facts) \
            or _precise(state, reading) and not reading.states_facts:
        return answer(state, reading, None, today)
    if reading.question and reading.schemes and not (reading.place or reading.age is not None or reading.yes
                                                     or reading.no or reading.role):
        # "et le Coordo ASE pour elle, tu peux m'en dire plus ?": what it is, not the result again.
        return answer(state, dataclasses.replace(reading, topics=(CONTENTS,)), None, today)
    absorbed = absorb(state, reading)
    if absorbed.answered or absorbed.learned or absorbed.guess is not None or reading.states_facts \
            or reading.reply is not None:
        return orient(state, reading, None, today)
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


def explain_question(state: State, reading: Reading, today: dt.date) -> Turn:
    """ "Pourquoi tu me demandes ça ?" — or a question the NLU took for one ("ça veut dire quoi MNA")."""
    if reading.terms or reading.topics:
        return answer(state, reading, None, today)
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

