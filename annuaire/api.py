"""Read-only JSON API of the directory (Django REST framework, OpenAPI by drf-spectacular).

Field names are the column names of the open-data CSV export (`annuaire/exports.py`), in
French like every key of the API; errors have the one shape of `lib/api.py`. The filters'
allowed values are listed in the schema from the same reference data that validates them
(`filter_options()`), so that the schema never allows a value the API refuses.
"""

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from annuaire.forms import DirectoryFilterForm
from annuaire.models import Organisation, Role
from annuaire.search import PAGE_SIZE, DirectoryFilters, Sort, filter_options, search_directory
from lib.api import ErrorSerializer

# The query parameters of the list, in the order the schema shows them; each is a field of
# DirectoryFilterForm, which validates them for the pages and the API alike.
FILTER_DESCRIPTIONS = {
    "q": "Recherche plein texte (français, sans accents, tolérante aux fautes de frappe).",
    "epci": "Intercommunalité.",
    "commune": "Commune, par son code INSEE.",
    "famille": "Famille de l'ESS.",
    "role": "Rôle de la structure.",
    "secteur": "Secteur d'activité : section de la NAF rév. 2.",
    "thematique": "Thématique, par son identifiant.",
    "label": "Label ou agrément, par son identifiant.",
    "tri": "Ordre des résultats ; « distance » se mesure depuis « pres_de » (sans lui : ordre par défaut).",
    "pres_de": "Commune, par son code INSEE, d'où mesurer les distances (tri=distance).",
    "page": f"Numéro de page ({PAGE_SIZE} résultats par page ; au-delà de la dernière, la dernière).",
}
# filter_options() key of each parameter whose values come from the reference data.
OPTION_OF_PARAMETER = DirectoryFilterForm.FIELD_TO_OPTION


@extend_schema_serializer(component_name="Structure")
class OrganisationSerializer(serializers.Serializer):
    identifiant = serializers.CharField(source="slug", help_text="Identifiant de la fiche, dans son adresse.")
    nom = serializers.CharField(source="name")
    sigle = serializers.CharField(source="acronym")
    siret = serializers.CharField(help_text="SIRET de l'établissement (14 chiffres), ou vide.")
    siren = serializers.CharField(help_text="SIREN de l'unité légale (9 chiffres), ou vide.")
    forme_juridique_code = serializers.CharField(
        source="legal_form.code", default="", help_text="Catégorie juridique INSEE (niveau III), ou vide."
    )
    forme_juridique = serializers.CharField(source="legal_form.label", default="")
    famille_ess = serializers.CharField(source="get_ess_family_display", help_text="Libellé de la famille, ou vide.")
    agrement_esus = serializers.BooleanField(source="esus_agreement")
    activite_naf = serializers.CharField(
        source="naf_activity.code", default="", help_text="Activité principale, code NAF rév. 2, ou vide."
    )
    activite_naf_libelle = serializers.CharField(source="naf_activity.label", default="")
    secteur_naf = serializers.CharField(source="sector.label", default="", help_text="Libellé de la section NAF.")
    description = serializers.CharField()
    thematiques = serializers.SerializerMethodField(help_text="Noms des thématiques.")
    labels = serializers.SerializerMethodField(help_text="Noms des labels et agréments.")
    roles = serializers.SerializerMethodField(
        help_text=" ; ".join(f"`{value}` : {label}" for value, label in Role.choices)
    )
    adresse = serializers.CharField(source="address")
    code_postal = serializers.CharField(source="postcode")
    commune = serializers.CharField(source="commune.name", default="")
    code_insee = serializers.CharField(source="commune.code", default="")
    epci = serializers.CharField(source="epci.short_name", default="", help_text="Intercommunalité (sigle).")
    latitude = serializers.FloatField(allow_null=True, help_text="WGS84.")
    longitude = serializers.FloatField(allow_null=True, help_text="WGS84.")
    site_internet = serializers.CharField(source="website")
    courriel = serializers.CharField(source="email")
    telephone = serializers.CharField(source="phone")
    annee_creation = serializers.IntegerField(source="creation_year", allow_null=True)
    tranche_effectif = serializers.CharField(
        source="get_headcount_band_display", help_text="Tranche d'effectif salarié (INSEE), ou vide."
    )
    derniere_verification = serializers.DateField(source="last_verified_at", allow_null=True)
    url = serializers.SerializerMethodField(help_text="Adresse de la fiche sur le portail.")

    def get_thematiques(self, organisation) -> list[str]:
        return [category.name for category in organisation.categories.all()]

    def get_labels(self, organisation) -> list[str]:
        return [label.name for label in organisation.labels.all()]

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            # Every key is in every answer (an empty string or null when there is nothing):
            # read-only fields are "required" in the schema.
            field.read_only = True
        return fields

    @extend_schema_field({"type": "array", "items": {"type": "string", "enum": Role.values}})
    def get_roles(self, organisation) -> list[str]:
        return [role.value for role in organisation.roles]

    def get_url(self, organisation) -> str:
        return settings.SITE_URL + reverse("annuaire:structure", args=[organisation.slug])


