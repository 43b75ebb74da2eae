"""The state of an orientation conversation, kept in slots, and what to ask next."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from bot.communes import communes
from bot.eligibility.engine import Orientation, fact_order, next_question, orient
from bot.eligibility.profile import Profile
from bot.knowledge import Knowledge, knowledge

YES, NO, UNSURE = "oui", "non", "inconnu"


@dataclass(frozen=True)
class OrientationState:
    role: str | None = None
    age: int | None = None
    commune: str | None = None              # what resolves it: an INSEE code or the typed name
    yes: frozenset[str] = frozenset()       # situations that apply
    no: frozenset[str] = frozenset()        # situations that do not apply
    unsure: frozenset[str] = frozenset()    # asked, answered "je ne sais pas": not asked again
    structure_types: frozenset[str] | None = None
    structure_no: frozenset[str] = field(default_factory=frozenset)

    @property
    def engine_role(self) -> str:
        return self.role or "jeune"

    def profile(self, k: Knowledge) -> Profile:
        if self.engine_role == "structure":
            unknown = frozenset()
            if self.structure_types and "association_1901" in self.structure_types:
                unknown = frozenset({"structure_accompagnement_jeunes"}) - self.structure_no - self.structure_types
            return Profile(role="structure", structure_types=self.structure_types, unknown=unknown)
        situations = set(k.vocabulary.situation_ids)
        return Profile(
            role=self.engine_role, age=self.age, commune=self.commune,
            situations=self.yes, unknown=frozenset(situations - self.yes - self.no),
        )

    def orientation(self, today: dt.date) -> Orientation:
        k = knowledge()
        return orient(self.profile(k), k, communes(), today)

    def next_fact(self, orientation: Orientation) -> str | None:
        """The engine's next question, skipping what was answered "je ne sais pas" (and a structure's
        "non" to a type that only a human can confirm). When nothing is left to decide but the commune
        is unknown, ask it anyway: the answer must give the contact of the person's territory."""
        fact = next_question(orientation.results, fact_order(knowledge()), skip=self.unsure | self.structure_no)
        if fact is None and self.engine_role != "structure" and self.commune is None and "commune" not in self.unsure:
            return "commune"
        return fact

    def answer(self, fact: str, value: str) -> OrientationState:
        """Record "oui" / "non" / "inconnu" to the question about `fact` (a situation or structure type)."""
        k = knowledge()
        if fact in k.vocabulary.structure_type_ids:
            types = set(self.structure_types or ())
            if value == YES:
                return replace(self, structure_types=frozenset(types | {fact}))
            return replace(self, structure_no=self.structure_no | {fact})
        if value == UNSURE:
            return replace(self, unsure=self.unsure | {fact})
        applies = value == YES
        if k.vocabulary.situation(fact).inverted:
            applies = not applies
        if applies:
            return replace(self, yes=self.yes | {fact}, no=self.no - {fact})
        return replace(self, no=self.no | {fact}, yes=self.yes - {fact})

    def with_situations(self, situations: set[str]) -> OrientationState:
        """Situations the person stated themselves ("je suis en foyer")."""
        return replace(self, yes=self.yes | situations, no=self.no - situations, unsure=self.unsure - situations)

