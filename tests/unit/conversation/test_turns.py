"""Conversations through bot/conversation/turns.py (the test names the intent the NLU would give)."""

import re

from dialogue import Chat


def test_a_dropout_of_16_gets_graine_de_and_the_slai_after_one_question() -> None:
    chat = Chat()
    assert "Quel âge as-tu, et dans quelle commune" in chat.say("j'ai arrêté le lycée")
    text = chat.say("16 ans, Arras")
    assert "« graine de »" in text and "03 21 15 21 10" in text
    assert chat.questions == 1 and "/request_sheet" in chat.payloads


def test_a_care_leaver_is_not_asked_about_the_rsa_nor_ase_again() -> None:
    chat = Chat()
    chat.say("jsuis sorti de l'ase jsais pas koi faire", "ask_orientation")
    text = chat.say("19 calais")
    assert "Coordo ASE" in text and "Hervé Leplat" in text and "03 21 00 01 96" in text
    assert "Touches-tu le RSA" not in text and chat.questions == 1


def test_what_was_said_is_never_asked_again() -> None:
    chat = Chat()
    chat.say("g 17 ans et jhabite a lens, j'ai quitté le lycée", "inform")
    assert chat.questions == 0 and "« graine de »" in chat.text and "03 21 13 19 35" in chat.text


def test_someone_who_is_not_looking_for_housing_is_not_asked_about_a_first_request() -> None:
    chat = Chat()
    chat.say("je cherche pas de logement, j'ai 20 ans à Lens", "inform")
    for _ in range(4):
        assert "première demande de logement" not in chat.text
        if not chat.asking:
            break
        chat.say("non", "deny")


def test_ok_is_not_a_yes() -> None:
    chat = Chat()
    chat.say("je cherche une aide", "ask_orientation")
    chat.say("un logement")
    chat.say("20 ans à Béthune")
    assert chat.asking == "groupe:logement"
    chat.say("ok", "affirm")
    assert chat.asking == "groupe:logement" and not chat.state.yes - {"recherche_logement"}
    assert "Pour le logement, où en es-tu" in chat.text


def test_three_questions_at_most_before_a_scheme_or_a_contact() -> None:
    chat = Chat()
    chat.say("je cherche une aide", "ask_orientation")
    while chat.asking:
        chat.say("je sais pas", "dont_know")
    assert chat.questions <= 3
    assert "SLAI" in chat.text or "mission locale" in chat.text


def test_a_correction_replaces_the_age_and_the_result_follows() -> None:
    chat = Chat()
    chat.say("je suis apprenti à Arras et j'ai 16 ans, je cherche un projet", "inform")
    assert "FAJ Co" in chat.text
    chat.say("non en fait j'ai 15 ans", "inform")
    assert chat.state.age == 15 and "FAJ Co :" not in chat.text


def test_a_young_person_who_was_taken_for_a_structure_says_so() -> None:
    chat = Chat()
    chat.say("on est une asso à Lens", "inform")
    assert chat.state.role == "structure"
    chat.say("mais non jsuis un jeune, j'ai 19 ans et je suis en CEJ", "inform")
    assert chat.state.role == "jeune" and "Qu'est-ce que tu cherches" in chat.text
    assert "FAJ Co" in chat.say("/inform", "inform", [{"entity": "besoin", "value": "projet"}])


def test_a_parent_is_spoken_to_with_vous_about_their_child() -> None:
    chat = Chat()
    text = chat.say("ma fille a 16 ans elle a arrêté l'école", "inform")
    assert chat.state.role == "proche" and "votre enfant" in text and " tu " not in f" {text} "
    assert "« graine de »" in chat.say("Arras")


def test_suicidal_words_get_3114_first_and_no_question() -> None:
    chat = Chat()
    text = chat.say("jen ai marre de tout jai envie de crever", "distress")
    assert text.startswith("Appelle le 3114")
    assert chat.asking is None and chat.state.offer == "person" and "Pour bien te répondre" not in text


