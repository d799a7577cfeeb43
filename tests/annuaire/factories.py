import factory
from django.utils.text import slugify

from annuaire.models import Organisation
from referentiels.models import LegalForm, Territory, TerritoryKind


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association solidaire n°{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    legal_form = factory.LazyFunction(lambda: LegalForm.objects.get(code="9220"))
    commune = factory.LazyFunction(lambda: Territory.objects.get(kind=TerritoryKind.COMMUNE, code="97411"))
    is_published = True
