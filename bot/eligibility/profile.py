"""The profile the engine reasons on, and its strict validation from JSON.

Errors are one-line French messages (`ProfileError`): the CLI prints them and exits 2.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.clock import ClockError, parse_iso_date
from bot.knowledge import ROLES, Knowledge

PROFILE_KEYS = ("role", "age", "commune", "situations", "unknown", "structure_types", "as_of")
AGE_MAX = 120


class ProfileError(ValueError):
    """The profile is not valid; the message says why, in French, on one line."""


@dataclass(frozen=True)
class Profile:
    role: str
    age: int | None = None
    commune: str | None = None
    situations: frozenset[str] = frozenset()
    unknown: frozenset[str] = frozenset()
    structure_types: frozenset[str] | None = None  # None: not given
    structure_denied: frozenset[str] = frozenset()  # types said not to apply: the expertise an association lacks
    as_of: dt.date | None = None


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise ProfileError(f"clé en double dans le JSON : {key!r}")
    return dict(pairs)


def _reject_constant(name: str) -> Any:
    raise ProfileError(f"valeur JSON non standard : {name}")


def parse_profile_json(text: str, knowledge: Knowledge) -> Profile:
    """Parse and validate one JSON profile."""
    if not text.strip():
        raise ProfileError("entrée vide : un profil JSON est attendu")
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ProfileError(f"JSON invalide (ligne {exc.lineno}, colonne {exc.colno}) : {exc.msg}") from None
    except RecursionError:
        raise ProfileError("JSON invalide : trop d'imbrications") from None
    return validate_profile(data, knowledge)


def _id_list(data: Mapping[str, Any], key: str, allowed: frozenset[str]) -> frozenset[str]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ProfileError(f"« {key} » doit être une liste d'identifiants")
    for item in value:
        if not isinstance(item, str):
            raise ProfileError(f"« {key} » ne doit contenir que des identifiants (texte), pas {json.dumps(item)}")
        if item not in allowed:
            raise ProfileError(f"identifiant inconnu dans « {key} » : {item!r}")
    return frozenset(value)


def validate_profile(data: Any, knowledge: Knowledge) -> Profile:
    if not isinstance(data, dict):
        raise ProfileError("le profil doit être un objet JSON")
    unknown_keys = sorted(set(data) - set(PROFILE_KEYS))
    if unknown_keys:
        raise ProfileError(f"clé inconnue : {unknown_keys[0]!r} (clés admises : {', '.join(PROFILE_KEYS)})")

    role = data.get("role")
    if role is None:
        raise ProfileError("« role » est obligatoire (jeune, professionnel ou structure)")
    if role not in ROLES:
        raise ProfileError(f"rôle inconnu : {json.dumps(role)} (attendu : jeune, professionnel ou structure)")

    age = data.get("age")
    if "age" in data and (isinstance(age, bool) or not isinstance(age, int)):
        raise ProfileError(f"« age » doit être un nombre entier, pas {json.dumps(age)}")
    if age is not None and not 0 <= age <= AGE_MAX:
        raise ProfileError(f"« age » doit être compris entre 0 et {AGE_MAX}")

    commune = data.get("commune")
    if "commune" in data and not isinstance(commune, str):
        raise ProfileError("« commune » doit être un texte (nom, code postal ou code INSEE)")

    vocabulary = knowledge.vocabulary
    situation_ids = frozenset(vocabulary.situation_ids)
    type_ids = frozenset(vocabulary.structure_type_ids)
    situations = _id_list(data, "situations", situation_ids)
    unknown = _id_list(data, "unknown", situation_ids | type_ids | {"age", "commune", "structure_types"})
    structure_types = _id_list(data, "structure_types", type_ids) if "structure_types" in data else None

    both = sorted(situations & unknown)
    if both:
        raise ProfileError(f"{both[0]!r} est à la fois dans « situations » et dans « unknown »")
    if structure_types is not None:
        both = sorted(structure_types & unknown)
        if both:
            raise ProfileError(f"{both[0]!r} est à la fois dans « structure_types » et dans « unknown »")
    for fact, present in (("age", age is not None), ("commune", commune is not None),
                          ("structure_types", structure_types is not None)):
        if present and fact in unknown:
            raise ProfileError(f"« {fact} » est à la fois donné et dans « unknown »")

    as_of = None
    if "as_of" in data:
        try:
            as_of = parse_iso_date(data["as_of"])
        except ClockError as exc:
            raise ProfileError(f"« as_of » : {exc}") from None

    return Profile(role=role, age=age, commune=commune, situations=situations, unknown=unknown,
                   structure_types=structure_types, as_of=as_of)
