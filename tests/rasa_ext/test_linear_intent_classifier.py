"""The intent classifier of config.yml (rasa_ext/nlu/linear_intent_classifier.py): it learns from
a few examples, tolerates SMS spelling, ranks its guesses, survives a save and a load, and gives
confidences the FallbackClassifier can use."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import spacy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.nlu.linear_intent_classifier import (
    LinearIntentClassifier,
    _compile_lookups,
    _lookup_matches,
    _unknown_word_share,
)

EXAMPLES = {
    "greet": ["bonjour", "salut", "slt", "coucou", "bonsoir", "hello", "wesh", "bonjour madame"],
    "ask_contact": ["numéro du SLAI de Lens", "je peux appeler qui ?", "quel est le téléphone", "un numéro svp",
                    "le contact de la mission locale", "téléphone du SLAI", "je dois appeler qui", "numéro à appeler"],
    "ask_deadline": ["date limite du FAJ Co", "c'est quand les inscriptions", "jusqu'à quand on peut candidater",
                     "quelle est la date limite", "ça commence quand", "c'est ouvert jusqu'à quand",
                     "la date de fin de l'appel", "quand est la date limite"],
}


@functools.lru_cache(maxsize=1)
def _nlp() -> spacy.language.Language:
    return spacy.load("fr_core_news_md", exclude=["parser", "ner"])


def _message(text: str, intent: str | None = None, dense: bool = False) -> Message:
    """A message as the pipeline hands it over; with `dense`, SpacyNLP's document (lower case, as in config.yml)."""
    message = Message(data={TEXT: text, **({"intent": intent} if intent else {})})
    if dense:
        message.set(SPACY_DOCS[TEXT], _nlp()(text.lower()))
    return message


