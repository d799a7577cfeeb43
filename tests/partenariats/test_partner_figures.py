"""A partner's page in the admin: contacts, and the yearly figures published about the
partnership, typed or computed from a metric of lib.metrics for the partner's organisation
(« Enregistrer et calculer les chiffres suivis », the list's action)."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accueil.models import Orientation
from accueil.orientation import orient
from accueil.services import transition_request
from lib import metrics
from partenariats import services
from partenariats.models import PartnerFigure
from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory
from tests.partenariats.admin_helpers import change_form, messages_of, page_text, staff_client
from tests.partenariats.factories import make_contact, make_convention, make_partner

pytestmark = pytest.mark.django_db
SENT = "accueil.orientations_envoyees"


def send_orientations(organisation, n, *, year):
    for i in range(n):
        intake, _token = make_request(email=f"p{year}-{i}@exemple.re")
        transition_request(intake=intake, target="qualification")
        (orientation,) = orient(intake=intake, organisations=[organisation], by=None)
        moment = timezone.make_aware(datetime(year, 6, 1, 10))
        Orientation.objects.filter(pk=orientation.pk).update(created_at=moment)


@pytest.fixture
def cma():
    return make_partner(organisation=OrganisationFactory(name="Chambre de métiers", email="cma@exemple.re"))


def change_url(partner):
    return reverse("admin:partenariats_partner_change", args=[partner.pk])


def test_figures_following_a_metric_are_computed_for_their_year_and_typed_ones_are_kept(cma):
    send_orientations(cma.organisation, 3, year=2025)
    send_orientations(cma.organisation, 1, year=2026)
    send_orientations(OrganisationFactory(email="autre@exemple.re"), 2, year=2025)
    computed = PartnerFigure.objects.create(partner=cma, year=2025, label="Orientations vers la CMA", metric=SENT)
    typed = PartnerFigure.objects.create(partner=cma, year=2025, label="Artisans formés", value=40)
    gone = PartnerFigure.objects.create(partner=cma, year=2025, label="Ancien chiffre", metric="retire.cle", value=7)

    outcome = services.compute_partner_figures(partner=cma)
    assert outcome.updated == [computed] and outcome.unavailable == [gone]
    values = dict(PartnerFigure.objects.values_list("label", "value"))
    assert values == {"Orientations vers la CMA": 3, "Artisans formés": 40, "Ancien chiffre": 7}
    assert metrics.value(SENT, cma.organisation_id, date(2026, 1, 1), date(2027, 1, 1)) == 1
    assert typed.pk  # untouched


def test_the_save_and_compute_button_fills_the_new_figure_and_stays_on_the_page(cma):
    client = staff_client()
    send_orientations(cma.organisation, 2, year=2025)
    form = change_form(client, change_url(cma), "partner_form")
    prefix = "figures"
    form.update({
        f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-year": "2025", f"{prefix}-0-label": "Orientations vers la CMA",
        f"{prefix}-0-metric": SENT, f"{prefix}-0-unit": "orientations",
    })  # fmt: skip
    response = client.post(change_url(cma), {**form, "_calculer": "Enregistrer et calculer les chiffres suivis"})
    assert response.status_code == 302 and response.url == change_url(cma)
    assert "1 chiffre(s) calculé(s) depuis les données du portail : vérifiez-les avant de les publier." in (
        messages_of(response)
    )
    figure = PartnerFigure.objects.get()
    assert (figure.value, figure.is_published) == (2, False)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"metric": "accueil.inconnu"}, "« accueil.inconnu » n'est pas un chiffre calculé par le portail"),
        ({"is_published": "on"}, "Un chiffre publié a une valeur"),
        ({"year": "1850"}, "Assurez-vous que cette valeur est supérieure ou égale à 2000."),
        ({"value": "beaucoup"}, "Saisissez un nombre."),
    ],
)
def test_bad_input_on_a_figure_gives_a_french_message_and_saves_nothing(cma, values, message):
    client = staff_client()
    form = change_form(client, change_url(cma), "partner_form")
    row = {"year": "2025", "label": "Orientations", "metric": "", "value": "", **values}
    form.update({"figures-TOTAL_FORMS": "1", **{f"figures-0-{key}": value for key, value in row.items()}})
    response = client.post(change_url(cma), form)
    assert response.status_code == 200
    assert message in page_text(response)
    assert not PartnerFigure.objects.exists()


def test_the_list_action_computes_the_figures_of_the_partners_chosen(cma):
    client = staff_client()
    send_orientations(cma.organisation, 2, year=2025)
    PartnerFigure.objects.create(partner=cma, year=2025, label="Orientations", metric=SENT)
    response = client.post(
        reverse("admin:partenariats_partner_changelist"),
        {"action": "compute_figures", "_selected_action": [cma.pk], "index": 0},
    )
    assert response.status_code == 302
    assert messages_of(response) == ["1 chiffre(s) calculé(s) depuis les données du portail."]
    assert PartnerFigure.objects.get().value == 2


def test_the_partner_page_lists_contacts_and_conventions_and_communication_only_reads_it(cma):
    make_contact(cma, name="Marie Payet")
    convention = make_convention(cma)
    text = page_text(staff_client().get(change_url(cma)))
    assert "Marie Payet" in text and convention.reference in text
    html = staff_client("Communication").get(change_url(cma)).content.decode()
    assert 'name="_calculer"' not in html and 'name="_save"' not in html