def test_a_minor_hit_at_home_in_english_gets_119_in_english() -> None:
    chat = Chat()
    text = chat.say("I'm 17, my dad hits me", "other_language")
    assert text.startswith("Call 119 now") and "I only speak French" not in text


def test_pregnant_and_put_out_gets_115_first() -> None:
    chat = Chat()
    text = chat.say("jsuis enceinte mon copain ma mise dehors", "inform")
    assert text.startswith("Appelle le 115")


def test_danger_during_a_question_gives_the_number_and_drops_the_question() -> None:
    chat = Chat()
    chat.say("je cherche une aide", "ask_orientation")
    text = chat.say("jveux plus vivre", "nlu_fallback")
    assert text.startswith("Appelle le 3114") and chat.asking is None


def test_a_direct_question_gets_the_rule_then_the_offer_to_check() -> None:
    chat = Chat()
    text = chat.say("Quel est l'âge minimum pour le FAJ Co ?", "ask_eligibility")
    assert "18 à 25 ans" in text and "16 ans" in text and "il me manque" not in text
    assert any("ask_orientation" in p for p in chat.payloads)


def test_two_questions_in_one_message_get_two_answers() -> None:
    chat = Chat()
    text = chat.say("le montant et la date limite du FAJ Co ?", "ask_funding")
    assert "Financement FAJ Co" in text and "15/09/2026" in text


def test_a_question_without_a_scheme_gets_one_line_per_scheme() -> None:
    chat = Chat()
    text = chat.say("c'est quoi les montants ?", "ask_funding")
    assert "De quel dispositif" not in text and "52 000 €" in text and "20 000 €" in text


def test_a_scheme_contact_is_given_without_a_commune() -> None:
    chat = Chat()
    text = chat.say("qui contacter pour le Coordo ASE ?", "ask_contact")
    assert "Alizé Martin" in text and "03 21 21 65 05" in text


def test_a_definition_is_answered() -> None:
    assert "revenu de solidarité active" in Chat().say("c quoi rsa", "nlu_fallback")


def test_the_first_reply_says_it_is_an_automatic_assistant_once() -> None:
    chat = Chat()
    assert "assistant automatique" in chat.say("c quoi le slai", "ask_scheme_info")
    assert "assistant automatique" not in chat.say("et le montant du FAJ Co ?", "ask_funding")


def test_acronyms_are_explained_once_and_never_inside_a_parenthesis() -> None:
    chat = Chat()
    text = chat.say("Quel est l'âge minimum pour le FAJ Co ?", "ask_eligibility")
    assert not re.search(r"\([^()]*\([^()]*\)", text)


def test_an_association_with_a_collective_project_gets_the_faj_co_and_what_the_slai_will_check() -> None:
    chat = Chat()
    text = chat.say("on est une asso à Lens on voudrait monter un projet", "inform")
    assert "FAJ Co" in text and "sous condition" in text and "expertise reconnue" in text
    assert "03 21 21 65 05" in text and "03 21 13 19 35" in text and chat.questions == 0


def test_a_structure_with_a_collective_project_gets_the_faj_co_and_the_slai_it_must_meet() -> None:
    chat = Chat()
    text = chat.say("centre social de Liévin, on cherche un financement pour un projet sportif avec 12 jeunes "
                    "de 18-25 ans", "inform")
    assert "FAJ Co" in text and "Coordo ASE" not in text
    assert "Contact obligatoire avant de déposer" in text and "03 21 13 19 35" in text


def test_a_structure_that_asks_which_calls_it_may_answer_stays_a_structure() -> None:
    chat = Chat()
    text = chat.say("association agréée FSL à Arras : peut-on répondre pour accompagner des 18-24 ans sans "
                    "logement ?", "nlu_fallback")
    assert "Votre structure peut porter" in text and "accompagnement logement" in text and "115" not in text
    assert chat.state.role == "structure"


