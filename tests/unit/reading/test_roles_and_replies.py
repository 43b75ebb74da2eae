"""Who speaks, short replies, corrections."""

import pytest

from bot.reading import read


@pytest.mark.parametrize(("text", "role"), [
    ("je suis éducatrice, un jeune de 17 ans à Arras a décroché", "professionnel"),
    ("je suis conseiller à la mission locale", "professionnel"),
    ("un jeune que j'accompagne cherche un logement", "professionnel"),
    ("ma fille a 16 ans elle a arrêté l'école", "proche"),
    ("on est une asso à Lens", "structure"),
    ("nous sommes un bailleur social", "structure"),
    ("notre CLLAJ voudrait répondre", "structure"),
    ("jsuis en cej a la mission locale de calais jai 19 ans", "jeune"),
    ("mais non jsuis un jeune", "jeune"),
    ("chui jeune", "jeune"),
    ("j'ai 19 ans et ma fille a 2 ans je cherche un appart", "jeune"),
    ("Référente ASE : un jeune sorti de l'ASE à 19 ans, vit à Berck", "professionnel"),
    ("Éducatrice PJJ, un mineur de 17 ans à Lens a décroché", "professionnel"),
    ("je travaille dans un CHRS à Boulogne, un résident de 23 ans", "professionnel"),
    ("je ne suis pas un jeune, je suis le directeur de l'association !", "structure"),
])
def test_the_role_comes_from_the_words(text: str, role: str) -> None:
    assert read(text).role == role


def test_a_young_parent_has_a_child_and_a_parent_does_not() -> None:
    assert "enfant_a_charge" in read("j'ai 19 ans et ma fille a 2 ans je cherche un appart").yes
    assert "enfant_a_charge" not in read("ma fille a 16 ans elle a arrêté l'école").yes


@pytest.mark.parametrize(("text", "reply"), [
    ("oui", "oui"), ("ouais", "oui"), ("non", "non"), ("nan", "non"), ("jsp", "inconnu"), ("je sais pas", "inconnu"),
    ("ok", "ok"), ("d'accord", "ok"), ("oui à 16 ans", "oui"),
])
def test_short_replies(text: str, reply: str) -> None:
    assert read(text).reply == reply


def test_ok_is_not_yes_and_a_correction_is_seen() -> None:
    assert read("ok").reply != "oui"
    assert read("non en fait j'ai 18 ans").correction and read("non en fait j'ai 18 ans").age == 18


def test_a_structure_type_named_in_full_is_not_also_its_shorter_part() -> None:
    """An agreed association is not asked whether it has the expertise a plain association must show."""
    text = "association agréée FSL à Arras : peut-on répondre pour accompagner des 18-24 ans ?"
    assert read(text, "inform").structure_types == ("association_agreee_fsl",)
    assert read("on est un CCAS", "inform").structure_types == ("collectivite",)


def test_a_model_entity_is_no_fact_only_a_button_payload_is() -> None:
    """The NLU model extracts no entity (config.yml); an entity that is not a button's is ignored."""
    model = [{"entity": "dispositif", "value": "faj_co", "extractor": "DIETClassifier"}]
    assert read("c quoi ce truc", "ask_scheme_info", model).schemes == ()
    assert read('/inform{"dispositif": "faj_co"}', "inform", [{"entity": "dispositif", "value": "faj_co"}]).schemes == (
        "faj_co",)


@pytest.mark.parametrize("text", ["coordo ase c quoi", "le coordo ASE c pour qui ?", "prof ma dit daller a la mission locale"])
def test_a_scheme_or_a_teacher_named_first_is_not_a_professional_speaking(text: str) -> None:
    assert read(text).role is None


@pytest.mark.parametrize("text", ["wsh jsp trop ce que je veux faire", "je sais pas quoi faire de ma vie"])
def test_not_knowing_what_to_look_for_is_unsure_however_long(text: str) -> None:
    assert read(text).reply == "inconnu"