@extend_schema_serializer(component_name="PageDeStructures")
class StructurePageSerializer(serializers.Serializer):
    nombre = serializers.IntegerField(min_value=0, help_text="Nombre de structures qui répondent aux filtres.")
    page = serializers.IntegerField(min_value=1)
    nombre_pages = serializers.IntegerField(min_value=1)
    resultats = OrganisationSerializer(many=True)


def _enum_parameter(name: str, values: list[tuple[str, str]]) -> OpenApiParameter:
    listed = " ; ".join(f"`{value}` : {label}" for value, label in values)
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        description=f"{FILTER_DESCRIPTIONS[name]} Valeurs : {listed}.",
        enum=[value for value, _label in values],
    )


def filter_parameters() -> list[OpenApiParameter]:
    """The query parameters of the list, with every value the API accepts."""
    options = filter_options()
    q_field = DirectoryFilterForm.base_fields["q"]
    page_field = DirectoryFilterForm.base_fields["page"]
    parameters = []
    for name in FILTER_DESCRIPTIONS:
        if name == "q":
            # Django refuses NUL characters in a text field.
            schema = {"type": "string", "maxLength": q_field.max_length, "pattern": "^[^\\u0000]*$"}
            parameters.append(OpenApiParameter(name, schema, description=FILTER_DESCRIPTIONS[name]))
        elif name == "page":
            schema = {"type": "integer", "minimum": page_field.min_value, "maximum": page_field.max_value}
            parameters.append(OpenApiParameter(name, schema, description=FILTER_DESCRIPTIONS[name]))
        elif name == "tri":
            parameters.append(_enum_parameter(name, Sort.CHOICES))
        else:
            values = [(value, label) for value, label, _key in options[OPTION_OF_PARAMETER[name]]]
            # A data-driven list can be empty (no label created yet): the parameter then
            # accepts no value, and an enum may not be empty, so the schema leaves it out.
            if values:
                parameters.append(_enum_parameter(name, values))
    return parameters


EMPTY_VALUE = "Valeur vide : omettez ce paramètre pour ne pas filtrer."
REPEATED = "Paramètre donné plusieurs fois : une seule valeur est acceptée."
TOO_LONG = f"Recherche trop longue : {DirectoryFilterForm.base_fields['q'].max_length} caractères au plus."
NOT_A_PAGE = "Un numéro de page s'écrit en chiffres : 1, 2, 3…"


def _allowed_values(options: dict) -> dict[str, list[str]]:
    values = {name: [value for value, _label, _key in options[option]] for name, option in OPTION_OF_PARAMETER.items()}
    values["tri"] = [value for value, _label in Sort.CHOICES]
    return values


