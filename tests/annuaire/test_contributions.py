import io
import os

import pytest
from django.core import mail
from django.urls import reverse
from PIL import Image

from annuaire.contributions import CONTRIBUTION_WORKFLOW, ContributionError, submit_claim
from annuaire.models import (
    Claim,
    ClaimTransition,
    Contribution,
    ContributionTransition,
    Organisation,
    PartnerMembership,
)
from lib.workflow import TransitionNotAllowed
from messagerie.models import OutgoingEmail
from tests.annuaire.factories import OrganisationFactory, age_history, commune
from tests.comptes.factories import PASSWORD, StaffFactory, UserFactory
from tests.helpers.auth import login_verified
from tests.helpers.mail import deliver, link_path

pytestmark = pytest.mark.django_db


def png_bytes(size=(40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


def noise_png(side):
    """A real PNG that does not compress: random pixels, about 3 bytes per pixel."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def proposal(**changes):
    data = {
        "name": "Ressourcerie Lespas",
        "commune": commune("97409").pk,
        "description": "Réemploi et insertion.",
        "contributor_name": "Céline Dijoux",
        "contributor_email": "celine@exemple.re",
        "consent": "on",
        "website_url": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- Proposing ---------------------------------------------------------------------------


def test_anyone_can_propose_a_new_organisation(client):
    response = client.post(reverse("annuaire:proposer"), proposal(logo=upload("logo.png", png_bytes(), "image/png")))
    assert response.status_code == 200
    assert "Merci" in response.content.decode()
    contribution = Contribution.objects.get()
    assert contribution.kind == "nouvelle" and contribution.status == "en_attente"
    assert contribution.proposed["name"] == "Ressourcerie Lespas" and contribution.proposed["commune"] == "97409"
    assert contribution.consent_text.startswith("J'accepte") and contribution.consent_at
    assert contribution.logo.name.endswith(".png")
    assert OutgoingEmail.objects.get().to == "celine@exemple.re"
    assert not Organisation.objects.exists(), "nothing is published before moderation"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"siret": "73282932000075"}, "Ce SIRET n&#x27;est pas valide"),
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"contributor_email": "pas-une-adresse"}, "Saisissez une adresse e-mail valide."),
        ({"consent": None}, "Votre accord est nécessaire"),
        ({"website_url": "http://spam.example"}, "rempli automatiquement"),
        ({"postcode": "75001"}, "code postal de La Réunion"),
    ],
)
def test_bad_proposals_get_a_french_message_and_save_nothing(client, changes, message):
    response = client.post(reverse("annuaire:proposer"), proposal(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Contribution.objects.exists() and not OutgoingEmail.objects.exists()


@pytest.mark.parametrize(
    ("filename", "content", "content_type", "message"),
    [
        ("logo.png", b"MZ\x90\x00 not an image at all", "image/png", "image valide"),
        ("logo.png", png_bytes((5000, 10)), "image/png", "trop grande"),
        ("logo.png", noise_png(700), "image/png", "dépasse 1 Mo"),
    ],
)
def test_fake_or_oversized_logos_are_refused(client, filename, content, content_type, message):
    response = client.post(reverse("annuaire:proposer"), proposal(logo=upload(filename, content, content_type)))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Contribution.objects.exists()


def test_script_in_text_fields_is_rendered_escaped_to_the_moderator(admin_client):
    client_response = admin_client.post(
        reverse("annuaire:proposer"), proposal(description="<script>alert('x')</script>")
    )
    assert client_response.status_code == 200
    contribution = Contribution.objects.get()
    html = admin_client.get(reverse("admin:annuaire_contribution_change", args=[contribution.pk])).content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_proposals_are_rate_limited_per_address(client, settings):
    settings.CONTRIBUTIONS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(reverse("annuaire:proposer"), proposal()).status_code == 200
    response = client.post(reverse("annuaire:proposer"), proposal())
    assert response.status_code == 429
    assert "Trop d&#x27;envois" in response.content.decode()
    assert Contribution.objects.count() == 2


# --- Correcting and moderating ---------------------------------------------------------------


def test_a_correction_records_only_what_changes_and_is_shown_side_by_side(client, admin_client):
    organisation = OrganisationFactory(name="Lakour", phone="0262 11 11 11", email="contact@lakour.re")
    url = reverse("annuaire:corriger", args=[organisation.slug])
    form = client.get(url)
    assert 'value="0262 11 11 11"' in form.content.decode(), "the form starts from the current values"
    changes = {"name": "Lakour", "commune": organisation.commune_id, "phone": "0262 22 22 22", "description": ""}
    changes |= {"email": "contact@lakour.re", "legal_form": organisation.legal_form_id}
    response = client.post(url, proposal(**changes))
    assert response.status_code == 200
    contribution = Contribution.objects.get()
    assert contribution.proposed == {"phone": "0262 22 22 22"}
    html = admin_client.get(reverse("admin:annuaire_contribution_change", args=[contribution.pk])).content.decode()
    assert "0262 11 11 11" in html and "0262 22 22 22" in html and "(modifié)" in html


def test_accepting_a_correction_applies_it_and_tells_the_contributor(admin_client, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name="Lakour", phone="0262 11 11 11")
    Contribution.objects.create(
        kind="correction", organisation=organisation, proposed={"phone": "0262 22 22 22"},
        contributor_name="Céline", contributor_email="celine@exemple.re", consent_text="ok",
        consent_at="2026-11-27T10:00:00Z",
    )  # fmt: skip
    contribution = Contribution.objects.get()
    url = reverse("admin:annuaire_contribution_transition", args=[contribution.pk, "acceptee"])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"comment": ""})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.phone == "0262 22 22 22" and organisation.history.count() == 2
    contribution.refresh_from_db()
    assert contribution.status == "acceptee"
    assert ContributionTransition.objects.filter(subject=contribution).count() == 1
    assert OutgoingEmail.objects.filter(to="celine@exemple.re", kind="annuaire/contribution_acceptee").exists()
    # Accepting twice is refused and logs nothing more.
    admin_client.post(url, {"comment": ""})
    assert ContributionTransition.objects.filter(subject=contribution).count() == 1


def test_accepting_a_new_organisation_publishes_it(admin_client):
    admin_client.post(reverse("annuaire:proposer"), proposal(siret="73282932000074"))
    contribution = Contribution.objects.get()
    admin_client.post(reverse("admin:annuaire_contribution_transition", args=[contribution.pk, "acceptee"]))
    organisation = Organisation.objects.get(siret="73282932000074")
    assert organisation.is_published and organisation.commune.code == "97409"
    assert organisation.ess_family == "" and organisation.epci.short_name == "CIREST"


def test_rejecting_needs_a_reason(admin_client):
    admin_client.post(reverse("annuaire:proposer"), proposal())
    contribution = Contribution.objects.get()
    url = reverse("admin:annuaire_contribution_transition", args=[contribution.pk, "refusee"])
    admin_client.post(url, {"comment": ""})
    contribution.refresh_from_db()
    assert contribution.status == "en_attente"
    admin_client.post(url, {"comment": "Structure hors du champ de l'ESS."})
    contribution.refresh_from_db()
    assert contribution.status == "refusee"
    assert OutgoingEmail.objects.filter(kind="annuaire/contribution_refusee").exists()


@pytest.mark.parametrize("role", ["Formation", "Direction"])
def test_moderation_needs_the_change_permission(client, role):
    login_verified(client, StaffFactory(role=role))
    client.post(reverse("annuaire:proposer"), proposal())
    contribution = Contribution.objects.get()
    response = client.post(reverse("admin:annuaire_contribution_transition", args=[contribution.pk, "acceptee"]))
    assert response.status_code == 403
    contribution.refresh_from_db()
    assert contribution.status == "en_attente"


def test_the_workflow_refuses_undeclared_transitions():
    organisation = OrganisationFactory()
    contribution = Contribution.objects.create(
        kind="correction", organisation=organisation, proposed={}, contributor_name="x",
        contributor_email="x@exemple.re", consent_text="ok", consent_at="2026-11-27T10:00:00Z",
    )  # fmt: skip
    with pytest.raises(TransitionNotAllowed):
        CONTRIBUTION_WORKFLOW.apply(contribution, "inexistant", log_model=ContributionTransition)
    assert not ContributionTransition.objects.exists()


# --- Claiming ---------------------------------------------------------------------------------


def claim_link(email):
    """Send the claim's confirmation email (its link is minted then); the link's path."""
    return link_path(deliver(email), r"/annuaire/confirmation/\S+/")


def test_claim_flow_from_request_to_editing(client, admin_client, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name="Lakour", email="contact@lakour.re")
    age_history(organisation, days=400)  # a long-standing address: one approval is enough
    response = client.post(
        reverse("annuaire:revendiquer", args=[organisation.slug]),
        {"name": "Nadia Payet", "email": "nadia@exemple.re", "position": "Présidente", "consent": "on"},
    )
    assert response.status_code == 200
    claim = Claim.objects.get()
    assert claim.status == "a_confirmer"
    email = OutgoingEmail.objects.get(kind="annuaire/revendication_confirmation")
    assert email.to == "contact@lakour.re", "the organisation's published address confirms, not the claimant"

    link = claim_link(email)
    assert client.get(link).status_code == 200
    claim.refresh_from_db()
    assert claim.status == "a_confirmer", "opening the link (a mail scanner) confirms nothing"
    assert client.post(link).status_code == 200
    claim.refresh_from_db()
    assert claim.status == "confirmee"

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:annuaire_claim_transition", args=[claim.pk, "validee"]))
    claim.refresh_from_db()
    assert claim.status == "validee"
    assert ClaimTransition.objects.filter(subject=claim).count() == 2
    membership = PartnerMembership.objects.get(organisation=organisation)
    assert membership.user.email == "nadia@exemple.re"
    welcome = OutgoingEmail.objects.get(kind="annuaire/revendication_validee")
    assert "/compte/activation/" not in welcome.body_text, "minted when the email leaves"
    activation = link_path(deliver(welcome), r"/compte/activation/\S+/")
    assert client.get(activation, follow=True).status_code == 200

    user = membership.user
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)
    edit = reverse("annuaire:modifier", args=[organisation.slug])
    response = client.post(edit, {"commune": organisation.commune_id, "description": "Nouvelle présentation."})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.description == "Nouvelle présentation."
    assert organisation.history.first().history_user == user


def test_claim_links_expire_and_cannot_be_guessed(client, settings):
    organisation = OrganisationFactory(email="contact@lakour.re")
    submit_claim(organisation=organisation, name="A", email="a@exemple.re", position="Trésorier", consent_text="ok")
    assert client.post(reverse("annuaire:confirmer", args=["jeton-invente"])).status_code == 400
    link = claim_link(OutgoingEmail.objects.get())
    Claim.objects.update(expires_at="2020-01-01T00:00:00Z")
    response = client.post(link)
    assert response.status_code == 400 and "expiré" in response.content.decode()
    assert Claim.objects.get().status == "expiree"


def test_claim_needs_a_published_address(client):
    organisation = OrganisationFactory(email="")
    response = client.post(
        reverse("annuaire:revendiquer", args=[organisation.slug]),
        {"name": "A", "email": "a@exemple.re", "position": "Trésorier", "consent": "on"},
    )
    assert response.status_code == 400
    assert "pas d&#x27;adresse électronique publiée" in response.content.decode()
    assert not Claim.objects.exists()
    with pytest.raises(ContributionError):
        submit_claim(organisation=organisation, name="A", email="a@exemple.re", position="x", consent_text="ok")


def test_only_members_edit_and_only_their_own_organisation(client):
    mine, other = OrganisationFactory(), OrganisationFactory()
    user = UserFactory()
    PartnerMembership.objects.create(user=user, organisation=mine)
    assert client.get(reverse("annuaire:modifier", args=[mine.slug])).status_code == 302  # anonymous: login
    client.force_login(user)
    assert client.get(reverse("annuaire:modifier", args=[mine.slug])).status_code == 200
    assert client.get(reverse("annuaire:modifier", args=[other.slug])).status_code == 403
    assert mail.outbox == []


def test_processed_requests_are_purged_after_the_retention_period(settings):
    from datetime import timedelta

    from django.utils import timezone

    from annuaire.contributions import purge_processed_requests

    settings.CONTRIBUTION_RETENTION_DAYS = 30
    organisation = OrganisationFactory(email="contact@lakour.re")
    base = {"contributor_name": "X", "contributor_email": "x@exemple.re", "consent_text": "ok"}
    old, recent, pending = (
        Contribution.objects.create(kind="nouvelle", proposed={}, consent_at=timezone.now(), **base) for _ in range(3)
    )
    for contribution in (old, recent):
        CONTRIBUTION_WORKFLOW.apply(contribution, "refusee", log_model=ContributionTransition, comment="non")
    ContributionTransition.objects.filter(subject=old).update(created_at=timezone.now() - timedelta(days=31))
    stale = submit_claim(organisation=organisation, name="A", email="a@exemple.re", position="x", consent_text="ok")
    Claim.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(days=40))
    assert purge_processed_requests() == 2
    assert set(Contribution.objects.values_list("pk", flat=True)) == {recent.pk, pending.pk}
    assert not Claim.objects.exists()


def test_a_forged_forwarded_for_header_does_not_dodge_the_rate_limit(client, settings):
    settings.CONTRIBUTIONS_PER_HOUR = 1
    assert client.post(reverse("annuaire:proposer"), proposal(), HTTP_X_FORWARDED_FOR="10.0.0.1").status_code == 200
    response = client.post(reverse("annuaire:proposer"), proposal(), HTTP_X_FORWARDED_FOR="10.0.0.2")
    assert response.status_code == 429
