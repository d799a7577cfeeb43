from datetime import timedelta

import factory
from django.db.models import F
from django.utils.text import slugify

from annuaire.models import Organisation, PartnerMembership
from annuaire.services import save_organisation
from referentiels.models import LegalForm, Territory, TerritoryKind
from tests.comptes.factories import UserFactory


def commune(code="97411"):
    return Territory.objects.get(kind=TerritoryKind.COMMUNE, code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    """Organisations saved through the service, as the portal saves them."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association solidaire n°{n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)[:200]}-{n}")
    legal_form = factory.LazyFunction(lambda: LegalForm.objects.get(code="9220"))
    commune = factory.LazyFunction(commune)
    is_published = True

    @classmethod
    def _create(cls, model_class, *args, categories=None, labels=None, **kwargs):
        organisation = model_class(*args, **kwargs)
        if organisation.commune_id and organisation.latitude is None:
            organisation.latitude = organisation.commune.latitude
            organisation.longitude = organisation.commune.longitude
        return save_organisation(organisation=organisation, categories=categories, labels=labels)


class PartnerMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


def age_history(organisation, *, days):
    """Move the organisation's recorded history back in time, as if it had been created
    (and last edited) `days` earlier."""
    organisation.history.update(history_date=F("history_date") - timedelta(days=days))