def read_filters(params) -> DirectoryFilters:
    """The list's filters from the query string, checked as strictly as the schema states
    them (the pages' form is more lenient: it ignores what it cannot use); a refused
    parameter raises ValidationError with a French message per parameter."""
    allowed = _allowed_values(filter_options())
    refused = {}
    for name in FILTER_DESCRIPTIONS:
        values = params.getlist(name)
        if not values:
            continue
        value = values[0]
        if len(values) > 1:
            refused[name] = [REPEATED]
        elif name != "q" and not value:
            refused[name] = [EMPTY_VALUE]
        elif name == "q" and len(value) > DirectoryFilterForm.base_fields["q"].max_length:
            refused[name] = [TOO_LONG]
        elif name == "page" and not (value.isascii() and value.isdigit()):
            refused[name] = [NOT_A_PAGE]
        elif name in allowed and value not in allowed[name]:
            refused[name] = [f"« {value} » n'est pas une valeur possible. Valeurs : {', '.join(allowed[name])}."]
    form = DirectoryFilterForm(params)
    filters, _problems = form.to_filters()
    for name, errors in form.errors.items():
        if name in FILTER_DESCRIPTIONS:
            refused.setdefault(name, list(errors))
    if refused:
        raise exceptions.ValidationError(refused)
    return filters


class StructureListSchema(AutoSchema):
    """Lists the filters' values when the schema is generated: staff may add thematic
    categories and labels, and the schema follows."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), *filter_parameters()]


RATE_LIMITED = OpenApiResponse(
    ErrorSerializer, description="Trop de requêtes depuis cette adresse : réessayer après Retry-After secondes."
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    {"type": "integer", "minimum": 1},
    location=OpenApiParameter.HEADER,
    required=True,
    description="Secondes à attendre avant la prochaine requête.",
    response=[429],
)


class OrganisationList(APIView):
    schema = StructureListSchema()

    @extend_schema(
        parameters=[RETRY_AFTER],
        responses={
            200: OpenApiResponse(StructurePageSerializer, description="Une page de structures."),
            400: OpenApiResponse(
                ErrorSerializer, description="Un paramètre refusé ; « details » dit lequel et pourquoi."
            ),
            429: RATE_LIMITED,
        },
        summary="Structures publiées de l'annuaire, filtrées comme sur le portail",
        operation_id="structures_list",
    )
    def get(self, request):
        filters = read_filters(request.query_params)
        page = search_directory(filters)
        prefetch_related_objects(page.organisations, "categories", "labels", "naf_activity", "sector", "epci")
        return Response(
            StructurePageSerializer(
                {
                    "nombre": page.total,
                    "page": page.page,
                    "nombre_pages": page.page_count,
                    "resultats": page.organisations,
                }
            ).data
        )


class OrganisationDetail(generics.RetrieveAPIView):
    serializer_class = OrganisationSerializer
    lookup_field = "slug"
    lookup_url_kwarg = "identifiant"
    queryset = Organisation.objects.filter(is_published=True).select_related(
        "legal_form", "commune", "naf_activity", "sector", "epci"
    )

    def get_queryset(self):
        return super().get_queryset().prefetch_related("categories", "labels")

    def get_object(self):
        try:
            return super().get_object()
        except Http404 as error:
            raise exceptions.NotFound(
                f"Aucune structure publiée n'a l'identifiant « {self.kwargs['identifiant']} »."
            ) from error

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "identifiant",
                {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "maxLength": 255},
                location=OpenApiParameter.PATH,
                description="Identifiant de la structure (champ « identifiant » de la liste).",
            ),
            RETRY_AFTER,
        ],
        responses={
            200: OpenApiResponse(OrganisationSerializer, description="La structure."),
            404: OpenApiResponse(ErrorSerializer, description="Aucune structure publiée n'a cet identifiant."),
            429: RATE_LIMITED,
        },
        summary="Une structure publiée",
        operation_id="structures_retrieve",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
