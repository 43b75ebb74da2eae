"""Welcome, danger, other languages, misunderstandings.

Danger first: the number that fits leads the first reply — 3114 for suicidal words or great
distress, 119 for a minor in danger, 115 for a night without shelter, 17 or 112 for immediate
danger — then one kind line, then the offer of a person. In French, English or Arabic, from
fixed phrases: the numbers come from knowledge/external.yml.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.answers.reply import Button, Reply, capitalize, pick
from bot.knowledge import EmergencyNumber, Territory, knowledge
from bot.reading.language import ARABIC, ENGLISH
from bot.reading.safety import DISTRESS, IMMEDIATE, MISSING, NO_SHELTER, SHELTER_FULL, SUICIDE, VIOLENCE

WELCOME = (
    "Bonjour ! Ici Cap Jeunes 62, l'assistant automatique du Département du Pas-de-Calais. "
    "Je peux orienter vers les dispositifs pour les jeunes (formation, logement, projets), "
    "donner les dates, les montants et le bon contact. Une personne peut prendre le relais à tout moment."
)
NOTICE = "(Je suis l'assistant automatique du Département du Pas-de-Calais ; une personne peut prendre le relais.)"
MENU = (
    Button("Trouver une aide", "/ask_orientation"),
    Button("Dates et délais", "/ask_deadline"),
    Button("Un contact", "/ask_contact"),
    Button("Parler à quelqu'un", "/request_human"),
)
# The topics a clarification can offer, with the button that asks again.
TOPICS = {
    "ask_orientation": "Trouver une aide",
    "ask_deadline": "Dates et délais",
    "ask_contact": "Un contact",
    "ask_funding": "Financement",
    "ask_payment": "Versements",
    "ask_evaluation": "Bilan, évaluation",
    "ask_procedure": "Démarches",
    "ask_scheme_info": "Les dispositifs",
    "ask_eligibility": "Ai-je droit à…",
    "request_human": "Parler à quelqu'un",
    "distress": "Aide urgente",
}
URGENCE_SOCIALE, ENFANCE, SUICIDE_LINE, POLICE, EUROPE, MISSING_CHILDREN = (
    "urgence_sociale", "enfance_en_danger", "prevention_suicide", "police", "urgence_europeenne", "enfants_disparus")
MINOR_UNTIL = 18  # under this age, violence goes to the 119 first
PERSON_BUTTONS = (Button("Oui, une personne", "/affirm"), Button("Non merci", "/deny"))


def welcome() -> Reply:
    return Reply(WELCOME, MENU)


def _numbers() -> dict[str, EmergencyNumber]:
    return {n.id: n for n in knowledge().external.emergency_numbers}


def numbers_for(kinds: Sequence[str], age: int | None, partner: bool = False) -> list[str]:
    """Emergency number ids for these kinds of danger, the one that fits best first. Violence goes to
    the 119 first when the person may be a minor (age unknown included), unless it comes from a
    partner; a minor without a roof too (the 119 has them sheltered), then the 115; a disappearance
    goes to the police, then to the 116 000."""
    minor = (age is None and not partner) or (age is not None and age < MINOR_UNTIL)
    ordered: list[str] = []
    for kind in kinds:
        if kind == SUICIDE:
            ordered.append(SUICIDE_LINE)
        elif kind == IMMEDIATE:
            ordered += [POLICE, EUROPE]
        elif kind == VIOLENCE:
            ordered += [ENFANCE, POLICE] if minor else [POLICE, EUROPE]
        elif kind in (NO_SHELTER, SHELTER_FULL):
            ordered += [ENFANCE, URGENCE_SOCIALE] if age is not None and age < MINOR_UNTIL else [URGENCE_SOCIALE]
        elif kind == MISSING:
            ordered += [POLICE, MISSING_CHILDREN]
        elif kind == DISTRESS:
            ordered.append(SUICIDE_LINE)
    return list(dict.fromkeys(ordered)) or [SUICIDE_LINE, URGENCE_SOCIALE, POLICE]


def _plain_name(number: EmergencyNumber) -> str:
    return number.name.removeprefix(f"{number.number} — ")


_KIND_LINES = {
    SUICIDE: ("Tu n'es pas seul(e). Ce que tu ressens compte, et quelqu'un peut t'écouter maintenant.",
              "Vous n'êtes pas seul(e). Quelqu'un peut écouter maintenant."),
    VIOLENCE: ("Ce qui t'arrive n'est pas normal, et ce n'est pas ta faute.",
               "Ce qui arrive n'est pas normal. Ces numéros sont faits pour ça."),
    IMMEDIATE: ("Mets-toi en sécurité si tu peux, et appelle sans attendre.",
                "Se mettre en sécurité si possible, et appeler sans attendre."),
    SHELTER_FULL: ("Même s'il était plein, rappelle-le : c'est le numéro de l'hébergement d'urgence.",
                   "Même s'il était plein, il faut le rappeler : c'est le numéro de l'hébergement d'urgence."),
    MISSING: ("N'attends pas pour appeler : on peut le signaler tout de suite.",
              "Vous pouvez signaler la disparition tout de suite, sans attendre."),
    NO_SHELTER: ("Tu as le droit d'être mis(e) à l'abri ce soir.",
                 "Toute personne a droit à une mise à l'abri ce soir."),
    DISTRESS: ("Tu n'es pas seul(e) : des gens sont là pour t'écouter, jour et nuit.",
               "Des personnes sont là pour écouter, jour et nuit."),
}


_AGAIN = ("Je ne suis qu'un assistant automatique : au bout du fil, des personnes peuvent vraiment t'aider, "
          "maintenant.", "Je ne suis qu'un assistant automatique : au bout du fil, des personnes peuvent vraiment "
          "aider, maintenant.")


def needs_shelter(kinds: Sequence[str]) -> bool:
    """The person is in danger where they live or has no roof (not: someone else has disappeared)."""
    return bool(set(kinds) & {VIOLENCE, IMMEDIATE, NO_SHELTER, SHELTER_FULL}) and MISSING not in kinds


def distress(kinds: Sequence[str], role: str | None, age: int | None, partner: bool = False,
             again: bool = False) -> list[Reply]:
    """The emergency reply in French: the number that fits, one kind line, the offer of a person.
    `again`: the same danger said once more ("personne peut m'aider"), another line than the first time."""
    table = _numbers()
    ids = numbers_for(kinds, age, partner)
    lead = table[ids[0]]
    lines = [pick(role, f"Appelle le {lead.number} maintenant : {_plain_name(lead)}, {lead.details}.",
                  f"Appelez le {lead.number} maintenant : {_plain_name(lead)}, {lead.details}.")]
    for other in ids[1:3]:
        number = table[other]
        lines.append(f"{number.number} : {_plain_name(number)} ({number.when}).")
    kind = next((k for k in (SUICIDE, VIOLENCE, IMMEDIATE, MISSING, SHELTER_FULL, NO_SHELTER, DISTRESS)
                 if k in kinds), DISTRESS)
    young, other = _AGAIN if again else _KIND_LINES[kind]
    lines.append(pick(role, young, other))
    return [
        Reply("\n".join(lines)),
        Reply(pick(role, "Tu veux qu'une personne du Département te recontacte aussi ?",
                   "Souhaitez-vous qu'une personne du Département vous recontacte aussi ?"), PERSON_BUTTONS),
    ]


def reminder(kinds: Sequence[str], age: int | None, role: str | None) -> str:
    """The emergency number said again after the first reply: "Le 119 reste là à tout moment…"."""
    number = _numbers()[numbers_for(kinds, age)[0]]
    return pick(role, f"Le {number.number} reste là à tout moment : {number.details}.",
                f"Le {number.number} reste joignable à tout moment : {number.details}.")


def soft_line(role: str | None, age: int | None) -> Reply:
    """For a hard moment that names no danger: the number to call if it gets worse (119 for a minor)."""
    number = _numbers()[ENFANCE if age is not None and age < MINOR_UNTIL else SUICIDE_LINE]
    return Reply(pick(role, f"Et si ça va vraiment mal, tu peux appeler le {number.number} à tout moment : "
                            f"{number.details}.",
                      f"Et si cela va vraiment mal : le {number.number}, {number.details}."))


def local_door(role: str | None, territory: Territory) -> Reply:
    """For a minor in danger, the Département's own door in the daytime: the MDS of the territory."""
    return Reply(pick(role, f"En journée, tu peux aussi aller à l'accueil de la MDS {territory.of_name} : "
                            "le Département y protège les jeunes.",
                      f"En journée, l'accueil de la MDS {territory.of_name} peut aussi recevoir le ou la jeune."))


