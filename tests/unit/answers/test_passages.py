"""Detail questions find the sentence of the knowledge that answers them."""

import pytest

from bot.answers import passages
from bot.knowledge import SCHEME_IDS


@pytest.mark.parametrize(("question", "schemes", "expected"), [
    ("et le premier rendez-vous, c'est sous quel délai ?", ["coordo_ase"], "15 jours"),
    ("qui décide de la mesure simple ou renforcée ?", ["accompagnement_logement"], "commission territoriale"),
    ("une fois la fiche validée, je dois faire des retours au SLAI ?", ["graine_de"], "fiche bilan"),
    ("comment on signale un jeune qui ne vient plus aux séances ?", ["graine_de"], "réorienté"),
    ("que doit contenir le dossier de demande ?", ["faj_co"], "devis signés"),
    ("que doit-on faire dans le mois qui suit l'entrée du jeune ?", ["logement_primo_locataires"], "visite à domicile"),
    ("il faut des revenus minimum pour ce logement ?", ["logement_primo_locataires"], "ressources"),
    ("j'ai déjà une assistante sociale, c'est grave ?", ["accompagnement_logement"], "déjà suivi"),
    ("il a encore l'obligation de formation à son âge ?", ["graine_de"], "jusqu'à 18 ans"),
])
def test_a_detail_question_finds_its_sentence(question: str, schemes: list[str], expected: str) -> None:
    found = passages.answering([question], schemes)
    assert found and expected in found[0].text


@pytest.mark.parametrize("question", ["merci beaucoup", "ok", "c quoi le numero ?", "j'y ai droit ?"])
def test_small_words_find_nothing(question: str) -> None:
    assert passages.answering([question], SCHEME_IDS, any_scheme=True) == []


def test_a_sentence_the_answer_already_gives_is_not_repeated() -> None:
    question = "qui décide de l'entrée dans la mesure ?"
    first = passages.answering([question], ["accompagnement_logement"])[0]
    assert first not in passages.answering([question], ["accompagnement_logement"], given=first.text)
