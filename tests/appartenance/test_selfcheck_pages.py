"""The self-check's pages: the questionnaire, the result with its reasons and articles, and
« be followed up », which prefills an intake request through lib.intake_prefill. Nothing is
stored until the person sends that request: the self-check writes no row anywhere."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accueil.models import IntakeRequest, Need
from appartenance.selfcheck import load_rules
from appartenance.views_selfcheck import NEEDS_IF_ESS, NEEDS_OTHERWISE
from lib import intake_prefill
from tests.accueil.factories import commune
from tests.accueil.test_intake import PERSON, PROJECT, step

pytestmark = pytest.mark.django_db

QUESTIONNAIRE = reverse("appartenance:autodiagnostic")
RESULT = reverse("appartenance:autodiagnostic-resultat")
FOLLOW_UP = reverse("appartenance:autodiagnostic-suivi")
EVERY_YES = {question.id: "oui" for question in load_rules().questions}
SAS_ESS = {"forme": "societe_commerciale", **EVERY_YES}
SAS_DISTRIBUTING = {**SAS_ESS, "benefices": "non", "report_reserves": "non"}


def text(response) -> str:
    return unescape(response.content.decode())


def rows_changed() -> int:
    """Rows inserted, updated or deleted in any table by the test's transaction so far."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        return cursor.fetchone()[0]


def test_the_area_home_leads_to_the_self_check(client):
    html = text(client.get(reverse("appartenance:index")))
    assert f'href="{QUESTIONNAIRE}"' in html and "Mon entreprise fait-elle partie de l'ESS ?" in html


def test_the_questionnaire_asks_the_legal_form_first_without_account(client):
    response = client.get(QUESTIONNAIRE)
    html = text(response)
    assert response.status_code == 200
    assert html.index("Quelle est la forme juridique") < html.index("Pour une société commerciale")
    assert 'method="get"' in html and f'action="{RESULT}"' in html
    assert 'data-forme="societe_commerciale"' in html  # shown only for one, by js/autodiagnostic-ess.js


def test_modifying_the_answers_shows_them_chosen(client):
    response = client.get(QUESTIONNAIRE, {"forme": "association", "esus_titres": "non"})
    html = response.content.decode()
    assert 'value="association" id="id_forme_0" checked' in html
    assert 'name="esus_titres" value="non" id="id_esus_titres_1" checked' in html


def test_an_association_reads_it_is_ess_by_its_form(client):
    html = text(client.get(RESULT, {"forme": "association"}))
    assert "Votre structure fait partie de l'ESS par sa forme juridique" in html
    assert "Loi n° 2014-856 du 31 juillet 2014, art. 1er, II, 1°" in html
    assert "Les conditions d'une société commerciale" not in html


def test_a_sas_distributing_most_of_its_profits_reads_why_it_is_not_ess(client):
    html = text(client.get(RESULT, SAS_DISTRIBUTING))
    assert "Votre structure ne fait pas partie de l'ESS en l'état" in html
    assert "art. 1er, I, 3°, a" in html and "Ce qu'il faudrait changer :" in html
    assert "la majorité des bénéfices doit rester dans l'entreprise" in html
    assert html.count("Non remplie") == 2 + 0  # two conditions; ESUS conditions are all met
    assert "règle vérifiée le 4 décembre 2026" in html


def test_a_rule_whose_official_text_was_not_found_reads_not_verified(client):
    html = re.sub(r"<[^>]+>", "", text(client.get(RESULT, SAS_DISTRIBUTING)))
    # art. 1er I 3° a was read on its official text; the ESUS rules were not (see regles_ess.toml).
    assert "art. 1er, I, 3°, a — règle vérifiée le 4 décembre 2026" in html
    assert "Code du travail, art. L3332-17-1, I, 5° — règle non vérifiée sur le texte officiel" in html


def test_a_sas_meeting_every_condition_reads_it_is_ess_and_may_ask_for_esus(client):
    html = text(client.get(RESULT, SAS_ESS))
    assert "Votre société fait partie de l'ESS : société commerciale de l'ESS" in html
    assert "Vous pouvez demander l'agrément ESUS" in html
    assert "Code du travail, art. L3332-17-1, I, 3°" in html


def test_unknown_answers_read_what_to_check(client):
    html = text(client.get(RESULT, {"forme": "societe_commerciale"}))
    assert "Impossible de conclure : des conditions restent à vérifier" in html
    assert html.count("À vérifier :") == 13  # eight conditions of a company, five of ESUS
    assert "Relisez l'article « objet » de vos statuts." in html


def test_the_result_says_what_being_in_the_ess_opens(client):
    html = text(client.get(RESULT, SAS_ESS))
    assert f'href="{reverse("annuaire:proposer")}"' in html and "art. 6" in html
    # The purchasing platform, registered by experimentations (lib.ess_benefits): a link by its address only.
    assert "La plateforme d'achat responsable" in html
    assert 'href="/financer-et-acheter/achats/besoins-inspirants/"' in html