def cannot_call(kinds: Sequence[str], age: int | None, role: str | None) -> Reply:
    """A person in danger who cannot or dare not phone: the written ways, from knowledge/external.yml."""
    table = _numbers()
    police = table[POLICE]
    lines = [pick(role, "Tu peux aussi écrire, sans appeler :", "Il est aussi possible d'écrire, sans appeler :"),
             f"{police.number} ({_plain_name(police)}) : {police.details}."]
    if ENFANCE in numbers_for(kinds, age):
        lines.append(f"{table[ENFANCE].number} ({_plain_name(table[ENFANCE])}) : {table[ENFANCE].url}, "
                     f"{table[ENFANCE].details}.")
    lines.append(pick(role, "Tu peux aussi en parler à un adulte de confiance (au lycée, l'infirmière ou le CPE).",
                      "Un adulte de confiance peut aussi aider à appeler."))
    return Reply("\n".join(lines), PERSON_BUTTONS)


def urgent_line(kinds: Sequence[str], age: int | None, role: str | None) -> str:
    """ "Si c'est urgent : …" for a person who spoke of danger: the emergency number, never an office."""
    number = _numbers()[numbers_for(kinds, age)[0]]
    return pick(role, f"Si c'est urgent, n'attends pas : appelle le {number.number} ({_plain_name(number)}).",
                f"Si c'est urgent : le {number.number} ({_plain_name(number)}).")