def test_an_eligibility_question_with_facts_asks_the_deciding_question_at_once() -> None:
    chat = Chat()
    chat.say("j'ai 17 ans, j'habite à Lens")
    text = chat.say("et pourquoi pas le FAJ Co ?", "ask_eligibility")
    assert "Dès 16 ans" in text and "Es-tu en apprentissage" in text and chat.asking == "groupe:parcours"
    assert text.count("Es-tu en apprentissage") == 1
    text = chat.say("/inform", "inform", [{"entity": "situation", "value": "apprentissage"}])
    assert "FAJ Co" in text and "03 21 13 19 35" in text


def test_a_button_without_a_payload_answers_the_question() -> None:
    chat = Chat()
    chat.say("jen ai marre jveux plus vivre", "distress")
    assert "personne ne te rappellera" in chat.say("/deny", "deny") and "pas sûr" not in chat.text
    assert "3114" in chat.text  # the number stays


def test_aucun_typed_to_a_question_is_not_a_commune() -> None:
    chat = Chat()
    chat.say("jai 16 ans jvais plus en cours et jaimerais faire un projet de foot a boulogne sur mer")
    assert chat.state.commune == "Boulogne-sur-Mer"
    chat.say("aucun", "deny")
    assert "Aucun (65)" not in chat.text and chat.state.commune == "Boulogne-sur-Mer"


def test_a_professional_is_spoken_to_with_vous_without_saying_je_suis() -> None:
    chat = Chat()
    text = chat.say("Bonjour, éducateur en MECS à Arras : je prépare la sortie d'un jeune de 17 ans qui refuse le "
                    "contrat jeune majeur. Quel relais possible ?", "ask_orientation")
    assert chat.state.role == "professionnel" and "Ton contact" not in text and "te correspondre" not in text


def test_a_care_leaver_without_a_home_gets_both_needs() -> None:
    chat = Chat()
    text = chat.say("je suis éducatrice, une jeune de 19 ans sortie de placement l'an dernier, sans logement, sans "
                    "ressources, à Lens", "inform")
    assert "Coordo ASE" in text and ("Solutions logement" in text or "accompagnement logement" in text)


def test_a_child_who_cannot_call_gets_a_written_way() -> None:
    chat = Chat()
    chat.say("g 15 ans mon beau pere me tape", "distress")
    text = chat.say("jveux pas appeler", "deny")
    assert "114" in text and "allo119.gouv.fr" in text


def test_violence_from_a_husband_gets_17_first() -> None:
    assert Chat().say("mon mari me frappe", "distress").startswith("Appelle le 17")


def test_two_advisers_for_one_name() -> None:
    text = Chat().say("c'est quoi le numéro d'Hervé Leplat ?", "ask_contact")
    assert "03 21 11 12 92" in text and "03 21 00 01 96" in text


def test_a_company_cannot_carry_graine_de() -> None:
    chat = Chat()
    text = chat.say("Nous sommes une entreprise du BTP, pouvons-nous porter des ateliers graine de ?", "ask_eligibility")
    assert "associations loi 1901" in text.lower() or "association" in text.lower()
    assert "entreprise" in text and "n'en fait pas partie" in text


def test_a_definition_the_nlu_took_for_why() -> None:
    assert "mineur non accompagné" in Chat().say("ça veut dire quoi MNA", "ask_why")


def test_a_young_person_from_abroad_in_spanish_gets_the_numbers() -> None:
    assert "115" in Chat().say("Hola, necesito ayuda para encontrar un piso", "other_language")


def test_the_rsa_is_not_mentioned_to_a_minor() -> None:
    chat = Chat()
    chat.say("jsuis en foyer a calais g 17 ans", "inform")
    assert "RSA" not in chat.text


def test_a_company_is_asked_its_expertise_and_without_it_carries_no_call() -> None:
    chat = Chat()
    chat.say("Bonjour, je voudrais savoir à quels appels à projets notre structure peut répondre", "ask_orientation")
    text = chat.say("/inform", "inform", [{"entity": "structure_type", "value": "entreprise"}])
    assert "expertise reconnue" in text  # the FAJ Co and the Coordo ASE define their carriers by it
    text = chat.say("non", "deny")
    assert "aucun" in text and "FAJ Co" not in text and "03 21 21 65 05" in text


