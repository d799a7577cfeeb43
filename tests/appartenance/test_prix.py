"""The Prix de l'ESS's services: eligibility, timetable (Reunion time), drafts and the
freeze (the service and the database), files checked by content, conflicts, scores kept
private, the ranking's maths, deliberation and publication (news, emails)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from appartenance import prix
from appartenance.models_prix import (
    ApplicationStatus,
    PrixApplication,
    PrixAttachment,
    PrixEvaluation,
)
from communication.models import NewsArticle
from messagerie.models import OutgoingEmail
from tests.appartenance.prix_factories import make_applicant, make_application, make_campaign, make_juror, score

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_member_starts_a_draft_saves_it_and_submits_it_which_freezes_it():
    campaign = make_campaign()
    organisation, user = make_applicant()
    application = make_application(campaign, organisation, user, submit=False)
    assert application.status == ApplicationStatus.DRAFT
    prix.add_attachment(application=application, title="Budget", upload=SimpleUploadedFile("b.pdf", PDF), by=user)

    prix.submit_application(application=application, by=user)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.submitted_by == user
    (log,) = application.transitions.all()
    assert (log.from_state, log.to_state, log.by) == ("brouillon", "deposee", user)
    with pytest.raises(prix.PrixError, match="ne se modifie plus"):
        prix.save_draft(application=application, values={"summary": "Autre chose"})
    with pytest.raises(prix.PrixError, match="ne se modifie plus"):
        prix.add_attachment(application=application, title="x", upload=SimpleUploadedFile("c.pdf", PDF), by=user)
    with pytest.raises(prix.PrixError, match="ne se modifie plus"):
        prix.remove_attachment(application=application, attachment=application.attachments.get())


def test_the_database_refuses_to_change_a_submitted_application_or_its_files():
    campaign = make_campaign()
    organisation, user = make_applicant()
    application = make_application(campaign, organisation, user)
    with pytest.raises(IntegrityError), transaction.atomic():
        PrixApplication.objects.filter(pk=application.pk).update(summary="Réécrit après le dépôt")
    with pytest.raises(IntegrityError), transaction.atomic():
        PrixApplication.objects.filter(pk=application.pk).update(status=ApplicationStatus.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        PrixAttachment.objects.create(application=application, title="Ajout tardif", file="x.pdf", file_kind="pdf")
    application.refresh_from_db()
    assert application.summary == "Une épicerie solidaire."


def test_a_draft_cannot_be_submitted_incomplete():
    campaign = make_campaign()
    organisation, user = make_applicant()
    application = prix.start_application(
        campaign=campaign, organisation=organisation, category=campaign.categories.first(), by=user
    )
    with pytest.raises(prix.PrixError, match="le titre du projet, le projet en bref, ses effets"):
        prix.submit_application(application=application, by=user)


def test_eligibility_reunion_and_ess_status():
    campaign = make_campaign()
    outside, user = make_applicant("Association de Lyon", commune=None, postcode="")
    not_ess, _ = make_applicant("Société ordinaire", legal_form=None, ess_family="")
    assert "pas à La Réunion" in prix.eligibility_problems(organisation=outside, campaign=campaign)[0]
    assert "statut de l'ESS" in " ".join(prix.eligibility_problems(organisation=not_ess, campaign=campaign))
    with pytest.raises(prix.PrixError, match="pas à La Réunion"):
        prix.start_application(campaign=campaign, organisation=outside, category=campaign.categories.first(), by=user)
    assert not PrixApplication.objects.exists()


def test_one_application_per_category_and_no_more_than_the_campaign_allows():
    campaign = make_campaign()
    organisation, user = make_applicant()
    make_application(campaign, organisation, user, category=0)
    with pytest.raises(prix.PrixError, match="déjà une candidature dans la catégorie « Utilité sociale »"):
        make_application(campaign, organisation, user, category=0)
    make_application(campaign, organisation, user, category=1)
    with pytest.raises(prix.PrixError, match="2 candidature"):
        make_application(campaign, organisation, user, category=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        PrixApplication.objects.create(
            campaign=campaign, category=campaign.categories.first(), organisation=organisation
        )


def test_the_timetable_is_kept_and_said_in_reunion_time():
    campaign = make_campaign()
    campaign.closes_at = datetime(2026, 3, 31, 20, 0, tzinfo=UTC)  # midnight at La Réunion (UTC+4)
    campaign.opens_at = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
    campaign.save()
    assert ("Clôture des candidatures", "1er avril 2026 00:00") in prix.timetable(campaign)
    organisation, user = make_applicant()
    category = campaign.categories.first()
    with pytest.raises(prix.PrixError, match="ouvrent le 1er mars 2026 08:00"):
        prix.start_application(
            campaign=campaign, organisation=organisation, category=category, by=user,
            now=datetime(2026, 3, 1, 3, 59, tzinfo=UTC),
        )  # fmt: skip
    application = prix.start_application(
        campaign=campaign, organisation=organisation, category=category, by=user,
        now=datetime(2026, 3, 31, 19, 59, tzinfo=UTC),
    )  # fmt: skip
    prix.save_draft(
        application=application, values={"project_title": "A", "summary": "B", "impact": "C"},
        now=datetime(2026, 3, 31, 19, 59, tzinfo=UTC),
    )  # fmt: skip
    with pytest.raises(prix.PrixError, match="closes depuis le 1er avril 2026 00:00"):
        prix.submit_application(application=application, by=user, now=datetime(2026, 3, 31, 20, 0, tzinfo=UTC))


def test_attachments_are_checked_by_their_content():
    campaign = make_campaign()
    organisation, user = make_applicant()
    application = make_application(campaign, organisation, user, submit=False)
    with pytest.raises(prix.PrixError, match="n'est pas un document accepté"):
        prix.add_attachment(
            application=application, title="Faux", upload=SimpleUploadedFile("faux.pdf", b"MZ\x90\x00"), by=user
        )
    for number in range(prix.MAX_ATTACHMENTS):
        prix.add_attachment(
            application=application, title=f"P{number}", upload=SimpleUploadedFile("p.pdf", PDF), by=user
        )
    assert set(application.attachments.values_list("file_kind", flat=True)) == {"pdf"}
    with pytest.raises(prix.PrixError, match="5 pièces jointes au plus"):
        prix.add_attachment(application=application, title="P", upload=SimpleUploadedFile("p.pdf", PDF), by=user)


def _jury_campaign():
    campaign = make_campaign(phase="jury")
    applicants = [make_applicant(name) for name in ("Kaz Solidaire", "Ressourcerie du Port", "Jardins du Sud")]
    applications = [make_application(campaign, org, user) for org, user in applicants]
    return campaign, applications


def test_a_declared_conflict_hides_the_application_and_refuses_its_scores_everywhere():
    campaign, (first, second, third) = _jury_campaign()
    juror = make_juror(campaign)
    score(juror, second, 5, 5, 5)
    assert set(prix.applications_for_juror(juror)) == {first, second, third}

    prix.declare_conflict(juror=juror, organisation=second.organisation, reason="Administratrice")

    assert set(prix.applications_for_juror(juror)) == {first, third}
    assert not PrixEvaluation.objects.filter(juror=juror).exists(), "the scores given before are withdrawn"
    with pytest.raises(prix.PrixError, match="pas dans votre liste"):
        score(juror, second, 1, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PrixEvaluation.objects.create(juror=juror, application=second)
    other = make_juror(campaign, email="autre@exemple.re")
    assert second in prix.applications_for_juror(other), "another juror's conflicts are theirs only"


def test_a_jurors_scores_stay_private_until_the_deliberation():
    campaign, (first, _second, _third) = _jury_campaign()
    alice, bruno = make_juror(campaign, "alice@exemple.re"), make_juror(campaign, "bruno@exemple.re")
    score(alice, first, 9, 9, 9, comment="Remarquable")
    score(bruno, first, 4, 4, 4)
    assert prix.others_evaluations(bruno, first) == []
    assert list(prix.own_evaluations(bruno)) == [first.pk]

    prix.record_deliberation(campaign=campaign, minutes="Unanimité.", prizes={first.pk: "Lauréat"}, by=None)
    bruno.campaign.refresh_from_db()

    (seen,) = prix.others_evaluations(bruno, first)
    assert seen.juror == alice and seen.comment == "Remarquable"
    with pytest.raises(prix.PrixError, match="délibéré"):
        score(bruno, first, 1, 1, 1)


def test_scoring_waits_for_the_jury_period_and_wants_every_criterion():
    campaign = make_campaign()
    organisation, user = make_applicant()
    application = make_application(campaign, organisation, user)
    juror = make_juror(campaign)
    with pytest.raises(prix.PrixError, match="commence le"):
        score(juror, application, 1, 2, 3)
    campaign.jury_starts_at = timezone.now() - timedelta(minutes=1)
    campaign.closes_at = campaign.jury_starts_at
    campaign.save()
    juror.campaign.refresh_from_db()
    criteria = list(campaign.criteria.all())
    with pytest.raises(prix.PrixError, match="Notez chaque critère : Gouvernance"):
        prix.score_application(
            juror=juror, application_id=application.pk, points={criteria[0].pk: 1, criteria[1].pk: 2}
        )
    with pytest.raises(prix.PrixError, match="de 0 à 10"):
        score(juror, application, 11, 2, 3)


def test_the_ranking_on_known_numbers():
    campaign, (first, second, third) = _jury_campaign()
    jurors = [make_juror(campaign, f"j{n}@exemple.re") for n in range(3)]
    # Weights 3, 2, 1: (30 + 10 + 2) / 6 = 7.00; 6.00; (24 + 4 + 5) / 6 = 5.50.
    score(jurors[0], first, 10, 5, 2)
    score(jurors[1], first, 6, 6, 6)
    score(jurors[2], first, 8, 2, 5)
    score(jurors[0], second, 10, 10, 10)
    (category, rows), *others = prix.ranking(campaign)
    assert category.name == "Utilité sociale" and all(not rows for _category, rows in others)
    top, middle, unscored = rows
    assert top.application == second and (top.mean, top.spread, top.deviation, top.count) == (
        Decimal("10.00"), Decimal("0.00"), Decimal("0.00"), 1,
    )  # fmt: skip
    assert middle.application == first
    assert middle.juror_means == [Decimal("5.50"), Decimal("6.00"), Decimal("7.00")]
    assert (middle.mean, middle.spread, middle.deviation, middle.count) == (
        Decimal("6.17"), Decimal("1.50"), Decimal("0.62"), 3,
    )  # fmt: skip
    assert unscored.application == third and unscored.mean is None and unscored.count == 0


def test_deliberation_then_publication_opens_the_page_posts_the_news_and_emails_each_applicant(client):
    campaign, (first, second, third) = _jury_campaign()
    with pytest.raises(prix.PrixError, match="délibération"):
        prix.publish_laureates(campaign=campaign, by=None)
    assert client.get(f"/ess/prix/{campaign.year}/laureats/").status_code == 404

    prix.record_deliberation(campaign=campaign, minutes="Vote.", prizes={first.pk: "Mention"}, by=None)
    prix.record_deliberation(campaign=campaign, minutes="Second vote.", prizes={second.pk: "Lauréat"}, by=None)
    statuses = dict(PrixApplication.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "non_retenue", second.pk: "laureate", third.pk: "non_retenue"}
    prix.publish_laureates(campaign=campaign, by=None)

    campaign.refresh_from_db()
    article = NewsArticle.objects.get(slug=f"appartenance-prix-{campaign.year}-laureats")
    assert article.is_visible and campaign.news_url == article.get_absolute_url()
    assert "Ressourcerie du Port" in article.summary and f"/ess/prix/{campaign.year}/laureats/" in article.body
    emails = OutgoingEmail.objects.filter(kind="appartenance/prix_resultats").order_by("to")
    assert len(emails) == 3
    laureate_email = emails.get(to=second.submitted_by.email)
    assert "lauréate" in laureate_email.subject and f"/ess/prix/{campaign.year}/laureats/" in laureate_email.body_text
    page = client.get(f"/ess/prix/{campaign.year}/laureats/").content.decode()
    assert "Ressourcerie du Port" in page and "Kaz Solidaire" not in page
    with pytest.raises(prix.PrixError, match="déjà publiés"):
        prix.publish_laureates(campaign=campaign, by=None)
    with pytest.raises(prix.PrixError, match="ne change plus"):
        prix.record_deliberation(campaign=campaign, minutes="Encore.", prizes={third.pk: "x"}, by=None)
