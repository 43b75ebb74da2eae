"""Welcome, distress, other languages, misunderstandings and the offer of a person."""

from __future__ import annotations

from bot.answers.reply import Button, Reply, pick
from bot.knowledge import Territory, knowledge

WELCOME = (
    "Bonjour ! Ici Cap Jeunes 62, l'assistant automatique du Département du Pas-de-Calais. "
    "Je peux orienter vers les dispositifs pour les jeunes (formation, logement, projets), "
    "donner les dates, les montants et le bon contact. Une personne peut prendre le relais à tout moment."
)
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


def welcome() -> Reply:
    return Reply(WELCOME, MENU)


def distress(role: str | None) -> list[Reply]:
    """Emergency numbers first, whatever the conversation was doing; then a person."""
    numbers = knowledge().external.emergency_numbers
    lines = [f"{n.number} — {n.name} : {n.when} ({n.details})." for n in numbers]
    first = pick(role, "Ta sécurité passe avant tout. Si tu es en danger, appelle maintenant :",
                 "La sécurité passe avant tout. En cas de danger, appeler maintenant :")
    return [
        Reply(first + "\n" + "\n".join(lines)),
        Reply(pick(role, "Tu veux qu'une personne du Département te recontacte ?",
                   "Souhaitez-vous qu'une personne du Département vous recontacte ?"),
              (Button("Oui, une personne", "/affirm"), Button("Non merci", "/deny"))),
    ]


def other_language(territory: Territory | None) -> Reply:
    """One line in English and one in Arabic, with the SLAI phone when the territory is known."""
    if territory is not None:
        phone = territory.slai.phone
        english = f"I only speak French. For help, call the local youth service (SLAI): {phone}."
        arabic = f"أنا أتكلم الفرنسية فقط. للمساعدة، اتصل بالخدمة المحلية للشباب (SLAI): {phone}."
    else:
        english = "I only speak French. Write the name of your town to get the phone number of your local service."
        arabic = "أنا أتكلم الفرنسية فقط. اكتب اسم مدينتك لتحصل على رقم هاتف الخدمة المحلية."
    return Reply(f"{english}\n{arabic}")


def clarify(role: str | None, likely_intents: list[str]) -> Reply:
    """Low confidence: ask, with a button for each of the two likeliest topics."""
    topics = [i for i in likely_intents if i in TOPICS][:2] or ["ask_orientation", "ask_contact"]
    text = pick(role, "Je ne suis pas sûr d'avoir compris. Tu parles de :", "Je ne suis pas sûr d'avoir compris. "
                "Vous parlez de :")
    return Reply(text, tuple(Button(TOPICS[t], f"/{t}") for t in topics))
