"""The catalogue's search and filters, read from the address (GET): every filter is a
parameter, so a filtered catalogue can be bookmarked and shared.

A value the form does not understand (a theme that does not exist, a month out of the
list) is ignored and said so on the page: never an error page.
"""

from datetime import date

from django import forms
from django.utils import formats, timezone

from formation.models import Audience, Modality, Theme
from formation.selectors import CatalogueFilters

MONTHS_AHEAD = 12
# The catalogue's parameters, in the order of the address.
PARAMETERS = ("q", "theme", "public", "territoire", "mois", "modalite", "places", "page")


def upcoming_months(today: date, count: int = MONTHS_AHEAD) -> list[tuple[str, str]]:
    """(« 2026-12 », « décembre 2026 ») for this month and the next ones."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        first = date(year, month, 1)
        months.append((first.strftime("%Y-%m"), formats.date_format(first, "F Y")))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _blank(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label="Mots-clés",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "gouvernance, SCOP, paie…"}),
    )
    theme = forms.ChoiceField(label="Thème", required=False, choices=_blank("Tous les thèmes", Theme.choices))
    public = forms.ChoiceField(label="Public", required=False, choices=_blank("Tous les publics", Audience.choices))
    territoire = forms.ChoiceField(label="Lieu des sessions", required=False)
    mois = forms.ChoiceField(label="Mois", required=False)
    modalite = forms.ChoiceField(label="Modalité", required=False, choices=_blank("Toutes", Modality.choices))
    places = forms.BooleanField(label="Avec des places disponibles", required=False)

    def __init__(self, data=None, *, territories, today=None):
        super().__init__(data)
        self.territories = territories
        self.fields["territoire"].choices = [
            ("", "Toute l'île"),
            ("Intercommunalités", [(t.slug, t.short_name or t.name) for t in territories if t.kind == "epci"]),
            ("Communes", [(t.slug, t.short_name or t.name) for t in territories if t.kind == "commune"]),
        ]
        self.fields["mois"].choices = _blank("Tous les mois", upcoming_months(today or timezone.localdate()))

    SELECTS = ("theme", "public", "territoire", "mois", "modalite")

    def selects(self) -> list[dict]:
        """The drop-down filters as the page writes them: each option with whether it is
        chosen (a value not understood chooses nothing); groups keep their label."""
        chosen = getattr(self, "cleaned_data", {})
        selects = []
        for name in self.SELECTS:
            field = self.fields[name]
            groups = []
            for value, label in field.choices:
                if isinstance(label, list | tuple):
                    options = [(v, text, v == chosen.get(name)) for v, text in label]
                    groups.append((value, options))
                else:
                    groups.append(("", [(value, label, bool(value) and value == chosen.get(name))]))
            selects.append({"name": name, "id": f"id_{name}", "label": field.label, "groups": groups})
        return selects

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].replace("\x00", "").split())

    def filters(self) -> CatalogueFilters:
        """The filters that were understood (the form is bound and validated)."""
        data = self.cleaned_data
        territory = next((t for t in self.territories if t.slug == data.get("territoire")), None)
        month = None
        if data.get("mois"):
            year, number = data["mois"].split("-")
            month = date(int(year), int(number), 1)
        return CatalogueFilters(
            q=data.get("q", ""),
            theme=data.get("theme", ""),
            audience=data.get("public", ""),
            territory=territory,
            month=month,
            modality=data.get("modalite", ""),
            places=bool(data.get("places")),
        )

    def canonical(self) -> dict[str, str]:
        """The parameters of what is shown: the ones understood, without empty ones."""
        data = self.cleaned_data
        values = {name: data.get(name) or "" for name in PARAMETERS if name not in {"places", "page"}}
        values["places"] = "1" if data.get("places") else ""
        return {name: value for name, value in values.items() if value}