def test_no_parenthesis_inside_a_parenthesis() -> None:
    from bot.conversation.turns import flatten

    assert flatten("partie (CLLAJ (comité local))") == "partie (CLLAJ, comité local)"
    assert flatten("(a (b), c (d)) et (e)") == "(a, b, c, d) et (e)"


def test_an_abandon_of_graine_de_goes_to_the_coach_jeunesse() -> None:
    text = Chat().say("un jeune que j'accompagne (17 ans, Arras) a abandonné son parcours graine de, vers qui "
                      "l'orienter ?", "ask_orientation")
    assert "Coach jeunesse" in text and "03 21 15 21 10" in text


def test_an_association_without_youth_expertise_is_not_told_to_check_the_youth_calls() -> None:
    chat = Chat()
    assert "expertise reconnue" in chat.say("on est une association, à quels appels à projets pouvons-nous répondre ?",
                                            "ask_orientation")
    text = chat.say("non", "deny")
    assert "« graine de »" in text and "FAJ Co" not in text and "Coordo ASE" not in text


def test_a_precise_question_gets_the_sentence_that_answers_it() -> None:
    chat = Chat()
    chat.say("je suis éducatrice en MECS à Calais, une jeune de 17 ans confiée à l'ASE va sortir", "inform")
    text = chat.say("et le premier rendez-vous c'est sous quel délai ?", "ask_procedure")
    assert "15 jours" in text and "rendez-vous à trois" in text
    text = Chat().say("accompagnement logement : qui décide de l'entrée et quand démarre la mesure ?", "ask_procedure")
    assert "commission territoriale" in text and "1er du mois" in text


def test_after_the_emergency_numbers_the_danger_said_before_still_leads() -> None:
    chat = Chat()
    chat.say("jai 16 ans mon daron me cogne jveux pas rentrer ce soir", "distress")
    assert "119" in chat.say("non jveux pas quil sache", "deny")
    text = chat.say("jsui a aire sur la lys ya un endroit ou aller ?", "distress")
    assert text.startswith("Appelle le 119") and "MDS" in text and "Audomarois" in text


def test_a_minor_put_out_gets_the_119_first_and_no_housing_offer() -> None:
    text = Chat().say("ma mere ma foutu dehors hier soir g 16 ans jsui a boulogne jai dormi dans un hall", "distress")
    assert text.startswith("Appelle le 119") and "115" in text and "primo-locataires" not in text


def test_unsure_after_the_suicide_line_is_not_an_intake_form() -> None:
    chat = Chat()
    chat.say("jen ai marre de tout ce serait mieux pour tout le monde si jetais plus la", "distress")
    text = chat.say("jsp", "dont_know")
    assert "3114" in text and "Quel âge" not in text and "Qu'est-ce que tu cherches" not in text
    text = chat.say("personne peut maider de tte facon", "distress")
    assert text.startswith("Appelle le 3114") and "assistant automatique" in text


def test_a_parent_whose_child_disappeared_gets_the_police_then_the_116_000() -> None:
    text = Chat().say("ma fille de 15 ans n'est pas rentrée depuis hier soir, on habite à Liévin", "distress")
    assert text.startswith("Appelez le 17") and "116 000" in text and "Que cherchez-vous" not in text


def test_distress_the_model_hears_but_the_words_do_not_keeps_the_orientation() -> None:
    chat = Chat()
    chat.say("slt jvoudrai un appart sur bully les mine jai 19ans", "inform")
    text = chat.say("jcherche, la jsui chez mes darons mais sa se passe mal", "distress")
    assert "CLLAJ" in text and not text.startswith("Appelle") and "3114" in text.split("\n")[-1]


