"""The one place that turns the address's parameters (GET) into the published financial
tools that match: the list, the finder, the open data and the saved-search alerts all read
`ToolFilters`.

Each criterion is one `Q` (`ToolFilters.criteria()`): the list filters by all of them, the
finder annotates each one to say which are met (selectors_tools.rank_tools). A value the form
does not understand is left out of the search and said so in French: never an error page.

A tool leaves a criterion open by leaving its field empty (« vide : tous »): it then fits
every answer. A commune is covered by a tool with no territory, or with the région, the
commune's EPCI, its arrondissement or the commune itself.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.validators import RegexValidator
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from experimentations.models import FinancialTool, Instrument, Purpose
from lib.text import normalise_text
from referentiels.models import EssFamily, LegalForm, NafSection, ProjectStage, Territory, TerritoryKind

# The parameters, in the order of a normalised address.
PARAMETERS = (
    "q",
    "instrument",
    "stage",
    "family",
    "legal_form",
    "sector",
    "commune",
    "purpose",
    "amount",
    "appels",
    "clos",
)
# The criteria a tool can meet or miss (the finder's reasons), in the order they are told.
CRITERIA = ("instrument", "stage", "family", "legal_form", "sector", "commune", "purpose", "amount")
MAX_AMOUNT = 100_000_000


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _blank(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


def _json_contains(field: str, value: str) -> Q:
    """The tool's list field is empty (open to all) or holds `value`."""
    if is_postgres():
        return Q(**{field: []}) | Q(**{f"{field}__contains": [value]})
    # SQLite (the zero-setup default) has no JSON containment: the JSON text is searched.
    return Q(**{field: []}) | Q(**{f"{field}__icontains": f'"{value}"'})


def _m2m(through_field: str, **lookups) -> Exists:
    through = getattr(FinancialTool, through_field).through
    return Exists(through.objects.filter(financialtool_id=OuterRef("pk"), **lookups))


def _m2m_open_or(through_field: str, **lookups) -> Q:
    return ~Q(_m2m(through_field)) | Q(_m2m(through_field, **lookups))


