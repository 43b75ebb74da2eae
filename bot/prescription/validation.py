"""Validators of what people type for a sheet: pure, and raising only `FieldError`.

Each `parse_*` takes the raw text and returns the value to store (see `fields`), or raises
`FieldError` whose message is a short French re-ask in a neutral register (fit for "tu" and
"vous") that never repeats what was typed. Accepted forms:

- date of birth: "12/03/2008", "12-03-2008", "12.03.2008", "12 03 2008", "12032008",
  "12 mars 2008", "1er mars 2008", "12 mars 08", "12/03/08", "2008-03-12", with or without
  words around ("né le …"); two-digit years are the latest year not after today's; the date
  must exist, not be in the future, and give an age of 10 to 40;
- school-leaving date: the same, or a month and a year ("juin 2024", "06/2024", "2024-06"),
  or a year alone ("2023"); not in the future, not before 1980;
- phone: French numbers of 10 digits starting with 0 (01…09), with spaces, dots, dashes or
  slashes, or +33 / 0033 / 33 followed by 9 digits (a "(0)" after the prefix is dropped);
  returned as "06 12 34 56 78";
- e-mail: one "@", a local part of usual characters, a domain with a dot and a top-level part
  of 2 letters or more; the domain is put in lower case;
- commune: a commune of the Pas-de-Calais as `bot.communes` resolves it (name, postal or INSEE
  code, "insee:62193" from a button);
- name: letters, spaces, hyphens, apostrophes, dots; 80 characters at most;
- free text: trimmed, control characters removed, not empty, 500 characters at most (a longer
  answer is refused, never cut);
- yes/no: "oui", "ouais", "ouaip", "yes", "ok", "d'accord", "bien sûr", "exact"… / "non",
  "nan", "no", "nope", "pas du tout", "jamais"…, alone or at the start of the answer.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from bot.communes import AMBIGUOUS, INSEE_PREFIX, OUTSIDE, RESOLVED, Commune, communes
from bot.prescription import fields as F
from bot.prescription.fields import Field, PartialDate
from bot.prescription.models import age_on
from bot.text import normalize

MIN_AGE, MAX_AGE = 10, 40
MAX_TEXT = 500
MAX_NAME = 80
MAX_INPUT = 2_000  # longer input is refused before any parsing
EARLIEST_SCHOOL_YEAR = 1980
MAX_LISTED_COMMUNES = 5


class FieldError(ValueError):
    """A value cannot be accepted; `str(error)` is the French re-ask, `code` says why."""

    def __init__(self, message: str, code: str = "invalide") -> None:
        super().__init__(message)
        self.code = code

    @property
    def message(self) -> str:
        return str(self)


def _too_long(text: str, limit: int = MAX_INPUT) -> None:
    if len(text) > limit:
        raise FieldError(f"Cette réponse est trop longue ({limit} caractères au plus) : merci de la raccourcir.",
                         "trop_long")


# --- dates ------------------------------------------------------------------------------------

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2,
    "mars": 3, "mar": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7,
    "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}
# Words around a date that carry nothing ("né le 12 mars 2008", "en juin 2024", "fin juin").
_DATE_FILLERS = frozenset(
    "ne nee le la l les en depuis fin debut mi vers environ date de d du naissance je suis j ai il elle est "
    "sorti sortie c etait au mois annee an".split()
)
_DAY = re.compile(r"(\d{1,2})(?:er)?")
_NUMBER = re.compile(r"\d{1,2}")
_YEAR4 = re.compile(r"\d{4}")
_YEAR2 = re.compile(r"\d{2}")
_COMPACT = re.compile(r"\d{8}")

_DATE_EXAMPLE = "par exemple 12/03/2008"
_BAD_DATE = f"Je n'ai pas reconnu une date : merci de l'écrire jour, mois et année, {_DATE_EXAMPLE}."


def _year(token: str, today: dt.date) -> int | None:
    if _YEAR4.fullmatch(token):
        return int(token)
    if _YEAR2.fullmatch(token):
        year = 2000 + int(token)
        return year if year <= today.year else year - 100
    return None


def _month(token: str) -> int | None:
    if token in _MONTHS:
        return _MONTHS[token]
    if _NUMBER.fullmatch(token):
        return int(token)
    return None


def _day(token: str) -> int | None:
    match = _DAY.fullmatch(token)
    return int(match.group(1)) if match else None


def _date_tokens(text: str) -> list[str]:
    _too_long(text, 200)
    return [t for t in normalize(text).split() if t not in _DATE_FILLERS]


def _parts(tokens: list[str], today: dt.date, partial: bool) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) read from `tokens`, or None when they are no date form we know."""
    if len(tokens) == 1 and _COMPACT.fullmatch(tokens[0]):
        token = tokens[0]
        day, month, year = int(token[:2]), int(token[2:4]), int(token[4:])
        if 1 <= month <= 12 and 1 <= day <= 31 and year >= 1900:
            return year, month, day
        return int(token[:4]), int(token[4:6]), int(token[6:])
    if len(tokens) == 3:
        if _YEAR4.fullmatch(tokens[0]) and _NUMBER.fullmatch(tokens[1]) and _NUMBER.fullmatch(tokens[2]):
            return int(tokens[0]), int(tokens[1]), int(tokens[2])
        day, month, year = _day(tokens[0]), _month(tokens[1]), _year(tokens[2], today)
        if day is not None and month is not None and year is not None:
            return year, month, day
        return None
    if not partial:
        return None
    if len(tokens) == 2:
        if _YEAR4.fullmatch(tokens[0]) and _NUMBER.fullmatch(tokens[1]):
            return int(tokens[0]), int(tokens[1]), None
        month, year = _month(tokens[0]), _year(tokens[1], today)
        if month is not None and year is not None:
            return year, month, None
        return None
    if len(tokens) == 1 and _YEAR4.fullmatch(tokens[0]):
        return int(tokens[0]), None, None
    return None