def test_a_landlord_asking_what_to_do_after_an_entry_gets_the_first_month() -> None:
    text = Chat().say("Bonjour, bailleur social sur le Boulonnais. Un jeune vient d'emménager dans un de nos "
                      "logements dans le cadre de l'appel à projets primo-locataires. Que devons-nous faire "
                      "maintenant ?", "ask_orientation")
    assert "visite à domicile" in text and "Votre structure peut porter" not in text


def test_ca_passe_is_about_the_scheme_in_view() -> None:
    chat = Chat()
    chat.say("on est 5 potes a avion on veut monter un projet pour nettoyer le terril, on peut avoir des sous ?",
             "ask_funding")
    text = chat.say("on a 19 20 ans mais ya 2 gars qui ont 17 ans ca passe ?", "inform")
    assert "Dès 16 ans" in text and "apprentissage" in text


def test_a_procedure_with_the_commune_known_says_whom_to_call() -> None:
    text = Chat().say("conseillère à la mission locale de Liévin, comment inscrire un jeune de 17 ans décrocheur "
                      "sur graine de ?", "ask_procedure")
    assert "fiche de prescription" in text and "03 21 13 19 35" in text


def test_a_contact_asked_with_a_case_is_given_once() -> None:
    chat = Chat()
    text = chat.say("bonjour je suis éducatrice en MECS à Arras, une jeune de 17 ans va sortir en juin, quelles aides "
                    "pour son logement ? et qui contacter ?", "ask_orientation")
    assert text.count("03 21 15 21 10") == 1 and "Coordo ASE" in text
    assert "/request_human" in chat.payloads


def test_a_structure_with_a_youth_project_gets_the_faj_co_figures_only() -> None:
    chat = Chat()
    text = chat.say("Bonjour, je dirige une association d'éducation populaire à Boulogne. On voudrait monter un projet "
                    "avec des jeunes du quartier, c'est quoi le montant max et jusqu'à quand on peut déposer ?",
                    "ask_funding")
    assert "15/09/2026" in text and "03 21 99 46 55" in text
    assert "52 000" not in text and "Solutions logement" not in text


def test_the_verdict_on_a_plural_scheme_agrees() -> None:
    chat = Chat()
    chat.say("slt jsui a la rue depuis hier jai 20 an", "ask_orientation")
    chat.say("non merci", "deny")
    text = chat.say("et c quoi le cllaj", "ask_scheme_info")
    assert "Les CLLAJ peuvent te correspondre" in text and "CLLAJ peut" not in text


def test_a_young_person_leaving_care_with_nowhere_to_go_gets_housing_and_the_coordo_ase() -> None:
    chat = Chat()
    first = chat.say("jai 18 ans je sors de foyer en janvier jsais pas ou aller", "ask_orientation")
    assert "CLLAJ" in first and "Coordo ASE" in first and "Dans quelle commune" not in first
    assert "FAJ Co" not in first
    assert "03 21 00 01 96" in chat.say("calais", "inform")


def test_a_club_president_is_a_structure_and_gets_the_faj_co_deadline() -> None:
    text = Chat().say("Bonsoir, je préside un club de foot à Bapaume, nos U19 veulent organiser un tournoi solidaire "
                      "l'été prochain. Le Département peut nous aider ? Il faut déposer quand ?", "ask_procedure")
    assert "15/09/2026" in text and "E partenaire" in text
    assert "Quel âge as-tu" not in text and "52 000" not in text


def test_a_two_part_question_on_eligibility_gets_both_answers_and_no_question_again() -> None:
    chat = Chat()
    chat.say("je suis éducatrice ASE", "inform")
    text = chat.say("le coordo ASE c'est possible, et quel délai pour le premier rendez-vous ?", "ask_eligibility")
    assert "de 16 à 21 ans" in text and "15 jours" in text
    assert text.index("15 jours") < text.index("Voulez-vous que je vérifie")
    assert "Que cherchez-vous" not in text  # the scheme named says the need


