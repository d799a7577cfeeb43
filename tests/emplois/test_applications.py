"""Applying through the portal (issue 19, point 3): the form (good, each bad input, honeypot,
rate limit), what is written and emailed, the employer's page (by its link or logged in as a
member of the offer's organisation), the downloads, the transitions, the candidate's page and
withdrawal, a new link without enumeration, and the retention purge."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from annuaire.models import PartnerMembership
from emplois import applications
from emplois.models import Application, ApplicationTransition, ApplyMode, Offer
from emplois.workflows import APPLICATION_WORKFLOW
from messagerie.models import OutgoingEmail, PrivateLink
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import UserFactory
from tests.emplois.factories import PDF, make_application, make_offer
from tests.helpers.mail import deliver, link_path, sent_email

pytestmark = pytest.mark.django_db

A = Application.Status
EMPLOYER_PATH = r"/emplois/employeur/candidature/[\w-]+/"
CANDIDATE_PATH = r"/emplois/ma-candidature/[\w-]+/"
FORGED = "Zm9yZ2VkLXRva2VuLXRoYXQtb3BlbnMtbm90aGluZy0xMjM0"


def apply_url(offer) -> str:
    return reverse("emplois:apply", args=[offer.pk])


def cv(name="cv-josette.pdf", content=PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


def form_data(**values) -> dict:
    data = {
        "name": "Josette Hoarau",
        "email": "josette@exemple.re",
        "phone": "0692 12 34 56",
        "message": "Aide à domicile depuis six ans, je souhaite rejoindre votre association.",
        "cv": cv(),
        "consent": "on",
        "website_url": "",
    }
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def post_application(client, offer, **values):
    return client.post(apply_url(offer), form_data(**values))


def applied(client, offer=None, **values) -> Application:
    offer = offer or make_offer()
    response = post_application(client, offer, **values)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Application.objects.get(offer=offer)


def delivered(kind: str, to: str | None = None):
    rows = OutgoingEmail.objects.filter(kind=kind)
    if to:
        rows = rows.filter(to=to)
    return deliver(rows.latest("pk"))


# --- The form -------------------------------------------------------------------------------


def test_the_form_shows_the_offer_and_its_fields(client):
    offer = make_offer("Animatrice périscolaire")
    page = client.get(apply_url(offer)).content.decode()
    assert "Animatrice périscolaire" in page
    labels = ("Nom et prénom", "Adresse électronique", "Téléphone (facultatif)", "Votre CV", "Lettre de motivation")
    for label in labels:
        assert label in page
    assert 'enctype="multipart/form-data"' in page
    assert escape(applications.consent_text()) in page
    assert 'name="website_url"' in page  # the honeypot


def test_a_good_application_is_recorded_with_its_files_and_consent(client):
    offer = make_offer()
    letter = SimpleUploadedFile("lettre.pdf", PDF, "application/pdf")
    response = post_application(client, offer, letter=letter)
    assert response.status_code == 302 and response.headers["Location"] == reverse("emplois:apply-sent")
    application = Application.objects.get()
    assert re.fullmatch(r"CAND-\d{4}-\d{5}", application.reference)
    assert application.status == A.RECEIVED
    assert (application.name, application.email, application.phone) == (
        "Josette Hoarau",
        "josette@exemple.re",
        "0692 12 34 56",
    )
    assert application.cv_name == "cv-josette.pdf" and application.letter_name == "lettre.pdf"
    assert "cv-josette" not in application.cv.name, "the stored name is random"
    assert application.consent_text == applications.consent_text() and application.consent_at
    assert len(stored_files()) == 2
    thanks = client.get(response.headers["Location"]).content.decode()
    assert application.reference in thanks


def test_references_follow_each_other_within_the_year(client):
    offer = make_offer()
    first = applied(client, offer)
    post_application(client, offer, email="autre@exemple.re", cv=cv())
    second = Application.objects.exclude(pk=first.pk).get()
    assert int(second.reference[-5:]) == int(first.reference[-5:]) + 1


def test_docx_and_odt_are_accepted(client):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    offer = make_offer()
    response = post_application(client, offer, cv=SimpleUploadedFile("cv.docx", buffer.getvalue()))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": ""}, "Indiquez votre nom et votre prénom."),
        ({"name": "   "}, "Indiquez votre nom et votre prénom."),
        ({"email": ""}, "Indiquez votre adresse électronique."),
        ({"email": "josette@"}, "Saisissez une adresse électronique valide"),
        ({"phone": "appelez-moi"}, "Saisissez un numéro de téléphone"),
        ({"message": ""}, "Écrivez un message à l&#x27;employeur."),
        ({"message": "x" * 5001}, "Votre message est trop long"),
        ({"cv": None}, "Joignez votre CV."),
        ({"cv": SimpleUploadedFile("cv.pdf", b"")}, "Le fichier du CV est vide."),
        ({"consent": None}, "Votre accord est nécessaire"),
        ({"cv": SimpleUploadedFile("cv.pdf", b"MZ\x90\x00" + b"\x00" * 200)}, "n&#x27;est pas un document accepté"),
        ({"letter": SimpleUploadedFile("lettre.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50)}, "n&#x27;est pas un document"),
    ],
)
def test_each_bad_input_is_refused_in_french_and_nothing_is_written(client, values, message):
    offer = make_offer()
    response = post_application(client, offer, **values)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Application.objects.exists() and not OutgoingEmail.objects.exists()
    assert stored_files() == []


def test_a_renamed_executable_an_oversized_file_and_a_pdf_with_a_script_are_refused(client, settings):
    settings.APPLICATION_MAX_MB = 1
    offer = make_offer()
    cases = {
        "cv.pdf": (b"\x7fELF\x02\x01\x01" + b"\x00" * 500, "n&#x27;est pas un document accepté (PDF, ODT ou DOCX)"),
        "gros.pdf": (PDF + b"%" * (1024 * 1024), "dépasse 1 Mo"),
        "script.pdf": (
            b"%PDF-1.7\n1 0 obj<</Type/Catalog/OpenAction 2 0 R>>endobj\n2 0 obj<</S/JavaScript/JS(app.alert(1))>>"
            b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
            "contient du contenu actif (/JavaScript)",
        ),
    }
    for name, (content, message) in cases.items():
        response = post_application(client, offer, cv=SimpleUploadedFile(name, content, "application/pdf"))
        page = response.content.decode()
        assert response.status_code == 400, name
        assert message in page, name
        assert f"« {name} »" in page, "the message names the file"
    assert not Application.objects.exists() and not OutgoingEmail.objects.exists()
    assert stored_files() == [], "nothing is written: no row, no file"


def test_the_honeypot_refuses_a_robot(client):
    offer = make_offer()
    response = post_application(client, offer, website_url="https://spam.example")
    assert response.status_code == 400
    assert "rempli automatiquement" in response.content.decode()
    assert not Application.objects.exists() and stored_files() == []


def test_the_rate_limit_stops_a_flood_with_a_french_message(client, settings):
    settings.APPLICATIONS_PER_HOUR = 2
    offer = make_offer()
    for number in range(2):
        assert post_application(client, offer, email=f"p{number}@exemple.re").status_code == 302
    response = post_application(client, offer, email="p3@exemple.re")
    assert response.status_code == 429
    assert "Trop d&#x27;envois depuis votre connexion" in response.content.decode()
    assert Application.objects.count() == 2


def test_an_offer_not_published_is_not_found(client):
    for status in (Offer.Status.DRAFT, Offer.Status.REVIEW, Offer.Status.FILLED, Offer.Status.REFUSED):
        offer = make_offer(status=status)
        assert client.get(apply_url(offer)).status_code == 404
        assert client.post(apply_url(offer), form_data()).status_code == 404
    assert client.get(reverse("emplois:apply", args=[987654])).status_code == 404
    assert not Application.objects.exists()


def test_an_offer_past_its_closing_date_says_so(client):
    offer = make_offer()
    Offer.objects.filter(pk=offer.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    response = client.post(apply_url(offer), form_data())
    assert response.status_code == 410
    assert "Les candidatures à cette offre sont closes" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("fields", "shows"),
    [
        ({"apply_mode": ApplyMode.EMAIL, "apply_email": "rh@kaz.re"}, 'href="mailto:rh@kaz.re"'),
        ({"apply_mode": ApplyMode.EXTERNAL, "apply_url": "https://kaz.re/emplois"}, 'href="https://kaz.re/emplois"'),
    ],
)
def test_an_offer_taking_applications_elsewhere_points_to_the_right_way(client, fields, shows):
    offer = make_offer(**fields)
    response = client.get(apply_url(offer))
    assert response.status_code == 200 and shows in response.content.decode()
    assert 'name="cv"' not in response.content.decode()
    assert client.post(apply_url(offer), form_data()).status_code == 200
    assert not Application.objects.exists()


# --- What is emailed -------------------------------------------------------------------------


def test_the_employer_and_the_candidate_are_emailed_once_each_with_their_links_never_the_cv(client):
    offer = make_offer(contact_email="rh@kaz.re")
    application = applied(client, offer)
    assert sorted(OutgoingEmail.objects.values_list("kind", "to")) == [
        ("emplois/candidature_confirmation", "josette@exemple.re"),
        ("emplois/candidature_employeur", "rh@kaz.re"),
    ]
    stored = " ".join(OutgoingEmail.objects.values_list("body_text", flat=True))
    assert "/emplois/employeur/" not in stored and "/emplois/ma-candidature/" not in stored

    employer = delivered("emplois/candidature_employeur")
    assert employer.attachments == [], "the CV is never attached"
    assert application.reference in employer.subject
    page = client.get(link_path(employer, EMPLOYER_PATH))
    assert page.status_code == 200 and "Josette Hoarau" in page.content.decode()

    candidate = delivered("emplois/candidature_confirmation")
    assert candidate.attachments == []
    page = client.get(link_path(candidate, CANDIDATE_PATH))
    assert page.status_code == 200 and application.reference in page.content.decode()
    links = PrivateLink.objects.filter(object_id=application.pk)
    assert links.count() == 2
    employer_link = links.get(purpose=applications.EMPLOYER_LINK)
    days = (employer_link.expires_at - timezone.now()).days
    assert days in (django_settings.EMPLOYER_LINK_DAYS - 1, django_settings.EMPLOYER_LINK_DAYS)
    candidate_link = links.get(purpose=applications.CANDIDATE_LINK)
    assert timezone.localdate(candidate_link.expires_at) == applications.purge_date(offer)


# --- The employer's page ---------------------------------------------------------------------


def employer_page(client, application) -> str:
    """The path of the employer's page, from the email the employer received."""
    application.refresh_from_db()
    email = applications.build_employer_link(application=application.pk)
    return email.removeprefix(django_settings.SITE_URL)


