import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from annuaire.models import Organisation, PartnerMembership
from comptes.models import User
from cress.demo import DEMO_PASSWORD
from referentiels.validators import validate_siret

pytestmark = pytest.mark.django_db


def counts():
    return (Organisation.objects.count(), User.objects.count(), PartnerMembership.objects.count())


def test_seed_demo_is_idempotent_and_creates_one_account_per_role(settings, capsys):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    for group in Group.objects.all():
        member = User.objects.get(groups=group)
        assert member.is_staff and member.check_password(DEMO_PASSWORD)
    partner = User.objects.get(email="partenaire@demo.ess-reunion.re")
    assert not partner.is_staff and partner.is_partner
    assert "partenaire@demo.ess-reunion.re" in capsys.readouterr().out


def test_demo_organisations_are_valid_and_spread_over_the_island(settings):
    settings.DEMO_MODE = False
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    organisations = list(Organisation.objects.select_related("commune__parent", "legal_form"))
    assert len(organisations) >= 10
    for organisation in organisations:
        organisation.full_clean()
        validate_siret(organisation.siret)
    assert len({o.commune.parent_id for o in organisations}) == 5, "every EPCI has demo organisations"
    families = {o.legal_form.family for o in organisations if o.legal_form}  # public bodies have no ESS form
    assert families >= {"association", "cooperative", "mutuelle", "fondation"}


def test_no_demo_account_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not User.objects.exists()


def test_demo_communication_has_news_events_and_a_sent_newsletter(settings):
    from django.utils import timezone

    from communication.models import Event, EventKind, NewsArticle, NewsletterIssue

    settings.DEMO_MODE = False
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    visible = NewsArticle.objects.visible()
    assert visible.count() >= 4 and visible.filter(featured=True).exists()
    assert NewsArticle.objects.exclude(pk__in=visible).count() == 2, "a draft and a scheduled item"
    now = timezone.now()
    assert Event.objects.filter(ends_at__lt=now).exists() and Event.objects.filter(starts_at__gt=now).exists()
    assert Event.objects.filter(kind=EventKind.MOIS_ESS).exists()
    issue = NewsletterIssue.objects.get()
    assert issue.status == "envoyee" and issue.deliveries.filter(status="envoye").count() == 3
    for item in [*NewsArticle.objects.all(), *Event.objects.all()]:
        item.full_clean()