def parse_birth_date(text: str, today: dt.date) -> dt.date:
    """A date of birth giving an age of 10 to 40 on `today`."""
    parts = _parts(_date_tokens(text), today, partial=False)
    if parts is None:
        raise FieldError(_BAD_DATE, "format")
    year, month, day = parts
    try:
        born = dt.date(year, month or 0, day or 0)
    except ValueError:
        raise FieldError(f"Cette date n'existe pas : merci de vérifier le jour et le mois ({_DATE_EXAMPLE}).",
                         "impossible") from None
    if born > today:
        raise FieldError(f"Cette date est dans le futur : quelle est la date de naissance ({_DATE_EXAMPLE}) ?",
                         "futur")
    age = age_on(born, today)
    if not MIN_AGE <= age <= MAX_AGE:
        raise FieldError(
            f"Les fiches concernent des jeunes de {MIN_AGE} à {MAX_AGE} ans : merci de vérifier l'année de naissance.",
            "age",
        )
    return born


def parse_school_date(text: str, today: dt.date) -> PartialDate:
    """A past date, month or year ("15/06/2024", "juin 2024", "2023")."""
    parts = _parts(_date_tokens(text), today, partial=True)
    if parts is None:
        raise FieldError("Je n'ai pas reconnu une date : un mois et une année suffisent, par exemple juin 2024.",
                         "format")
    try:
        value = PartialDate(*parts)
    except ValueError:
        raise FieldError("Cette date n'existe pas : merci de vérifier le jour et le mois (par exemple juin 2024).",
                         "impossible") from None
    if value.year < EARLIEST_SCHOOL_YEAR:
        raise FieldError("Cette année semble trop ancienne : merci de la vérifier (par exemple juin 2024).", "age")
    if value.first_day > today:
        raise FieldError(
            "Cette date est dans le futur : quand la scolarité s'est-elle arrêtée (par exemple juin 2024) ?", "futur"
        )
    return value


# --- phone, e-mail ----------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s.\-/()\u00a0\u202f]+")
_PHONE_BAD = "Ce numéro ne semble pas complet : un numéro français a 10 chiffres, par exemple 06 12 34 56 78."
_PHONE_FOREIGN = "Seuls les numéros français sont acceptés (06…, 07…, 03… ou +33…), par exemple 06 12 34 56 78."