def test_opening_the_employer_page_marks_it_seen_once(client):
    application = make_application()
    page = employer_page(client, application)
    response = client.get(page)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    application.refresh_from_db()
    assert application.status == A.SEEN
    client.get(page)
    assert ApplicationTransition.objects.filter(subject=application).count() == 1


def test_the_cv_and_letter_are_downloaded_through_the_checked_view_only(client):
    offer = make_offer()
    application = applied(client, offer, letter=SimpleUploadedFile("lettre.pdf", PDF))
    page = employer_page(client, application)
    body = client.get(page).content.decode()
    assert application.cv.url not in body, "never a public media address"
    response = client.get(page + "cv/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert client.get(page + "lettre/").status_code == 200
    assert client.get(page + "autre/").status_code == 404
    forged = reverse("emplois:application-employer-file", args=[FORGED, "cv"])
    assert client.get(forged).status_code == 404


def test_a_forged_or_expired_link_gets_a_french_refusal(client):
    application = make_application()
    for name in ("emplois:application-employer", "emplois:application-candidate"):
        response = client.get(reverse(name, args=[FORGED]))
        assert response.status_code == 404
        assert "Ce lien n'est plus valable" in response.content.decode()
    page = employer_page(client, application)
    PrivateLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(page)
    assert response.status_code == 404 and "demandez un nouveau lien" in response.content.decode()
    assert client.post(page, {"action": "ne-pas-retenir"}).status_code == 404
    application.refresh_from_db()
    assert application.status == A.RECEIVED


def test_a_token_of_one_kind_does_not_open_the_other_page(client):
    application = make_application()
    employer = employer_page(client, application)
    token = employer.rstrip("/").split("/")[-1]
    assert client.get(reverse("emplois:application-candidate", args=[token])).status_code == 404


def test_proposing_an_interview_needs_a_message_and_tells_the_candidate(client):
    application = make_application(email="josette@exemple.re")
    page = employer_page(client, application)
    response = client.post(page, {"action": "entretien", "message": "  "})
    assert response.status_code == 400 and "Écrivez votre proposition d&#x27;entretien" in response.content.decode()
    message = "Mardi 12 à 9 h, 3 rue de Paris à Saint-Denis. Merci de confirmer au 0262 00 00 00."
    response = client.post(page, {"action": "entretien", "message": message})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == A.INTERVIEW
    email = OutgoingEmail.objects.get(kind="emplois/candidature_entretien")
    assert email.to == "josette@exemple.re" and email.reply_to == application.offer.contact_email
    sent = deliver(email)
    assert message in sent.body
    candidate = client.get(link_path(sent, CANDIDATE_PATH)).content.decode()
    assert "Proposition d'entretien" in candidate and "3 rue de Paris" in candidate


@pytest.mark.parametrize(
    ("action", "kind", "words"),
    [
        ("ne-pas-retenir", "emplois/candidature_non_retenue", "n'a pas retenu votre candidature"),
        ("retenir", "emplois/candidature_retenue", "a retenu votre candidature"),
    ],
)
def test_a_decision_sends_a_courteous_email(client, action, kind, words):
    application = make_application(status=A.INTERVIEW)
    response = client.post(employer_page(client, application), {"action": action})
    assert response.status_code == 302
    assert OutgoingEmail.objects.filter(kind=kind).count() == 1
    sent = delivered(kind)
    assert words in sent.body and "Bonjour Josette Hoarau" in sent.body


# Every pair (state, employer action): done when the workflow declares it, refused otherwise.
ACTIONS = {"entretien": A.INTERVIEW, "retenir": A.HIRED, "ne-pas-retenir": A.REJECTED}


@pytest.mark.parametrize("state", list(A))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_transition_is_allowed_or_refused_as_declared(client, state, action):
    application = make_application(status=state)
    target = ACTIONS[action]
    # Opening the page moves « reçue » to « vue » first.
    seen = A.SEEN if state == A.RECEIVED else state
    allowed = any(t.source == seen and t.target == target for t in APPLICATION_WORKFLOW.transitions)
    response = client.post(employer_page(client, application), {"action": action, "message": "Jeudi 10 h."})
    application.refresh_from_db()
    if allowed:
        assert response.status_code == 302 and application.status == target
    else:
        assert response.status_code == 400 and application.status == seen
        assert "cette action n&#x27;est plus possible" in response.content.decode()


def test_an_unknown_action_is_refused(client):
    application = make_application()
    response = client.post(employer_page(client, application), {"action": "supprimer"})
    assert response.status_code == 400 and "Cette action n&#x27;est pas possible." in response.content.decode()


def test_the_page_offers_only_the_allowed_buttons(client):
    fresh = client.get(employer_page(client, make_application())).content.decode()
    assert "Proposer un entretien" in fresh and "Ne pas retenir" in fresh and "Retenir la candidature" not in fresh
    interview = client.get(employer_page(client, make_application(status=A.INTERVIEW))).content.decode()
    assert "Retenir la candidature" in interview and 'value="entretien"' not in interview
    done = client.get(employer_page(client, make_application(status=A.REJECTED))).content.decode()
    assert "La suite à donner" not in done


# --- Logged-in members of the offer's organisation --------------------------------------------


def member_of(organisation, email="membre@kaz.re"):
    user = UserFactory(email=email)
    PartnerMembership.objects.create(user=user, organisation=organisation)
    return user


def test_a_member_of_the_offers_organisation_opens_and_acts_on_its_applications(client):
    organisation = OrganisationFactory(name="Kaz Services")
    application = make_application(make_offer(organisation=organisation))
    client.force_login(member_of(organisation))
    page = reverse("emplois:application-member", args=[application.pk])
    response = client.get(page)
    assert response.status_code == 200 and "Josette Hoarau" in response.content.decode()
    file_page = reverse("emplois:application-member-file", args=[application.pk, "cv"])
    assert client.get(file_page)["Content-Disposition"].startswith("attachment;")
    assert client.post(page, {"action": "ne-pas-retenir"}).status_code == 302
    application.refresh_from_db()
    log = application.transitions.latest("pk")
    assert application.status == A.REJECTED and log.by.email == "membre@kaz.re"


def test_another_organisations_member_and_anonymous_visitors_see_nothing(client):
    application = make_application(make_offer(organisation=OrganisationFactory(name="Kaz Services")))
    page = reverse("emplois:application-member", args=[application.pk])
    file_page = reverse("emplois:application-member-file", args=[application.pk, "cv"])
    anonymous = client.get(page)
    assert anonymous.status_code == 302 and reverse(django_settings.LOGIN_URL) in anonymous.headers["Location"]
    assert client.get(file_page).status_code == 302
    client.force_login(member_of(OrganisationFactory(name="Autre structure"), email="autre@exemple.re"))
    assert client.get(page).status_code == 404
    assert client.get(file_page).status_code == 404
    assert client.post(page, {"action": "ne-pas-retenir"}).status_code == 404
    application.refresh_from_db()
    assert application.status == A.RECEIVED


def test_the_employer_scope_holds_only_its_own_offers_applications():
    organisation = OrganisationFactory(name="Kaz Services")
    own = make_application(make_offer(organisation=organisation))
    make_application(make_offer())
    user = member_of(organisation)
    assert list(applications.member_applications(user)) == [own]


# --- The candidate ---------------------------------------------------------------------------


def candidate_page(application) -> str:
    return applications.build_candidate_link(application=application.pk).removeprefix(django_settings.SITE_URL)


def test_the_candidate_sees_their_state_history_and_only_their_own(client):
    offer = make_offer("Éducatrice spécialisée")
    mine = make_application(offer, status=A.SEEN, name="Josette Hoarau")
    other = make_application(offer, name="Paul Grondin", message="Un tout autre message.")
    page = client.get(candidate_page(mine)).content.decode()
    assert "Éducatrice spécialisée" in page and "L&#x27;employeur a ouvert votre candidature." in page
    assert "Candidature reçue" in page and "— Vue" in page
    assert other.reference not in page and "Paul Grondin" not in page


def test_the_candidate_withdraws_and_everything_is_deleted_now(client, django_capture_on_commit_callbacks):
    offer = make_offer()
    application = applied(client, offer, letter=SimpleUploadedFile("lettre.pdf", PDF))
    employer = employer_page(client, application)
    page = candidate_page(application)
    assert len(stored_files()) == 2
    response = client.post(page, {"action": "retirer"})
    assert response.status_code == 400 and Application.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"action": "retirer", "confirmation": "oui"})
    assert response.status_code == 200 and "Votre candidature est retirée" in response.content.decode()
    assert not Application.objects.exists() and not ApplicationTransition.objects.exists()
    assert stored_files() == []
    assert client.get(page).status_code == 404 and client.get(employer).status_code == 404
    # The employer is told, by the reference only, with the link to the offer in its space.
    notice = sent_email(kind="emplois/candidature_retiree")
    assert notice.to == [offer.contact_email] and application.reference in notice.subject
    assert f"/emplois/espace/offres/{offer.pk}/" in notice.body
    assert application.name not in notice.body and application.email not in notice.body


