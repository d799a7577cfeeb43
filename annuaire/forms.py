from django import forms

from annuaire.search import DirectoryFilters, Sort, filter_options


class DirectoryFilterForm(forms.Form):
    """The directory's query string: every parameter is optional and checked against
    the known values; an unknown value is reported and ignored, never an error page."""

    q = forms.CharField(label="Rechercher", required=False, max_length=200)
    epci = forms.ChoiceField(label="Intercommunalité", required=False)
    commune = forms.ChoiceField(label="Commune", required=False)
    famille = forms.ChoiceField(label="Famille de l'ESS", required=False)
    role = forms.ChoiceField(label="Rôle", required=False)
    secteur = forms.ChoiceField(label="Secteur d'activité", required=False)
    thematique = forms.ChoiceField(label="Thématique", required=False)
    label = forms.ChoiceField(label="Label ou agrément", required=False)
    tri = forms.ChoiceField(label="Trier par", required=False, choices=Sort.CHOICES)
    pres_de = forms.ChoiceField(label="Distance depuis", required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
    vue = forms.ChoiceField(required=False, choices=[("liste", "Liste"), ("carte", "Carte")])

    FIELD_TO_OPTION = {
        "epci": "epci",
        "commune": "commune",
        "famille": "family",
        "role": "role",
        "secteur": "sector",
        "thematique": "category",
        "label": "label",
        "pres_de": "commune",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = filter_options()
        for field_name, option_name in self.FIELD_TO_OPTION.items():
            empty = "Toutes" if field_name not in {"role", "label", "pres_de"} else "Tous"
            if field_name == "pres_de":
                empty = "Choisir une commune"
            self.fields[field_name].choices = [("", empty)] + [
                (value, label) for value, label, _key in options[option_name]
            ]

    def to_filters(self) -> tuple[DirectoryFilters, list[str]]:
        """The filters to apply and, for each value that was refused, a message."""
        self.is_valid()
        problems = [
            f"{self.fields[name].label or name.capitalize()} : {errors[0]} Ce paramètre est ignoré."
            for name, errors in self.errors.items()
            if name in self.fields
        ]
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        filters = DirectoryFilters(
            q=(data.get("q") or "").strip(),
            commune=data.get("commune") or "",
            epci=data.get("epci") or "",
            family=data.get("famille") or "",
            sector=data.get("secteur") or "",
            category=data.get("thematique") or "",
            role=data.get("role") or "",
            label=data.get("label") or "",
            sort=data.get("tri") or (Sort.RELEVANCE if data.get("q") else Sort.NAME),
            near=data.get("pres_de") or "",
            page=data.get("page") or 1,
        )
        return filters, problems
