"""The experiments pipeline: every stage change as declared (with its log row), the admin's
buttons, rich text and documents, and the public pages (only what is published, constant
queries, checked downloads)."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from experimentations import experiments
from experimentations.models import Experiment, ExperimentDocument, ExperimentTransition
from experimentations.workflows import EXPERIMENT_WORKFLOW
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory
from tests.experimentations.factories import PDF, make_experiment
from tests.helpers.auth import login_as

pytestmark = pytest.mark.django_db

Stage = Experiment.Stage
DECLARED = {(t.source, t.target) for t in EXPERIMENT_WORKFLOW.transitions}
ALL_PAIRS = [(source, target) for source in Stage.values for target in Stage.values if source != target]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.fixture
def staff(client):
    return login_as(client, StaffFactory(role="Partenariats"))


# --- The workflow -----------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS)
def test_each_stage_change_is_allowed_only_as_declared_with_one_log_row(source, target):
    experiment = make_experiment(measures=0)
    Experiment.objects.filter(pk=experiment.pk).update(stage=source)
    experiment.refresh_from_db()
    if (source, target) in DECLARED:
        log = experiments.move_experiment(experiment=experiment, target=target, comment="Motif : plus de budget.")
        experiment.refresh_from_db()
        assert experiment.stage == target
        assert (log.from_state, log.to_state) == (source, target)
        assert ExperimentTransition.objects.filter(subject=experiment).count() == 1
    else:
        with pytest.raises(experiments.ExperimentError, match="ne peut pas passer"):
            experiments.move_experiment(experiment=experiment, target=target, comment="x")
        experiment.refresh_from_db()
        assert experiment.stage == source
        assert not ExperimentTransition.objects.exists()


def test_abandoning_needs_a_reason_kept_on_the_experiment():
    experiment = make_experiment(measures=0)
    with pytest.raises(experiments.ExperimentError, match="motif de l'abandon"):
        experiments.move_experiment(experiment=experiment, target=Stage.ABANDONED, comment="  ")
    assert not ExperimentTransition.objects.exists()
    experiments.move_experiment(experiment=experiment, target=Stage.ABANDONED, comment="Le partenaire se retire.")
    experiment.refresh_from_db()
    assert experiment.abandon_reason == "Le partenaire se retire."


def test_an_unknown_stage_is_refused_in_french():
    with pytest.raises(experiments.ExperimentError, match="n'existe pas"):
        experiments.move_experiment(experiment=make_experiment(measures=0), target="nimporte")


# --- The admin --------------------------------------------------------------------------------


def test_the_admin_buttons_move_the_stage_and_refuse_an_abandon_without_reason(staff):
    experiment = make_experiment(measures=0)
    change = reverse("admin:experimentations_experiment_change", args=[experiment.pk])
    page = staff.get(change).content.decode()
    assert "Passer à l&#x27;étude" in page and "Abandonner" in page
    response = staff.post(reverse("admin:experimentations_experiment_transition", args=[experiment.pk, "etude"]))
    assert response.status_code == 302
    experiment.refresh_from_db()
    assert experiment.stage == Stage.STUDY
    abandon = reverse("admin:experimentations_experiment_transition", args=[experiment.pk, "abandon"])
    response = staff.post(abandon, {"comment": ""})
    assert "Indiquez le motif de l'abandon dans le commentaire." in messages_of(response)
    experiment.refresh_from_db()
    assert experiment.stage == Stage.STUDY
    # A stage nobody declared, from the address bar: a French message, never a 500.
    response = staff.post(reverse("admin:experimentations_experiment_transition", args=[experiment.pk, "essaimage"]))
    assert response.status_code == 302
    assert any("ne peut pas passer" in message for message in messages_of(response))


def test_a_transition_by_get_or_without_the_right_is_refused(client, staff):
    experiment = make_experiment(measures=0)
    url = reverse("admin:experimentations_experiment_transition", args=[experiment.pk, "etude"])
    assert staff.get(url).status_code == 403
    reader = login_as(client.__class__(), StaffFactory(role="Communication"))
    assert reader.post(url).status_code == 403
    experiment.refresh_from_db()
    assert experiment.stage == Stage.IDEA


DIRTY = '<h1>Idée</h1><p onclick="x()">Bon <script>alert(1)</script><a href="javascript:x()">lien</a></p>'


def experiment_form(**fields):
    data = {
        "title": "Cantine solidaire",
        "slug": "cantine-solidaire",
        "summary": "Des repas à prix libre.",
        "description": DIRTY,
        "results": "<p>Premiers <em>résultats</em></p><style>p{}</style>",
        "budget": "12000",
        "starts_on": "",
        "ends_on": "",
        "owner": "",
        **management("indicators"),
        **management("documents"),
        **management("transitions"),
    }
    data.update(fields)
    return data


def test_an_experiment_saved_in_the_admin_has_its_rich_text_sanitised(staff):
    response = staff.post(reverse("admin:experimentations_experiment_add"), experiment_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    experiment = Experiment.objects.get(slug="cantine-solidaire")
    assert experiment.description == '<h2>Idée</h2><p>Bon <a rel="noopener noreferrer">lien</a></p>'
    assert experiment.results == "<p>Premiers <em>résultats</em></p>"
    assert experiment.stage == Stage.IDEA


def test_bad_dates_and_budget_are_refused_in_french(staff):
    response = staff.post(
        reverse("admin:experimentations_experiment_add"),
        experiment_form(starts_on="2026-06-01", ends_on="2026-01-01", budget="-5"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "La fin doit venir après le début." in page
    assert "Le budget ne peut pas être négatif." in page
    assert not Experiment.objects.exists()


def test_a_document_uploaded_in_the_admin_is_checked_and_stored_under_a_random_name(staff):
    experiment = make_experiment(measures=0)
    change = reverse("admin:experimentations_experiment_change", args=[experiment.pk])
    base = experiment_form(title=experiment.title, slug=experiment.slug, **management("documents", total=1))
    fake = SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = staff.post(change, {**base, "documents-0-title": "Rapport", "documents-0-file": fake})
    assert response.status_code == 200
    assert "« rapport.pdf » n&#x27;est pas un document accepté" in response.content.decode()
    assert not ExperimentDocument.objects.exists()
    good = SimpleUploadedFile("Rapport d'étape.pdf", PDF, content_type="application/pdf")
    response = staff.post(
        change, {**base, "documents-0-title": "Rapport", "documents-0-file": good, "documents-0-is_public": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    document = ExperimentDocument.objects.get()
    assert document.original_name == "Rapport d'étape.pdf"
    assert document.stored_name.endswith(".pdf") and len(document.stored_name) == 36
    assert document.file.name.endswith(document.stored_name)
    assert "Rapport" not in document.file.name
    assert document.size == len(PDF)


# --- Public pages -----------------------------------------------------------------------------


def test_the_list_shows_only_public_experiments_in_constant_queries(client):
    make_experiment("Monnaie locale")
    make_experiment("Projet confidentiel", is_public=False)
    url = reverse("experimentations:experiments")
    assert url == "/financer-et-acheter/experimentations/"
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert "Monnaie locale" in page and "Projet confidentiel" not in page
    for n in range(5):
        make_experiment(f"Essai numéro {n}")
    with CaptureQueriesContext(connection) as six:
        page = client.get(url).content.decode()
    assert "Essai numéro 4" in page
    assert len(six) == len(one)


def test_an_experiment_page_shows_its_path_partners_budget_chart_and_table(client):
    partner = OrganisationFactory(name="Kaz Solidarité")
    hidden = OrganisationFactory(name="Structure non publiée", is_published=False)
    experiment = make_experiment(partners=[partner, hidden])
    experiments.move_experiment(experiment=experiment, target=Stage.STUDY)
    experiments.move_experiment(experiment=experiment, target=Stage.TRIAL)
    response = client.get(reverse("experimentations:experiment", args=[experiment.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-current="step">\n    Expérimentation' in page
    assert page.count("étape franchie") == 2
    assert f'href="{reverse("annuaire:structure", args=[partner.slug])}"' in page
    assert "Structure non publiée" in page and hidden.slug not in page
    assert "45\xa0000 €" in page or "45 000 €" in page
    assert 'role="img"' in page and "Commerces adhérents : valeurs mesurées et cible" in page
    assert '<td class="num">30</td>' in page  # the data table beside the chart
    assert "Cible : 120" in page


def test_an_abandoned_experiment_shows_where_it_stopped_and_why(client):
    experiment = make_experiment(measures=0)
    experiments.move_experiment(experiment=experiment, target=Stage.STUDY)
    experiments.move_experiment(experiment=experiment, target=Stage.ABANDONED, comment="Pas de porteur local.")
    page = client.get(reverse("experimentations:experiment", args=[experiment.slug])).content.decode()
    assert "Expérimentation abandonnée." in page and "Pas de porteur local." in page
    assert "étape où elle s'est arrêtée" in page


def test_an_unpublished_or_unknown_experiment_is_not_found(client):
    hidden = make_experiment("Secrète", is_public=False)
    assert client.get(reverse("experimentations:experiment", args=[hidden.slug])).status_code == 404
    assert client.get("/financer-et-acheter/experimentations/n-existe-pas/").status_code == 404


def test_the_experiment_page_runs_constant_queries_whatever_its_indicators(client):
    experiment = make_experiment(measures=2, partners=[OrganisationFactory()])
    url = reverse("experimentations:experiment", args=[experiment.slug])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    indicator = experiment.indicators.get()
    for n in range(4):
        other = experiment.indicators.create(name=f"Indicateur {n}", unit="")
        for month in range(1, 6):
            other.measures.create(measured_on=date(2026, month, 1), value=month)
    indicator.measures.create(measured_on=date(2026, 12, 1), value=99)
    experiment.partners.add(OrganisationFactory(), OrganisationFactory())
    experiments.add_document(
        experiment=experiment, title="Bilan", upload=SimpleUploadedFile("b.pdf", PDF), is_public=True
    )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Indicateur 3" in page and "Bilan" in page
    assert len(many) == len(few)


def test_only_public_documents_of_public_experiments_download(client):
    experiment = make_experiment(measures=0)
    public = experiments.add_document(
        experiment=experiment, title="Bilan", upload=SimpleUploadedFile("Bilan 2026.pdf", PDF), is_public=True
    )
    private = experiments.add_document(
        experiment=experiment, title="Compte confidentiel", upload=SimpleUploadedFile("b.pdf", PDF)
    )
    response = client.get(reverse("experimentations:experiment-document", args=[experiment.slug, public.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "Bilan 2026.pdf" in response["Content-Disposition"]
    page = client.get(reverse("experimentations:experiment", args=[experiment.slug])).content.decode()
    assert "Bilan" in page and "Compte confidentiel" not in page
    url = reverse("experimentations:experiment-document", args=[experiment.slug, private.pk])
    assert client.get(url).status_code == 404
    wrong_slug = reverse("experimentations:experiment-document", args=["autre", public.pk])
    assert client.get(wrong_slug).status_code == 404
    Experiment.objects.filter(pk=experiment.pk).update(is_public=False)
    url = reverse("experimentations:experiment-document", args=[experiment.slug, public.pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(f"/financer-et-acheter/experimentations/{experiment.slug}/documents/99999999999/").status_code == 404
    )


def test_a_document_that_is_not_one_is_refused_by_the_service():
    experiment = make_experiment(measures=0)
    with pytest.raises(Exception, match="n'est pas un document accepté"):
        experiments.add_document(experiment=experiment, title="x", upload=SimpleUploadedFile("x.pdf", b"<html>"))
    assert not ExperimentDocument.objects.exists()