# --- A new link -------------------------------------------------------------------------------


def test_a_new_link_goes_to_the_right_person_and_reveals_nothing(client):
    offer = make_offer(contact_email="rh@kaz.re")
    application = make_application(offer, email="josette@exemple.re")
    url = reverse("emplois:application-new-link")
    answers = []
    for email, reference in (
        ("josette@exemple.re", application.reference),
        ("RH@kaz.re", application.reference.lower()),
        ("inconnu@exemple.re", application.reference),
        ("josette@exemple.re", "CAND-2020-99999"),
    ):
        response = client.post(url, {"email": email, "reference": reference, "website_url": ""})
        assert response.status_code == 200
        answers.append(response.content.decode())
    assert len({re.sub(r'(value|nonce)="[^"]+"', "", answer) for answer in answers}) == 1
    assert sorted(OutgoingEmail.objects.values_list("kind", "to")) == [
        ("emplois/candidature_nouveau_lien", "josette@exemple.re"),
        ("emplois/candidature_nouveau_lien_employeur", "rh@kaz.re"),
    ]
    for kind, path in (
        ("emplois/candidature_nouveau_lien", CANDIDATE_PATH),
        ("emplois/candidature_nouveau_lien_employeur", EMPLOYER_PATH),
    ):
        assert client.get(link_path(delivered(kind), path)).status_code == 200