def parse_phone(text: str) -> str:
    """A French phone number, written "06 12 34 56 78"."""
    _too_long(text, 60)
    compact = text.strip().replace("(0)", "")
    compact = _PHONE_SEPARATORS.sub("", compact)
    if not compact:
        raise FieldError("Il manque le numéro : merci de l'écrire, par exemple 06 12 34 56 78.", "vide")
    if compact.startswith("+"):
        if not compact.startswith("+33"):
            raise FieldError(_PHONE_FOREIGN, "etranger")
        compact = "0" + compact[3:]
    elif compact.startswith("0033"):
        compact = "0" + compact[4:]
    elif compact.startswith("00"):
        raise FieldError(_PHONE_FOREIGN, "etranger")
    elif compact.startswith("33") and len(compact) == 11:
        compact = "0" + compact[2:]
    if not compact.isascii() or not compact.isdigit():
        raise FieldError("Un numéro de téléphone ne contient que des chiffres, par exemple 06 12 34 56 78.", "format")
    if len(compact) != 10 or compact[0] != "0" or compact[1] == "0":
        raise FieldError(_PHONE_BAD, "longueur")
    return " ".join(compact[i:i + 2] for i in range(0, 10, 2))


_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TLD = re.compile(r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")
_EMAIL_BAD = "Cette adresse e-mail ne semble pas valide : elle s'écrit comme prenom.nom@exemple.fr."


def parse_email(text: str) -> str:
    """An e-mail address; the domain in lower case."""
    _too_long(text, 320)
    address = text.strip()
    if address.lower().startswith("mailto:"):
        address = address[7:]
    if address.count("@") != 1:
        raise FieldError(_EMAIL_BAD, "format")
    local, domain = address.split("@")
    domain = domain.rstrip(".").lower()
    if not local or len(local) > 64 or not _LOCAL_PART.fullmatch(local):
        raise FieldError(_EMAIL_BAD, "format")
    try:
        ascii_domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except (UnicodeError, ValueError):
        raise FieldError(_EMAIL_BAD, "format") from None
    labels = ascii_domain.split(".")
    if (
        len(labels) < 2
        or len(ascii_domain) > 253
        or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels)
        or not _TLD.fullmatch(labels[-1])
    ):
        raise FieldError(_EMAIL_BAD, "format")
    return f"{local}@{domain}"


# --- commune ----------------------------------------------------------------------------------

def parse_commune(text: str) -> Commune:
    """A commune of the Pas-de-Calais."""
    _too_long(text, 120)
    query = text.strip()
    if query.lower().startswith(INSEE_PREFIX):
        found = communes().by_insee(query[len(INSEE_PREFIX):].strip())
        if found is not None:
            return found
        raise FieldError("Je ne trouve pas cette commune dans le Pas-de-Calais : quel est son nom ?", "inconnue")
    match = communes().resolve(query)
    if match.status == RESOLVED and match.commune is not None:
        return match.commune
    if match.status == AMBIGUOUS:
        names = list(dict.fromkeys(c.name for c in match.candidates))
        if len(names) == 1:
            postal = ", ".join(f"{c.name} ({'/'.join(c.postal_codes)})" for c in match.candidates[:MAX_LISTED_COMMUNES])
            raise FieldError(f"Plusieurs communes portent ce nom : {postal}. Laquelle ? Le code postal suffit.",
                             "ambigue")
        shown = names[:MAX_LISTED_COMMUNES]
        listed = ", ".join(shown[:-1]) + f" ou {shown[-1]}" if len(shown) > 1 else shown[0]
        more = " (ou une autre : le code postal aide)" if len(names) > MAX_LISTED_COMMUNES else ""
        raise FieldError(f"Plusieurs communes correspondent : {listed}{more}. Laquelle ?", "ambigue")
    if match.status == OUTSIDE:
        raise FieldError(
            "Cette commune n'est pas dans le Pas-de-Calais : les fiches de prescription concernent les jeunes "
            "qui habitent le Pas-de-Calais (62).",
            "hors_62",
        )
    raise FieldError("Je ne trouve pas cette commune dans le Pas-de-Calais : quel est son nom ou son code postal ?",
                     "inconnue")


