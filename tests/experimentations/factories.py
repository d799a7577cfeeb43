"""Financial tools as staff make them: saved through the service, published through the
declared workflow (experimentations.services_tools), never by assignment."""

import factory
from django.utils.text import slugify

from experimentations.models import FinancialTool, Instrument
from experimentations.services_tools import move_tool, save_tool
from referentiels.models import LegalForm, NafSection, Territory, TerritoryKind
from tests.annuaire.factories import OrganisationFactory


def territory(kind: str, code: str) -> Territory:
    return Territory.objects.get(kind=kind, code=code)


def commune(code: str) -> Territory:
    return territory(TerritoryKind.COMMUNE, code)


def epci(code: str) -> Territory:
    return territory(TerritoryKind.EPCI, code)


def region() -> Territory:
    return Territory.objects.get(kind=TerritoryKind.REGION)


class FinancialToolFactory(factory.django.DjangoModelFactory):
    """A published tool by default (`status="brouillon"` for a draft); `legal_forms` (codes),
    `sectors` (NAF section letters) and `territories` (Territory rows) set its lists."""

    class Meta:
        model = FinancialTool

    name = factory.Sequence(lambda n: f"Prêt solidaire n°{n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)[:180]}-{n}")
    provider = factory.SubFactory(OrganisationFactory)
    instrument = Instrument.HONOUR_LOAN
    summary = "Un prêt sans intérêt pour lancer votre projet."

    @classmethod
    def _create(cls, model_class, *args, status="publie", legal_forms=None, sectors=None, territories=None, **kwargs):
        tool = model_class(*args, **kwargs)
        save_tool(
            tool=tool,
            legal_forms=LegalForm.objects.filter(code__in=legal_forms) if legal_forms is not None else None,
            sectors=NafSection.objects.filter(code__in=sectors) if sectors is not None else None,
            territories=territories,
        )
        if status == FinancialTool.Status.PUBLISHED:
            move_tool(tool, FinancialTool.Status.PUBLISHED)
        elif status == FinancialTool.Status.ARCHIVED:
            move_tool(tool, FinancialTool.Status.ARCHIVED)
        tool.refresh_from_db()
        return tool