class ToolFilters(forms.Form):
    """The tools' search and filters; `ToolFilters(request.GET)`."""

    q = forms.CharField(
        label="Mots-clés",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "garantie, prêt d'honneur, emploi…"}),
        error_messages={"max_length": "Les mots-clés tiennent en 200 caractères au plus."},
    )
    instrument = forms.ChoiceField(
        label="Instrument",
        required=False,
        choices=_blank("Tous les instruments", Instrument.choices),
        error_messages={"invalid_choice": "Cet instrument n'existe pas : choisissez-en un dans la liste."},
    )
    stage = forms.ChoiceField(
        label="Stade du projet",
        required=False,
        choices=_blank("Tous les stades", ProjectStage.choices),
        error_messages={"invalid_choice": "Ce stade de projet n'existe pas : choisissez-en un dans la liste."},
    )
    family = forms.ChoiceField(
        label="Famille de l'ESS",
        required=False,
        choices=_blank("Toutes les familles", EssFamily.choices),
        error_messages={"invalid_choice": "Cette famille de l'ESS n'existe pas : choisissez-en une dans la liste."},
    )
    legal_form = forms.CharField(
        label="Forme juridique (code INSEE)",
        required=False,
        validators=[RegexValidator(r"^[0-9]{4}$", "Une forme juridique s'écrit avec son code INSEE à 4 chiffres.")],
    )
    sector = forms.CharField(
        label="Secteur d'activité (section NAF)",
        required=False,
        validators=[RegexValidator(r"^[A-Za-z]$", "Un secteur s'écrit avec la lettre de sa section NAF (A à U).")],
    )
    commune = forms.CharField(
        label="Commune (code INSEE)",
        required=False,
        validators=[RegexValidator(r"^97[0-9]{3}$", "Une commune s'écrit avec son code INSEE à 5 chiffres (974xx).")],
    )
    purpose = forms.ChoiceField(
        label="Pour quoi faire",
        required=False,
        choices=_blank("Tout usage", Purpose.choices),
        error_messages={"invalid_choice": "Cet usage n'existe pas : choisissez-en un dans la liste."},
    )
    amount = forms.IntegerField(
        label="Montant recherché (€)",
        required=False,
        min_value=1,
        max_value=MAX_AMOUNT,
        error_messages={
            "invalid": "Le montant s'écrit en euros, en chiffres (par exemple 15000).",
            "min_value": "Le montant doit être d'au moins 1 €.",
            "max_value": "Le montant ne peut dépasser 100 millions d'euros.",
        },
    )
    appels = forms.BooleanField(label="Appels à projets seulement", required=False)
    clos = forms.BooleanField(label="Afficher aussi les appels clos et les budgets épuisés", required=False)

    def __init__(self, data=None, *, now=None):
        # A form always bound: an empty address is the search of everything.
        super().__init__(data if data is not None else {})
        self.now = now
        self._understood = None

    # --- Reading the parameters --------------------------------------------------------------

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].replace("\x00", "").split())

    def clean_sector(self):
        code = self.cleaned_data["sector"].upper()
        if code and not NafSection.objects.filter(code=code).exists():
            raise forms.ValidationError("Ce secteur n'existe pas : choisissez une section NAF de A à U.")
        return code

    def clean_legal_form(self):
        code = self.cleaned_data["legal_form"]
        if not code:
            return None
        legal_form = LegalForm.objects.filter(code=code).only("code", "label", "family").first()
        if legal_form is None:
            raise forms.ValidationError("Cette forme juridique n'existe pas : vérifiez son code INSEE.")
        return legal_form

    def clean_commune(self):
        code = self.cleaned_data["commune"]
        if not code:
            return None
        commune = (
            Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=code)
            .select_related("parent")
            .only("code", "name", "parent_id", "parent__parent_id", "parent__name", "arrondissement_id")
            .first()
        )
        if commune is None:
            raise forms.ValidationError("Cette commune n'est pas à La Réunion : vérifiez son code INSEE.")
        return commune

    @property
    def understood(self) -> dict:
        """The parameters understood, by name (those with an error are left out)."""
        if self._understood is None:
            self.is_valid()
            self._understood = {
                name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)
            }
        return self._understood

    def error_messages(self) -> list[str]:
        """What was not understood, in French, for the page to say."""
        self.is_valid()
        return [
            f"{self.fields[name].label} : {message}" for name, messages in self.errors.items() for message in messages
        ]

    # --- The criteria --------------------------------------------------------------------------

    def criteria(self) -> dict[str, Q]:
        """One condition per criterion given (and understood): the tools that meet it."""
        given = self.understood
        conditions = {}
        if "instrument" in given:
            conditions["instrument"] = Q(instrument=given["instrument"])
        if "stage" in given:
            conditions["stage"] = _json_contains("stages", given["stage"])
        if "family" in given:
            family = given["family"]
            conditions["family"] = (
                (Q(families=[]) & ~Q(_m2m("legal_forms")))
                | (_json_contains("families", family) & ~Q(families=[]))
                | Q(_m2m("legal_forms", legalform__family=family))
            )
        if "legal_form" in given:
            legal_form = given["legal_form"]
            open_forms = ~Q(_m2m("legal_forms"))
            by_family = Q(families=[])
            if legal_form.family:
                by_family |= _json_contains("families", legal_form.family)
            conditions["legal_form"] = (open_forms & by_family) | Q(_m2m("legal_forms", legalform=legal_form))
        if "sector" in given:
            conditions["sector"] = _m2m_open_or("sectors", nafsection__code=given["sector"])
        if "commune" in given:
            commune = given["commune"]
            covering = [commune.pk, commune.parent_id, commune.arrondissement_id, commune.parent.parent_id]
            conditions["commune"] = ~Q(_m2m("territories")) | Q(
                _m2m("territories", territory_id__in=[pk for pk in covering if pk])
            )
        if "purpose" in given:
            conditions["purpose"] = _json_contains("purposes", given["purpose"])
        if "amount" in given:
            amount = given["amount"]
            conditions["amount"] = (Q(amount_min__isnull=True) | Q(amount_min__lte=amount)) & (
                Q(amount_max__isnull=True) | Q(amount_max__gte=amount)
            )
        return conditions

    def live(self) -> QuerySet[FinancialTool]:
        """The published tools the search may show: calls only if asked, closed calls and
        exhausted budgets only if asked."""
        tools = FinancialTool.objects.filter(status=FinancialTool.Status.PUBLISHED)
        given = self.understood
        if given.get("appels"):
            tools = tools.filter(is_call=True)
        if not given.get("clos"):
            now = self.now or timezone.now()
            tools = tools.filter(budget_exhausted=False).exclude(closes_at__lt=now)
        return tools

    def search(self, tools: QuerySet) -> tuple[QuerySet, bool]:
        """The words of `q`: French full text without accents, websearch syntax, on the stored
        vector (PostgreSQL, with a rank); on SQLite every word in the name or summary."""
        text = self.understood.get("q", "")
        if not text:
            return tools, False
        if is_postgres():
            query = SearchQuery(text, search_type="websearch", config="fr")
            return tools.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query)), True
        words = normalise_text(text).split()
        ids = [
            pk
            for pk, name, summary in tools.values_list("pk", "name", "summary")
            if all(word in normalise_text(f"{name} {summary}") for word in words)
        ]
        return tools.filter(pk__in=ids), False

    def tools(self) -> QuerySet[FinancialTool]:
        """The published tools that meet every criterion given, the most relevant first for a
        text search, then calls closing first, then by name."""
        tools = self.live()
        for condition in self.criteria().values():
            tools = tools.filter(condition)
        tools, ranked = self.search(tools)
        ordering = [F("closes_at").asc(nulls_last=True), "name", "pk"]
        if ranked:
            ordering = ["-rank", *ordering]
        return tools.order_by(*ordering)

    # --- Saying and writing the search ---------------------------------------------------------

    def describe(self) -> str:
        """The search in a French sentence, for an alert's label: « Appels à projets : prêt
        d'honneur, pour une association, à Saint-Paul, « emploi » »."""
        given = self.understood
        parts = []
        if "instrument" in given:
            parts.append(Instrument(given["instrument"]).label.lower())
        if "stage" in given:
            parts.append(f"stade « {ProjectStage(given['stage']).label} »")
        if "family" in given:
            parts.append(f"pour une structure de la famille « {EssFamily(given['family']).label} »")
        if "legal_form" in given:
            parts.append(f"forme juridique « {given['legal_form'].label} »")
        if "sector" in given:
            parts.append(f"secteur {given['sector']}")
        if "commune" in given:
            parts.append(f"à {given['commune'].name}")
        if "purpose" in given:
            parts.append(f"pour « {Purpose(given['purpose']).label} »")
        if "amount" in given:
            parts.append(f"pour {given['amount']:,} €".replace(",", "\u202f"))
        if "q" in given:
            parts.append(f"mots-clés « {given['q']} »")
        head = "Appels à projets" if given.get("appels") else "Financements"
        if given.get("clos"):
            head += " (clos compris)"
        return f"{head} : {', '.join(parts)}" if parts else f"{head} : tous"

    def normalised(self) -> dict[str, str]:
        """The parameters understood, as text, in the order of PARAMETERS."""
        values = {}
        for name in PARAMETERS:
            value = self.understood.get(name)
            if value in (None, "", False):
                continue
            if name in ("legal_form", "commune"):
                value = value.code
            elif isinstance(value, bool):
                value = "1"
            values[name] = str(value)
        return values

    def querystring(self) -> str:
        """The normalised query (without « ? »): same search, same text."""
        return urlencode(self.normalised())