def _classifier(tmp_path: Path, **config: object) -> tuple[LinearIntentClassifier, LocalModelStorage, Resource]:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("linear_intent_classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    return LinearIntentClassifier.create(config, storage, resource, context), storage, resource


def _trained(tmp_path: Path, dense: bool = False) -> tuple[LinearIntentClassifier, LocalModelStorage, Resource]:
    classifier, storage, resource = _classifier(tmp_path)
    classifier.train(TrainingData([_message(t, intent, dense) for intent, texts in EXAMPLES.items() for t in texts]))
    return classifier, storage, resource


def _predict(classifier: LinearIntentClassifier, text: str, dense: bool = False) -> Message:
    return classifier.process([_message(text, dense=dense)])[0]


@pytest.mark.parametrize("dense", [False, True], ids=["text only", "with word vectors"])
@pytest.mark.parametrize(
    ("text", "intent"),
    [("bjr", "greet"), ("c koi le numero du slai", "ask_contact"), ("c quand la date limite ?", "ask_deadline")],
)
def test_it_recognises_unseen_and_misspelled_messages(tmp_path: Path, dense: bool, text: str, intent: str) -> None:
    classifier, _, _ = _trained(tmp_path, dense)

    message = _predict(classifier, text, dense)

    assert message.get("intent")["name"] == intent
    ranking = message.get("intent_ranking")
    assert [r["name"] for r in ranking][0] == intent
    assert sorted(ranking, key=lambda r: -r["confidence"]) == ranking
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


def test_a_saved_model_gives_the_same_answers_after_loading(tmp_path: Path) -> None:
    classifier, storage, resource = _trained(tmp_path, dense=True)
    texts = ["bonjour", "numéro du SLAI d'Arras", "jusqu'à quand ?", "", "🙂🙂", "<script>alert(1)</script>"]

    loaded = LinearIntentClassifier.load({}, storage, resource, ExecutionContext(GraphSchema({}), "test"))

    for text in texts:
        before, after = _predict(classifier, text, dense=True), _predict(loaded, text, dense=True)
        assert after.get("intent_ranking") == before.get("intent_ranking")


def test_a_message_without_a_spacy_document_is_still_classified(tmp_path: Path) -> None:
    """Trained with word vectors, a message that has no document gets zeros, not a crash."""
    classifier, _, _ = _trained(tmp_path, dense=True)

    assert _predict(classifier, "numéro du SLAI", dense=False).get("intent")["name"] == "ask_contact"


def test_a_clear_message_passes_the_fallback_threshold(tmp_path: Path) -> None:
    """config.yml's FallbackClassifier asks for a clarification under 0.6 or when the first two
    intents are within 0.1: a message close to the examples must not trigger it."""
    classifier, _, _ = _trained(tmp_path)

    first, second = _predict(classifier, "numéro du SLAI de Lens").get("intent_ranking")[:2]

    assert first["name"] == "ask_contact"
    assert first["confidence"] >= 0.6 and first["confidence"] - second["confidence"] >= 0.1


def test_the_ranking_is_cut_to_its_configured_length(tmp_path: Path) -> None:
    classifier, _, _ = _classifier(tmp_path, ranking_length=2)
    classifier.train(TrainingData([_message(t, i) for i, texts in EXAMPLES.items() for t in texts]))

    assert len(_predict(classifier, "bonjour").get("intent_ranking")) == 2


def test_an_untrained_model_leaves_messages_alone(tmp_path: Path) -> None:
    classifier, storage, resource = _classifier(tmp_path)
    classifier.train(TrainingData([_message("bonjour", "greet")]))  # a single intent: nothing to learn

    loaded = LinearIntentClassifier.load({}, storage, resource, ExecutionContext(GraphSchema({}), "test"))

    assert _predict(loaded, "bonjour").get("intent") is None


def test_a_message_in_another_script_is_recognised_as_another_language(tmp_path: Path) -> None:
    """One Arabic example is enough to place Georgian, Cyrillic or Ge'ez text: none shares an
    n-gram with it, but all are letters outside the Latin script. Emoji are not letters."""
    classifier, _, _ = _classifier(tmp_path)
    examples = {**EXAMPLES, "other_language": ["I need help", "hello do you speak English", "أحتاج مساعدة"]}
    classifier.train(TrainingData([_message(t, i) for i, texts in examples.items() for t in texts]))

    for text in ("მჭირდება დახმარება", "мне нужна помощь", "ሰላም ሓገዝ የድልየኒ"):
        assert _predict(classifier, text).get("intent")["name"] == "other_language", text
    assert _predict(classifier, "bonjour 🙂").get("intent")["name"] == "greet"


def test_word_vectors_place_words_the_examples_never_used(tmp_path: Path) -> None:
    """"métier" and "CDI" appear in no example and share no useful n-gram with them (on text
    alone both are taken for housing): their word vectors are close to "emploi" and "boulot"."""
    classifier, _, _ = _classifier(tmp_path)
    examples = {
        "housing": ["un appart", "un studio", "une chambre", "un logement", "le loyer"],
        "job": ["un boulot", "un taf", "un emploi", "le salaire", "mon patron"],
    }
    classifier.train(TrainingData([_message(t, i, dense=True) for i, texts in examples.items() for t in texts]))

    for text, intent in [("un métier", "job"), ("un CDI", "job"), ("une colocation", "housing")]:
        assert _predict(classifier, text, dense=True).get("intent")["name"] == intent, text


@pytest.mark.parametrize(
    ("text", "foreign"),
    [("kalacak yerim yok", True), ("potrzebuję pomocy", True), ("szukam pracy", True),
     ("jsuis a la rue", False), ("c koi le numero du slai", False), ("g 17 ans et jhabite a lens", False)],
)
def test_the_unknown_word_share_tells_another_language_from_sms_french(text: str, foreign: bool) -> None:
    """The clue behind half of the `other_language` examples the cross-validation used to give to
    `inform`: most words of a Turkish or Polish message have no French vector, SMS French has them."""
    share = _unknown_word_share(_message(text, dense=True))

    assert (share >= 0.5) is foreign, share


PLACES = {"name": "commune", "elements": ["Lens", "Arras", "Béthune", "Sangatte", "Wimereux", "Fruges",
                                          "Aire-sur-la-Lys"]}


def test_a_bare_place_name_of_the_lookup_table_is_a_fact_given(tmp_path: Path) -> None:
    """The examples name three communes; the lookup table knows the others. A message that is
    only a commune the examples never used is `inform`, before and after a save and a load;
    a question that names one keeps its intent."""
    classifier, storage, resource = _classifier(tmp_path)
    examples = {**EXAMPLES, "inform": ["Lens", "j'habite à Arras", "Béthune", "g 17 ans", "jsuis en foyer",
                                       "je vis chez ma mère", "j'ai 20 ans", "je suis au chômage"]}
    classifier.train(TrainingData([_message(t, i) for i, texts in examples.items() for t in texts],
                                  lookup_tables=[PLACES]))
    loaded = LinearIntentClassifier.load({}, storage, resource, ExecutionContext(GraphSchema({}), "test"))

    for model in (classifier, loaded):
        for text in ("Sangatte", "wimereux", "Aire-sur-la-Lys"):
            assert _predict(model, text).get("intent")["name"] == "inform", text
        assert _predict(model, "numéro du SLAI de Sangatte").get("intent")["name"] == "ask_contact"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Aire-sur-la-Lys", [1.0, 1.0]), ("j'habite à Lens", [1.0, 4 / 12]), ("lensois", [0.0, 0.0]),
     ("", [0.0, 0.0]), ("🙂", [0.0, 0.0])],
)
def test_lookup_matches_are_whole_words_and_cover_the_longest_entry(text: str, expected: list[float]) -> None:
    patterns = _compile_lookups({"commune": ["Aire", "Aire-sur-la-Lys", "Lens"]})

    assert _lookup_matches(text, patterns) == pytest.approx(expected)