def test_the_result_is_printable(client):
    html = text(client.get(RESULT, SAS_ESS))
    assert 'href="/static/css/imprimer.css" media="print"' in html
    assert 'class="card border-primary mb-4 no-print"' in html  # the follow-up form is not printed


def test_a_result_without_a_legal_form_says_so_in_french(client):
    response = client.get(RESULT, {"benefices": "oui"})
    assert response.status_code == 400
    assert "Choisissez la forme juridique de votre structure" in text(response)


def test_an_answer_out_of_the_list_says_so_in_french(client):
    response = client.get(RESULT, {"forme": "sarl-fantaisie", "but": "peut-être"})
    html = text(response)
    assert response.status_code == 400
    assert "Cette forme juridique n'est pas dans la liste" in html
    assert "Répondez « Oui », « Non » ou « Je ne sais pas »." in html


def test_the_self_check_stores_nothing(client):
    before = rows_changed()
    with CaptureQueriesContext(connection) as queries:
        for response in [
            client.get(QUESTIONNAIRE),
            client.get(RESULT, SAS_ESS),
            client.get(RESULT, SAS_DISTRIBUTING),
            client.get(RESULT, {"forme": "association"}),
            client.get(RESULT, {"benefices": "oui"}),
        ]:
            assert "sessionid" not in response.cookies  # not even a session
    assert rows_changed() == before
    assert all(query["sql"].lstrip().upper().startswith("SELECT") for query in queries.captured_queries)


@pytest.mark.parametrize("answers", [{"forme": "association"}, SAS_ESS, SAS_DISTRIBUTING, {"forme": "autre"}])
def test_the_result_makes_no_query_whatever_the_answers(client, django_assert_num_queries, answers):
    with django_assert_num_queries(0):
        assert client.get(RESULT, answers).status_code == 200


def test_the_needs_a_self_check_carries_are_the_intakes():
    assert set(NEEDS_IF_ESS) | set(NEEDS_OTHERWISE) <= set(Need.values)


def test_being_followed_up_prefills_an_intake_request_stored_only_when_sent(client):
    html = text(client.get(RESULT, SAS_DISTRIBUTING))
    assert "Demander un accompagnement avec ces réponses" in html
    for name, value in SAS_DISTRIBUTING.items():
        assert f'<input type="hidden" name="{name}" value="{value}">' in html

    response = client.post(FOLLOW_UP, SAS_DISTRIBUTING)
    assert response.status_code == 302 and response["Location"] == step("personne")
    prefill = intake_prefill.read_prefill(client.session)
    assert prefill.legal_form_kind == "societe_commerciale" and prefill.needs == NEEDS_OTHERWISE
    assert not IntakeRequest.objects.exists()

    assert client.post(step("personne"), {**PERSON, "commune": commune().pk}).status_code == 302
    page = client.get(step("projet"))
    assert page.context["form"].initial == {"legal_form_kind": "societe_commerciale"}
    assert "Prérempli depuis l'autodiagnostic « Mon entreprise fait-elle partie de l'ESS ? »" in text(page)
    project = {**PROJECT, "activity_commune": commune().pk, "legal_form_kind": "societe_commerciale"}
    assert client.post(step("projet"), project).status_code == 302
    assert client.get(step("besoin")).context["form"].initial == {"needs": ["information", "statut"]}
    client.post(step("besoin"), {"needs": ["information", "statut"]})
    client.post(step("participant"), {})
    assert not IntakeRequest.objects.exists()  # nothing until the person sends it, with its consent
    client.post(step("envoi"), {"consent": "on"})
    intake = IntakeRequest.objects.get()
    assert intake.guide_summary.startswith("Autodiagnostic ESS : Société commerciale")
    assert "Des bénéfices majoritairement consacrés" in intake.guide_summary
    assert intake_prefill.read_prefill(client.session) is None  # used once


def test_an_ess_company_is_followed_up_for_information(client):
    client.post(FOLLOW_UP, {"forme": "association"})
    prefill = intake_prefill.read_prefill(client.session)
    assert prefill.legal_form_kind == "association" and prefill.needs == NEEDS_IF_ESS


def test_a_follow_up_with_altered_answers_is_refused_in_french(client):
    response = client.post(FOLLOW_UP, {"forme": "inventee"})
    assert response.status_code == 400 and "Cette forme juridique n'est pas dans la liste" in text(response)
    assert intake_prefill.read_prefill(client.session) is None


def test_without_an_intake_routed_the_result_offers_no_follow_up(client):
    intake_prefill.unregister_intake_start()
    try:
        assert "Demander un accompagnement" not in text(client.get(RESULT, SAS_ESS))
        response = client.post(FOLLOW_UP, SAS_ESS, follow=True)
        assert "Les demandes d'accompagnement ne sont pas ouvertes" in text(response)
    finally:
        intake_prefill.register_intake_start("accueil:etape", "personne")


def test_the_follow_up_is_a_post_only(client):
    assert client.get(FOLLOW_UP, SAS_ESS).status_code == 405
