"""The names the dialogue shares with Rasa: slots, offers, intents, and what a turn returns.

domain.yml and data/rules/ must use these names; tests/unit/conversation/test_protocol.py checks
them against both files, so that a renamed slot or intent fails a test instead of a conversation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.answers.reply import Reply

# --- slots ---------------------------------------------------------------------------------
ROLE, AGE, COMMUNE, TERRITORY, SCHEME = "role", "age", "commune", "territoire", "dispositif"
SITUATIONS, SITUATIONS_NO, UNSURE = "situations", "situations_no", "facts_unsure"
STRUCTURE_TYPES, STRUCTURE_NO, NEEDS = "structure_types", "structure_no", "besoin"
PENDING_OFFER, PENDING_FACT, ASKED = "pending_offer", "pending_fact", "asked"
EXPLAINED, ALERT, WELCOMED = "explained_terms", "alert", "welcomed"
FACT_SLOTS = (ROLE, AGE, COMMUNE, TERRITORY, SCHEME, SITUATIONS, SITUATIONS_NO, UNSURE, STRUCTURE_TYPES,
              STRUCTURE_NO, NEEDS)
STATE_SLOTS = (*FACT_SLOTS, PENDING_OFFER, PENDING_FACT, ASKED, EXPLAINED, ALERT, WELCOMED)

# --- offers: what a "oui" answers (slot pending_offer) -----------------------------------------
PERSON = "person"        # "Tu veux qu'une personne te recontacte ?"
CONTACT = "contact"      # "Dans quelle commune ?" to give a contact
ERASE = "erase"          # "Tu veux que j'efface tout ?"
QUESTION = "question"    # an orientation question (pending_fact says which)
CHECK = "check"          # "Tu veux que je vérifie ?" under a scheme's rule (pending_fact: the scheme)
OFFERS = (PERSON, CONTACT, ERASE, QUESTION, CHECK)

# --- roles (slot role) -----------------------------------------------------------------------
JEUNE, PRO, STRUCTURE, PROCHE = "jeune", "professionnel", "structure", "proche"
ROLES = (JEUNE, PRO, STRUCTURE, PROCHE)

# --- intents -----------------------------------------------------------------------------------
# Each question intent and the topic it asks (bot/reading/topics.py).
QUESTION_INTENTS: Mapping[str, str] = {
    "ask_scheme_info": "info", "ask_eligibility": "eligibility", "ask_deadline": "deadline",
    "ask_funding": "funding", "ask_payment": "payment", "ask_evaluation": "evaluation",
    "ask_procedure": "procedure", "ask_contact": "contact",
}
# Intents that give facts or answer the pending question: the orientation goes on.
ANSWER_INTENTS = frozenset({"inform", "affirm", "deny", "dont_know", "ask_orientation"})
# Intents answered by a fixed response, after which a pending question is asked again.
SMALL_TALK = frozenset({"greet", "thanks", "bot_challenge", "chitchat", "out_of_scope"})
DISTRESS, OTHER_LANGUAGE, FALLBACK = "distress", "other_language", "nlu_fallback"
HANDOFF_FORM = "handoff_form"  # the contact request's questions (actions/handoff.py)


@dataclass(frozen=True)
class Turn:
    """What the assistant says, and the slots it changes. `urgent`: the replies lead with an
    emergency number, so that nothing (not even the welcome) comes before them."""

    replies: tuple[Reply, ...] = ()
    slots: Mapping[str, Any] = field(default_factory=dict)
    urgent: bool = False

    def then(self, other: Turn) -> Turn:
        return Turn((*self.replies, *other.replies), {**self.slots, **other.slots}, self.urgent or other.urgent)
