"""bot.prescription.validation: accepted forms, clear re-asks that never repeat the input,
and hypothesis: nothing but FieldError escapes, accepted values round-trip."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.communes import communes
from bot.prescription.fields import ALL_FIELDS, PartialDate, field
from bot.prescription.validation import (
    FieldError,
    parse,
    parse_birth_date,
    parse_commune,
    parse_email,
    parse_name,
    parse_phone,
    parse_school_date,
    parse_text,
    parse_yes_no,
)

TODAY = dt.date(2026, 11, 29)
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]


@pytest.mark.parametrize("text", ["12/03/2008", "12-03-2008", "12.03.2008", "12 03 2008", "12032008", "12/3/2008",
                                  "12 mars 2008", "12 Mars 2008", "12 mars 08", "12/03/08", "2008-03-12",
                                  "né le 12/03/2008", "Née le 12 mars 2008", " 12 MARS 2008 "])
def test_dates_of_birth_in_common_french_forms(text: str) -> None:
    assert parse_birth_date(text, TODAY) == dt.date(2008, 3, 12)


def test_first_of_the_month_and_abbreviations() -> None:
    assert parse_birth_date("1er février 2009", TODAY) == dt.date(2009, 2, 1)
    assert parse_birth_date("3 sept. 2001", TODAY) == dt.date(2001, 9, 3)


@pytest.mark.parametrize(("text", "code"), [
    ("31/02/2008", "impossible"), ("30 février 2008", "impossible"), ("12/13/2008", "impossible"),
    ("12/03/2027", "futur"), ("30/11/2026", "futur"),
    ("12/03/1970", "age"), ("12/03/2020", "age"),
    ("", "format"), ("demain", "format"), ("mars 2008", "format"), ("2008", "format"), ("12/03", "format"),
    ("17 ans, né le 12/03/2008", "format"),
])
def test_bad_dates_of_birth_get_a_reason(text: str, code: str) -> None:
    with pytest.raises(FieldError) as raised:
        parse_birth_date(text, TODAY)
    assert raised.value.code == code


def test_the_age_bounds_are_10_and_40_on_the_day() -> None:
    assert parse_birth_date("29/11/2016", TODAY) == dt.date(2016, 11, 29)  # 10 today
    with pytest.raises(FieldError):
        parse_birth_date("30/11/2016", TODAY)  # 9 until tomorrow
    assert parse_birth_date("30/11/1985", TODAY) == dt.date(1985, 11, 30)  # 40
    with pytest.raises(FieldError):
        parse_birth_date("29/11/1985", TODAY)  # 41 today


@pytest.mark.parametrize(("text", "expected"), [
    ("juin 2024", PartialDate(2024, 6)), ("Juin 2024", PartialDate(2024, 6)), ("06/2024", PartialDate(2024, 6)),
    ("6-2024", PartialDate(2024, 6)), ("2024-06", PartialDate(2024, 6)), ("en juin 2024", PartialDate(2024, 6)),
    ("fin juin 24", PartialDate(2024, 6)), ("2023", PartialDate(2023)), ("15/06/2024", PartialDate(2024, 6, 15)),
])
def test_school_leaving_dates_may_be_a_month(text: str, expected: PartialDate) -> None:
    assert parse_school_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["décembre 2026", "2027", "13/2024", "1975", "l'an dernier", "31/06/2024"])
def test_bad_school_dates_are_refused(text: str) -> None:
    with pytest.raises(FieldError):
        parse_school_date(text, TODAY)


@pytest.mark.parametrize("text", ["06 12 34 56 78", "0612345678", "06.12.34.56.78", "06-12-34-56-78",
                                  "+33 6 12 34 56 78", "+33612345678", "0033 6 12 34 56 78", "+33 (0)6 12 34 56 78",
                                  "33612345678", "06/12/34/56/78"])
def test_french_phone_numbers_are_normalised(text: str) -> None:
    assert parse_phone(text) == "06 12 34 56 78"


def test_landlines_and_07_numbers() -> None:
    assert parse_phone("03.21.13.19.35") == "03 21 13 19 35"
    assert parse_phone("07 00 11 22 33") == "07 00 11 22 33"


@pytest.mark.parametrize(("text", "code"), [
    ("12", "longueur"), ("06 12 34 56", "longueur"), ("06 12 34 56 78 9", "longueur"), ("00 12 34 56 78", "etranger"), ("01 00", "longueur"),
    ("+32 470 12 34 56", "etranger"), ("0032470123456", "etranger"), ("+44 20 7946 0958", "etranger"),
    ("zéro six douze", "format"), ("06 12 AB 56 78", "format"), ("", "vide"), (" - ", "vide"),
])
def test_bad_phone_numbers_get_a_reason(text: str, code: str) -> None:
    with pytest.raises(FieldError) as raised:
        parse_phone(text)
    assert raised.value.code == code


def test_emails() -> None:
    assert parse_email(" Jean.Dupont@Exemple.FR ") == "Jean.Dupont@exemple.fr"
    assert parse_email("mailto:a+b@mission-locale.fr") == "a+b@mission-locale.fr"
    for bad in ["jean.dupont", "jean@", "@exemple.fr", "jean@exemple", "jean@@exemple.fr", "jean dupont@exemple.fr",
                "jean@exemple.f", "jean@-exemple.fr", "jean..dupont@exemple.fr", "x" * 65 + "@exemple.fr", ""]:
        with pytest.raises(FieldError):
            parse_email(bad)


def test_communes_inside_the_62_only() -> None:
    assert parse_commune("Calais").insee == "62193"
    assert parse_commune("62100").insee == "62193"
    assert parse_commune("insee:62041").name == "Arras"
    with pytest.raises(FieldError) as outside:
        parse_commune("Lille")
    assert outside.value.code == "hors_62" and "Pas-de-Calais" in str(outside.value)
    with pytest.raises(FieldError) as nord:
        parse_commune("Dunkerque 59140")
    assert nord.value.code == "hors_62"
    with pytest.raises(FieldError) as ambiguous:
        parse_commune("62320")
    assert ambiguous.value.code == "ambigue"
    assert "Rouvroy" in str(ambiguous.value) and "Drocourt" in str(ambiguous.value)
    with pytest.raises(FieldError) as unknown:
        parse_commune("Xyzzyville")
    assert unknown.value.code == "inconnue"


def test_names_keep_their_spelling() -> None:
    assert parse_name("  Œdipe ") == "Œdipe"
    assert parse_name("D’Arcy-Lefèvre") == "D’Arcy-Lefèvre"
    assert parse_name("Jean  Pierre") == "Jean Pierre"
    for bad in ["", "   ", "R2D2", "<script>", "x" * 81, "---"]:
        with pytest.raises(FieldError):
            parse_name(bad)


def test_free_text_is_trimmed_and_capped_never_cut() -> None:
    assert parse_text("  la cuisine\r\n  et la vente  ") == "la cuisine\net la vente"
    assert parse_text("x" * 500) == "x" * 500
    for bad in ["x" * 501, "x" * 5000, "", " \n\t ", "\x00\x07"]:
        with pytest.raises(FieldError):
            parse_text(bad)


@pytest.mark.parametrize(("text", "expected"), [
    ("oui", True), ("Oui !", True), ("ouais", True), ("OK", True), ("d'accord", True), ("bien sûr", True),
    ("oui il est au courant", True), ("non", False), ("nan", False), ("Non merci", False), ("pas du tout", False),
    ("jamais", False),
])
def test_yes_and_no_in_french(text: str, expected: bool) -> None:
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize("text", ["peut-être", "je sais pas", "oui mais pas encore", "", "non oui"])
def test_unclear_answers_are_asked_again(text: str) -> None:
    with pytest.raises(FieldError):
        parse_yes_no(text)


def test_parse_dispatches_by_field() -> None:
    assert parse(field("commune"), "Arras", TODAY) == "62041"
    assert parse(field("representant_informe"), "ouais", TODAY) is True
    with pytest.raises(ValueError):
        parse(field("age"), "17", TODAY)


SECRET = "Zorglub-4815162342"


@pytest.mark.parametrize("f", [f for f in ALL_FIELDS if f.asked], ids=lambda f: f.id)
def test_re_asks_never_repeat_what_was_typed(f) -> None:  # noqa: ANN001
    for text in (f"{SECRET} 31/02/2008 06 12", f"{SECRET}@", SECRET * 200):
        try:
            parse(f, text, TODAY)
        except FieldError as error:
            assert SECRET not in str(error) and "4815" not in str(error)
            assert len(str(error)) < 300


# --- properties ---------------------------------------------------------------------------------

PARSERS = [
    lambda t: parse_birth_date(t, TODAY), lambda t: parse_school_date(t, TODAY), parse_phone, parse_email,
    parse_commune, parse_name, parse_text, parse_yes_no,
]
typed = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789 /.-+()", max_size=25),
    st.from_regex(r"\d{1,2} (janvier|mars|juin|août|fevrier) \d{2,4}", fullmatch=True),
    st.from_regex(r"[a-z.]{0,10}@[a-z.\-]{0,12}", fullmatch=True),
)


@pytest.mark.parametrize("parser", PARSERS, ids=["naissance", "sortie", "telephone", "email", "commune", "nom", "texte", "oui_non"])
@given(text=typed)
def test_validators_raise_nothing_but_field_error(parser, text: str) -> None:  # noqa: ANN001
    try:
        parser(text)
    except FieldError as error:
        assert str(error) and error.code


@given(st.dates(min_value=dt.date(1986, 12, 1), max_value=dt.date(2016, 11, 29)), st.sampled_from(["{d:02d}/{m:02d}/{y}", "{y}-{m:02d}-{d:02d}", "{d} {month} {y}", "{d:02d}-{m:02d}-{y}"]))
def test_birth_dates_round_trip(born: dt.date, template: str) -> None:
    text = template.format(d=born.day, m=born.month, y=born.year, month=MONTHS[born.month - 1])
    assert parse_birth_date(text, TODAY) == born
    assert parse_birth_date(born.strftime("%d/%m/%Y"), TODAY) == born


@given(st.dates(min_value=dt.date(1980, 1, 1), max_value=TODAY), st.booleans())
def test_school_dates_round_trip(day: dt.date, month_only: bool) -> None:
    value = PartialDate(day.year, day.month, None if month_only else day.day)
    assert parse_school_date(value.french(), TODAY) == value
    assert parse_school_date(value.iso(), TODAY) == value


@given(st.sampled_from("1234567"), st.text(alphabet="0123456789", min_size=8, max_size=8), st.sampled_from([" ", ".", "-", ""]), st.booleans())
def test_phones_round_trip(first: str, rest: str, separator: str, international: bool) -> None:
    digits = "0" + first + rest
    pairs = [digits[i:i + 2] for i in range(0, 10, 2)]
    typed_phone = ("+33 " + separator.join([digits[1]] + [digits[i:i + 2] for i in range(2, 10, 2)])) if international else separator.join(pairs)
    normalised = parse_phone(typed_phone)
    assert normalised == " ".join(pairs)
    assert parse_phone(normalised) == normalised


@given(st.from_regex(r"[a-z0-9]([a-z0-9._+-]{0,15}[a-z0-9])?", fullmatch=True), st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,5})?\.(fr|com|org|bzh)", fullmatch=True))
def test_emails_round_trip(local: str, domain: str) -> None:
    if ".." in local:
        return
    address = f"{local}@{domain.upper()}"
    assert parse_email(address) == f"{local}@{domain}"
    assert parse_email(parse_email(address)) == f"{local}@{domain}"


@given(st.sampled_from(sorted(communes().all(), key=lambda c: c.insee)))
def test_every_commune_resolves_by_its_insee_button_and_by_name_or_asks_which(commune) -> None:  # noqa: ANN001
    assert parse_commune(f"insee:{commune.insee}") == commune
    try:
        assert parse_commune(commune.name).name == commune.name
    except FieldError as error:
        assert error.code == "ambigue" and commune.name in str(error)


@given(st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=1, max_size=30))
def test_names_round_trip(name: str) -> None:
    try:
        accepted = parse_name(name)
    except FieldError:
        return
    assert parse_name(accepted) == accepted


@given(st.text(min_size=1, max_size=600))
def test_free_text_round_trips_or_is_refused(text: str) -> None:
    try:
        accepted = parse_text(text)
    except FieldError as error:
        assert error.code in ("vide", "trop_long")
        return
    assert 0 < len(accepted) <= 500 and parse_text(accepted) == accepted


@given(st.sampled_from(["oui", "ouais", "ok", "non", "nan", "pas du tout"]), st.sampled_from(["", " ", "!", " !", ".", "  "]), st.booleans())
def test_yes_no_round_trips(word: str, tail: str, upper: bool) -> None:
    text = (word.upper() if upper else word) + tail
    assert parse_yes_no(text) is parse_yes_no(word)
    assert parse_yes_no("oui" if parse_yes_no(text) else "non") is parse_yes_no(text)