# --- English and Arabic -----------------------------------------------------------------------

_ENGLISH_NAMES = {URGENCE_SOCIALE: "emergency shelter", ENFANCE: "child in danger", SUICIDE_LINE: "suicide prevention",
                  POLICE: "police", EUROPE: "any emergency", MISSING_CHILDREN: "missing children"}
_ARABIC_NAMES = {URGENCE_SOCIALE: "مبيت طارئ", ENFANCE: "طفل في خطر", SUICIDE_LINE: "الوقاية من الانتحار",
                 POLICE: "الشرطة", EUROPE: "أي حالة طارئة", MISSING_CHILDREN: "الأطفال المفقودون"}
_ENGLISH_KIND = {SUICIDE: "You are not alone: someone can listen to you now.",
                 VIOLENCE: "What is happening to you is not okay, and it is not your fault.",
                 NO_SHELTER: "You have the right to a safe place tonight.",
                 SHELTER_FULL: "Even if it was full, call it again: it is the emergency shelter number."}
_ARABIC_KIND = {SUICIDE: "لست وحدك: هناك من يستطيع الاستماع إليك الآن.",
                VIOLENCE: "ما يحدث لك ليس طبيعياً، وليس ذنبك.",
                NO_SHELTER: "من حقك أن تجد مكاناً آمناً هذه الليلة.",
                SHELTER_FULL: "حتى لو كان ممتلئاً، اتصل به مرة أخرى: إنه رقم المبيت الطارئ."}


# The SLAI by its name: a service of the Département, not a "youth service".
_ENGLISH_SLAI = "the Département's SLAI (Service Local Allocation Insertion)"
_ARABIC_SLAI = "مكتب SLAI التابع لـ Département du Pas-de-Calais (Service Local Allocation Insertion)"


def other_language(language: str, kinds: Sequence[str], age: int | None, territory: Territory | None,
                   partner: bool = False) -> Reply:
    """Numbers and the local contact in English or Arabic (fixed phrases); English for other languages."""
    table = _numbers()
    ids = numbers_for(kinds, age, partner) if kinds else [URGENCE_SOCIALE, ENFANCE, SUICIDE_LINE, POLICE, EUROPE]
    if language == ARABIC:
        lines = [f"اتصل الآن بالرقم {table[ids[0]].number} ({_ARABIC_NAMES[ids[0]]})، مجاني، على مدار الساعة."
                 if kinds else "أنا أجيب بالفرنسية فقط. أرقام الطوارئ في فرنسا مجانية وعلى مدار الساعة:"]
        lines += [f"{table[i].number} : {_ARABIC_NAMES[i]}" for i in (ids[1:] if kinds else ids)]
        kind_line = next((_ARABIC_KIND[k] for k in kinds if k in _ARABIC_KIND), None)
        lines += [kind_line] if kind_line else []
        lines.append(f"{_ARABIC_SLAI} ({territory.name}) : {territory.slai.phone}" if territory
                     else f"اكتب اسم مدينتك لتحصل على رقم {_ARABIC_SLAI}.")
        return Reply("\n".join(lines))
    lines = [f"Call {table[ids[0]].number} now ({_ENGLISH_NAMES[ids[0]]}): free, 24/7."
             if kinds else "I can only answer in French. Emergency numbers in France, free and 24/7:"]
    lines += [f"{table[i].number}: {_ENGLISH_NAMES[i]}" for i in (ids[1:] if kinds else ids)]
    kind_line = next((_ENGLISH_KIND[k] for k in kinds if k in _ENGLISH_KIND), None)
    lines += [kind_line] if kind_line else []
    lines.append(f"{capitalize(_ENGLISH_SLAI)} ({territory.name}): {territory.slai.phone}." if territory
                 else f"Write the name of your town to get the phone number of {_ENGLISH_SLAI}.")
    return Reply("\n".join(lines))


def is_foreign(language: str) -> bool:
    return language in (ENGLISH, ARABIC)


def clarify(role: str | None, likely_intents: list[str]) -> Reply:
    """Low confidence: ask, with a button for each of the two likeliest topics (neither "tu" nor
    "vous" while the role is unknown)."""
    topics = [i for i in likely_intents if i in TOPICS][:2] or ["ask_orientation", "ask_contact"]
    if role is None:
        text = "Je ne suis pas sûr d'avoir compris. C'est à propos de :"
    else:
        text = pick(role, "Je ne suis pas sûr d'avoir compris. Tu parles de :",
                    "Je ne suis pas sûr d'avoir compris. Vous parlez de :")
    return Reply(text, tuple(Button(TOPICS[t], f"/{t}") for t in topics))