def test_a_bad_reference_is_answered_in_french(client):
    response = client.post(reverse("emplois:application-new-link"), {"email": "a@exemple.re", "reference": "123"})
    assert response.status_code == 400 and "La référence s&#x27;écrit CAND-" in response.content.decode()


# --- Retention ---------------------------------------------------------------------------------


def test_the_purge_deletes_applications_and_files_past_the_retention(django_capture_on_commit_callbacks, settings):
    settings.APPLICATION_RETENTION_MONTHS = 6
    old_offer, recent_offer = make_offer(), make_offer()
    today = timezone.localdate()
    Offer.objects.filter(pk=old_offer.pk).update(closes_on=today - timedelta(days=185))
    Offer.objects.filter(pk=recent_offer.pk).update(closes_on=today - timedelta(days=170))
    expired = [make_application(old_offer, status=A.REJECTED), make_application(old_offer)]
    kept = make_application(recent_offer)
    token = applications.build_candidate_link(application=expired[0].pk)
    assert len(stored_files()) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert applications.purge_expired_applications() == 2
    assert list(Application.objects.all()) == [kept]
    assert [path.name for path in stored_files()] == [Path(kept.cv.name).name]
    assert applications.find_application_for_candidate(token.rstrip("/").split("/")[-1]) is None
    assert applications.purge_expired_applications() == 0, "idempotent"


def test_the_purge_is_declared_in_beat():
    from cress.celery import app

    entry = app.conf.beat_schedule["emplois-purge-applications"]
    assert entry["task"] == "emplois.tasks_applications.purge_expired_applications"
    assert entry["task"] in app.tasks


def test_no_email_is_sent_in_the_request(client):
    make_offer()
    applied(client)
    assert mail.outbox == [], "emails leave through the outbox's worker, not in the request"


def test_an_empty_post_is_answered_in_french_even_over_the_limit(client, settings):
    offer = make_offer()
    response = client.post(apply_url(offer), {})
    assert response.status_code == 400 and "réponses sont à corriger" in response.content.decode()
    settings.APPLICATIONS_PER_HOUR = 0
    response = client.post(apply_url(offer), {})
    assert response.status_code == 429 and "Trop d&#x27;envois" in response.content.decode()
