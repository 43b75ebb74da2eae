"""rasa_ext.nlu.safety: danger in any words makes the intent `distress`, clearly ahead of the rest."""

from rasa.shared.nlu.training_data.message import Message

from rasa_ext.nlu.safety import SafetyOverride


def parsed(text: str, intent: str, confidence: float) -> Message:
    ranking = [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 0.01}]
    return Message(data={"text": text, "intent": ranking[0], "intent_ranking": ranking})


def test_danger_in_english_becomes_distress_with_no_close_second() -> None:
    message = SafetyOverride().process([parsed("I'm 17, my dad hits me", "other_language", 0.999)])[0]
    ranking = message.get("intent_ranking")
    assert message.get("intent")["name"] == "distress" and ranking[0]["confidence"] == 1.0
    assert ranking[1]["confidence"] < 0.9  # the FallbackClassifier must not find it ambiguous


def test_ordinary_messages_and_buttons_are_left_alone() -> None:
    plain = SafetyOverride().process([parsed("je cherche un logement", "ask_orientation", 0.9)])[0]
    assert plain.get("intent")["name"] == "ask_orientation"
    button = SafetyOverride().process([parsed('/inform{"situation": "sans_logement"}', "inform", 1.0)])[0]
    assert button.get("intent")["name"] == "inform"


def test_a_question_about_a_term_taken_for_small_talk_becomes_the_question() -> None:
    from rasa_ext.nlu.topics import TopicOverride, question_intent

    message = TopicOverride().process([parsed("la DPID c'est quel service exactement ?", "chitchat", 0.95)])[0]
    assert message.get("intent")["name"] == "ask_scheme_info" and message.get("intent_ranking")[1]["confidence"] < 0.9
    assert question_intent("c'est quand la date limite du FAJ Co ?", "greet") == "ask_deadline"
    assert question_intent("il fait beau aujourd'hui ?", "out_of_scope") is None
    assert question_intent("il pleut à Arras ?", "out_of_scope") is None  # a place alone: still the weather
    assert question_intent("il fait froid dehors ?", "out_of_scope") is None  # the weather, not a night outside
    assert question_intent("excellent travail", "chitchat") is None  # a compliment, not a job search
    assert question_intent("je cherche du travail", "chitchat") == "inform"
    assert question_intent("tu connais une bonne pizzeria à Lens ?", "chitchat") is None
    assert question_intent("jai 17 ans jsuis a lens, y a quoi pour moi", "out_of_scope") == "inform"
    assert question_intent("c'est quoi le FAJ Co ?", "ask_scheme_info") is None  # already a question
