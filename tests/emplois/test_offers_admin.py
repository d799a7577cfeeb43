"""The offers' moderation in the admin: Formation's buttons (through move_offer: the emails,
the reason), the « copie détectée » filter, staff's edits through the service; other roles
read only."""

import pytest
from django.urls import reverse

from annuaire.models import PartnerMembership
from emplois import offers as services
from emplois.models import Offer, OfferTransition
from messagerie.models import OutgoingEmail
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory, UserFactory
from tests.emplois.factories import make_offer
from tests.helpers.auth import login_as

pytestmark = pytest.mark.django_db
Status = Offer.Status
COPIED = ("title", "rome", "contract", "working_time", "pay_min", "pay_max", "pay_period", "commune", "closes_on",
          "description", "contact_email")  # fmt: skip


def staff_client(client, role="Formation"):
    return login_as(client, StaffFactory(role=role, email=f"{role.lower()}@cress.re"))


def offer_in_review(**fields):
    organisation = OrganisationFactory(name="Ti Kaz Solidaire")
    PartnerMembership.objects.create(user=UserFactory(email="rh@tikaz.re"), organisation=organisation)
    return make_offer("Aide à domicile", status=Status.REVIEW, organisation=organisation, **fields)


def transition(client, offer, target, comment=""):
    url = reverse("admin:emplois_offer_transition", args=[offer.pk, target])
    return client.post(url, {"comment": comment}, follow=True)


def test_formation_sees_the_buttons_and_publishes_an_offer_in_review(client):
    offer = offer_in_review()
    staff_client(client)
    page = client.get(reverse("admin:emplois_offer_change", args=[offer.pk])).content.decode()
    for label in ("Publier", "Refuser", "Repasser en brouillon"):
        assert f">{label}</button>" in page
    response = transition(client, offer, Status.PUBLISHED)
    assert "la structure est prévenue par courriel" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == Status.PUBLISHED and offer.published_at
    log = OfferTransition.objects.filter(subject=offer).latest("pk")
    assert log.by.email == "formation@cress.re"
    assert OutgoingEmail.objects.filter(kind="emplois/offre_publiee", to="rh@tikaz.re").count() == 1
    assert services.published_by_staff(offer.organisation) == 1


def test_a_refusal_needs_its_reason_which_the_employer_receives(client):
    offer = offer_in_review()
    staff_client(client)
    response = transition(client, offer, Status.REFUSED)
    assert "Indiquez le motif du refus" in response.content.decode()
    assert Offer.objects.get(pk=offer.pk).status == Status.REVIEW
    transition(client, offer, Status.REFUSED, comment="La rémunération n'est pas indiquée.")
    offer.refresh_from_db()
    assert offer.status == Status.REFUSED and offer.refusal_reason == "La rémunération n'est pas indiquée."
    assert "La rémunération n'est pas indiquée." in OutgoingEmail.objects.get(kind="emplois/offre_refusee").body_text


@pytest.mark.parametrize("role", ["Communication", "Accueil", "Direction"])
def test_roles_that_only_read_offers_have_no_buttons_and_cannot_post_them(client, role):
    offer = offer_in_review()
    staff_client(client, role)
    page = client.get(reverse("admin:emplois_offer_change", args=[offer.pk])).content.decode()
    assert ">Publier</button>" not in page
    assert transition(client, offer, Status.PUBLISHED).status_code == 403
    assert Offer.objects.get(pk=offer.pk).status == Status.REVIEW


def test_the_copy_filter_shows_the_offers_whose_text_is_another_organisations(client):
    original = make_offer("Aide à domicile")
    services.save_offer_as_staff(offer=original, by=None)  # its fingerprint, as the space saves it
    copy = services.save_offer(
        organisation=OrganisationFactory(), values={field: getattr(original, field) for field in COPIED}
    )
    assert copy.copy_of == original
    staff_client(client)
    changelist = reverse("admin:emplois_offer_changelist")
    page = client.get(changelist, {"copie": "oui"}).content.decode()
    assert f"/{copy.pk}/change/" in page and f"/{original.pk}/change/" not in page
    page = client.get(reverse("admin:emplois_offer_change", args=[copy.pk])).content.decode()
    assert "Copie détectée" in page


def test_staff_edits_go_through_the_service(client):
    offer = offer_in_review()
    staff_client(client)
    url = reverse("admin:emplois_offer_change", args=[offer.pk])
    response = client.get(url)
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"description": "<p>Texte<script>alert(1)</script> corrigé</p>", "_save": "Enregistrer"})
    data.update({f"transitions-{key}": value for key, value in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    offer.refresh_from_db()
    assert offer.description == "<p>Texte corrigé</p>"
    assert offer.fingerprint == services.fingerprint_of(offer.title, offer.description)
