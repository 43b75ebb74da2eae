"""The conversation as the dialogue sees it: the facts known so far and what is pending.

Built from Rasa's slots (`State.from_slots`), changed only through `with_facts` and `replace`,
and turned back into slot values by `changes_from` — so that an action returns exactly what
changed. The engine's profile (`profile`) adds the facts presumed absent (bot/conversation/
presumptions.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.communes import CommuneMatch, communes
from bot.conversation import protocol as p
from bot.eligibility.engine import Orientation, orient
from bot.eligibility.profile import Profile
from bot.knowledge import SCHEME_IDS, TERRITORY_IDS, Territory, knowledge


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _set(value: Any) -> frozenset[str]:
    return frozenset(v for v in (value or ()) if isinstance(v, str))


@dataclass(frozen=True)
class State:
    role: str | None = None
    age: int | None = None
    commune: str | None = None          # a name or code that `communes().resolve` reads back
    territory: str | None = None
    scheme: str | None = None           # the scheme the conversation is about
    yes: frozenset[str] = frozenset()
    no: frozenset[str] = frozenset()
    unsure: frozenset[str] = frozenset()  # asked and answered "je ne sais pas": not asked again
    structure_types: frozenset[str] | None = None
    structure_no: frozenset[str] = frozenset()
    needs: tuple[str, ...] = ()
    offer: str | None = None
    pending: str | None = None          # the question asked (a fact, a group, "besoin"…)
    asked: tuple[str, ...] = ()         # questions of the current orientation, in order
    explained: frozenset[str] = frozenset()
    alert: tuple[str, ...] = ()         # the kinds of danger said in this conversation
    welcomed: bool = False

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> State:
        types = slots.get(p.STRUCTURE_TYPES)
        territory = slots.get(p.TERRITORY)
        scheme = slots.get(p.SCHEME)
        return cls(
            role=slots.get(p.ROLE) if slots.get(p.ROLE) in p.ROLES else None,
            age=_int(slots.get(p.AGE)),
            commune=slots.get(p.COMMUNE) if isinstance(slots.get(p.COMMUNE), str) else None,
            territory=territory if territory in TERRITORY_IDS else None,
            scheme=scheme if scheme in SCHEME_IDS else None,
            yes=_set(slots.get(p.SITUATIONS)),
            no=_set(slots.get(p.SITUATIONS_NO)),
            unsure=_set(slots.get(p.UNSURE)),
            structure_types=_set(types) if types else None,
            structure_no=_set(slots.get(p.STRUCTURE_NO)),
            needs=tuple(n for n in (slots.get(p.NEEDS) or ()) if isinstance(n, str)),
            offer=slots.get(p.PENDING_OFFER) if slots.get(p.PENDING_OFFER) in p.OFFERS else None,
            pending=slots.get(p.PENDING_FACT) if isinstance(slots.get(p.PENDING_FACT), str) else None,
            asked=tuple(a for a in (slots.get(p.ASKED) or ()) if isinstance(a, str)),
            explained=_set(slots.get(p.EXPLAINED)),
            alert=tuple(a for a in (slots.get(p.ALERT) or ()) if isinstance(a, str)),
            welcomed=bool(slots.get(p.WELCOMED)),
        )

    def as_slots(self) -> dict[str, Any]:
        return {
            p.ROLE: self.role, p.AGE: self.age, p.COMMUNE: self.commune, p.TERRITORY: self.territory,
            p.SCHEME: self.scheme, p.SITUATIONS: sorted(self.yes), p.SITUATIONS_NO: sorted(self.no),
            p.UNSURE: sorted(self.unsure),
            p.STRUCTURE_TYPES: sorted(self.structure_types) if self.structure_types is not None else None,
            p.STRUCTURE_NO: sorted(self.structure_no), p.NEEDS: list(self.needs), p.PENDING_OFFER: self.offer,
            p.PENDING_FACT: self.pending, p.ASKED: list(self.asked), p.EXPLAINED: sorted(self.explained),
            p.ALERT: list(self.alert), p.WELCOMED: self.welcomed,
        }

    def changes_from(self, before: State) -> dict[str, Any]:
        """The slots whose value differs from `before` (empty lists and None count as equal)."""
        old, new = before.as_slots(), self.as_slots()
        return {k: v for k, v in new.items() if (old[k] or None) != (v or None)}

    def replace(self, **changes: Any) -> State:
        return replace(self, **changes)

    # --- facts ------------------------------------------------------------------------------

    @property
    def speaks_for_self(self) -> bool:
        return self.role in (None, p.JEUNE)

    @property
    def engine_role(self) -> str:
        """The engine knows three roles: a parent or relative asks about a young person, as a
        professional does."""
        if self.role == p.STRUCTURE:
            return p.STRUCTURE
        return p.PRO if self.role in (p.PRO, p.PROCHE) else p.JEUNE

    def match(self) -> CommuneMatch:
        return communes().resolve(self.commune)

    def territory_info(self) -> Territory | None:
        if self.territory:
            return knowledge().territory(self.territory)
        return None

    def with_situation(self, situation: str, applies: bool) -> State:
        if applies:
            return replace(self, yes=self.yes | {situation}, no=self.no - {situation},
                           unsure=self.unsure - {situation})
        return replace(self, no=self.no | {situation}, yes=self.yes - {situation}, unsure=self.unsure - {situation})

    def profile(self, presumed_no: frozenset[str] = frozenset()) -> Profile:
        """The engine's profile; `presumed_no` are situations taken as absent without asking."""
        k = knowledge()
        if self.engine_role == p.STRUCTURE:
            types = self.structure_types or frozenset()
            # An association may carry a call if it shows the expertise (the fact `settled_by`): unknown until said.
            settling = {s.carriers.settled_by for s in k.schemes.values() if set(s.carriers.to_confirm) & types}
            unknown = frozenset(f for f in settling if f) - self.structure_no - types
            return Profile(role=p.STRUCTURE, commune=self.commune, structure_types=self.structure_types,
                           unknown=unknown, structure_denied=self.structure_no)
        no = self.no | (presumed_no - self.yes)
        situations = set(k.vocabulary.situation_ids)
        return Profile(role=self.engine_role, age=self.age, commune=self.commune, situations=self.yes,
                       unknown=frozenset(situations - self.yes - no))

    def orientation(self, today: dt.date, presumed_no: frozenset[str] = frozenset()) -> Orientation:
        return orient(self.profile(presumed_no), knowledge(), communes(), today)