# --- names, free text, yes/no -----------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")
_NAME_PUNCTUATION = frozenset(" -'’ʼ.")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def parse_name(text: str) -> str:
    """A last or first name, as written (accents, "Œ", "’" kept)."""
    _too_long(text)
    name = _clean(text).replace("\n", " ")
    if not name:
        raise FieldError("Il manque le nom : merci de l'écrire.", "vide")
    if len(name) > MAX_NAME:
        raise FieldError(f"Ce nom est trop long ({MAX_NAME} caractères au plus).", "trop_long")
    if not any(c.isalpha() for c in name) or not all(c.isalpha() or c in _NAME_PUNCTUATION for c in name):
        raise FieldError("Un nom ne contient que des lettres, des espaces, des tirets ou des apostrophes.", "format")
    return name


def parse_text(text: str, max_length: int = MAX_TEXT) -> str:
    """A free answer: trimmed, not empty, `max_length` characters at most (never cut)."""
    if len(text) > max_length * 4:
        raise FieldError(f"Cette réponse dépasse {max_length} caractères : merci de la raccourcir.", "trop_long")
    cleaned = _clean(text)
    if not cleaned:
        raise FieldError("Cette réponse est vide : merci d'écrire quelques mots.", "vide")
    if len(cleaned) > max_length:
        raise FieldError(f"Cette réponse dépasse {max_length} caractères : merci de la raccourcir.", "trop_long")
    return cleaned


_YES = frozenset({
    "oui", "ouais", "ouai", "ouaip", "ouep", "ouii", "ouiii", "yes", "yep", "ok", "okay", "oki", "daccord",
    "d accord", "bien sur", "exact", "exactement", "tout a fait", "absolument", "certainement", "evidemment",
    "affirmatif", "si", "oui oui", "carrement", "grave", "c est ca", "c est bon", "vrai",
})
_NO = frozenset({
    "non", "nan", "nn", "no", "nope", "non non", "pas du tout", "absolument pas", "jamais", "negatif",
    "pas vraiment", "aucun", "aucune", "faux", "du tout", "pas encore",
})
_YES_FIRST = frozenset({"oui", "ouais", "ouai", "ouaip", "yes", "ok", "si"})
_NO_FIRST = frozenset({"non", "nan", "no", "nope"})


def parse_yes_no(text: str) -> bool:
    """True for a French yes, False for a French no."""
    _too_long(text, 200)
    key = normalize(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    words = key.split()
    if words and words[0] in _YES_FIRST and not any(w in _NO_FIRST or w == "pas" for w in words[1:]):
        return True
    if words and words[0] in _NO_FIRST and not any(w in _YES_FIRST for w in words[1:]):
        return False
    raise FieldError("Je n'ai pas compris : la réponse est-elle oui ou non ?", "oui_non")


# --- by field ---------------------------------------------------------------------------------

def parse(f: Field, text: str, today: dt.date) -> Any:
    """The value of field `f` read from `text` (the commune as its INSEE code)."""
    if not isinstance(text, str):
        raise FieldError("Je n'ai pas compris la réponse : merci de l'écrire.", "vide")
    parsers: dict[str, Callable[[str], Any]] = {
        F.NAME: parse_name,
        F.TEXT: parse_text,
        F.BIRTH_DATE: lambda t: parse_birth_date(t, today),
        F.SCHOOL_DATE: lambda t: parse_school_date(t, today),
        F.PHONE: parse_phone,
        F.EMAIL: parse_email,
        F.COMMUNE: lambda t: parse_commune(t).insee,
        F.YES_NO: parse_yes_no,
    }
    if f.kind not in parsers:
        raise ValueError(f"field {f.id} is not asked")
    return parsers[f.kind](text)