def test_yes_to_the_offer_to_check_starts_the_check() -> None:
    chat = Chat()
    chat.say("le coordo ase c'est pour qui ?", "ask_eligibility")
    assert "Tu veux que je vérifie" in chat.text or "Voulez-vous que je vérifie" in chat.text
    text = chat.say("oui", "affirm")
    assert "Quel âge" in text and "Autre chose" not in text


def test_no_i_am_not_on_the_street_is_an_answer_not_an_alarm() -> None:
    chat = Chat()
    text = chat.say("non je suis pas à la rue, jai 20 ans jhabite a lens je cherche un appart", "inform")
    assert "115" not in text and "CLLAJ" in text


def test_how_to_sign_up_after_a_result_is_said_once_with_the_contact() -> None:
    chat = Chat()
    chat.say("j'ai 17 ans j'ai arrêté le lycée j'habite à béthune", "inform")
    text = chat.say("comment on s'inscrit ?", "ask_procedure")
    assert text.count("fiche de prescription") == 1 and "03 21 56 88 55" in text
    assert "Pour le parcours" not in text  # the scheme just shown needs no naming


def test_a_structure_asking_about_minors_in_its_group_gets_the_young_peoples_rule() -> None:
    chat = Chat()
    chat.say("Bonjour, je dirige une association à Lens, on veut monter un séjour solidaire avec 8 jeunes. "
             "Quel financement ?", "ask_funding")
    for question in ("y en a 2 qui ont 17 ans, ça passe ?", "et pour les mineurs c'est possible ?"):
        text = chat.say(question, "ask_eligibility")
        assert "Dès 16 ans" in text and "PACEA" in text and "Porteurs possibles" not in text


def test_a_commune_after_a_contact_question_without_one_gives_the_number() -> None:
    chat = Chat()
    chat.say("c'est quoi graine de", "ask_scheme_info")
    assert "indiquez la commune" in chat.say("et c ou", "ask_contact") or "commune" in chat.text
    text = chat.say("arras", "inform")
    assert "03 21 15 21 10" in text and "Quel âge" not in text


def test_how_much_do_we_get_is_a_young_persons_pay_for_them_and_funding_for_a_structure() -> None:
    young = Chat().say("cb on touche avec graine de", "ask_funding")
    assert "rémunération des jeunes" in young and "charges indirectes" not in young
    structure = Chat().say("nous sommes une association à Arras, combien on touche pour un projet FAJ Co ?",
                           "ask_funding")
    assert "Financement FAJ Co" in structure and "rémunération des jeunes" not in structure


def test_two_questions_in_sms_spelling_after_a_result_get_both_answers_in_good_french() -> None:
    chat = Chat()
    chat.say("wsh jai 17ans jai lache le lycee l an dernier jsui a st omer", "inform")
    text = chat.say("c payé ou pas ? et ca dure cmb de tps", "nlu_fallback")
    assert "argent versé aux jeunes" in text and "demande au SLAI de l'Audomarois" in text
    assert "durée" in text and "demande à le" not in text


def test_how_to_sign_up_without_a_scheme_names_the_entry_door_in_a_sentence() -> None:
    chat = Chat()
    chat.say("jai 17 ans jsuis a arras", "inform")
    text = chat.say("comment on fait pour s'inscrire ?", "ask_procedure")
    assert "passe par le SLAI de l'Arrageois : Sandra Cuvillier, 03 21 15 21 10." in text
    assert "c'est SLAI" not in text


def test_the_missing_slisl_phone_is_said_once_in_a_conversation() -> None:
    chat = Chat()
    first = chat.say("20 ans je cherche un appart a lens", "inform")
    assert "ne donne pas de numéro" in first
    again = chat.say("c'est où le cllaj ?", "ask_contact")
    assert "MDS" in again and "ne donne pas de numéro" not in again


def test_an_age_corrected_in_sms_after_the_result_changes_the_result() -> None:
    chat = Chat()
    chat.say("yo g 18 an jai lacher lecole en 1ere jsui a bruay", "inform")
    text = chat.say("non jai 19 en fait", "deny")
    assert "« graine de »" in text and "Autre chose" not in text
    assert chat.state.age == 19
