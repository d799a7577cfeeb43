"""Read-only JSON API of the directory (Django REST framework, OpenAPI by drf-spectacular)."""

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from annuaire.forms import DirectoryFilterForm
from annuaire.models import Organisation
from annuaire.search import search_directory


class OrganisationSerializer(serializers.ModelSerializer):
    famille_ess = serializers.CharField(source="get_ess_family_display")
    forme_juridique = serializers.CharField(source="legal_form.label", default="")
    commune = serializers.CharField(source="commune.name", default="")
    code_insee = serializers.CharField(source="commune.code", default="")
    thematiques = serializers.SlugRelatedField(source="categories", many=True, read_only=True, slug_field="name")
    labels = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    roles = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "slug", "name", "acronym", "siret", "siren", "famille_ess", "forme_juridique", "esus_agreement",
            "description", "address", "postcode", "commune", "code_insee", "latitude", "longitude", "website",
            "email", "phone", "creation_year", "thematiques", "labels", "roles", "last_verified_at", "url",
        ]  # fmt: skip

    def get_roles(self, organisation) -> list[str]:
        return [role.value for role in organisation.roles]

    def get_url(self, organisation) -> str:
        return settings.SITE_URL + reverse("annuaire:structure", args=[organisation.slug])


FILTER_PARAMETERS = [
    OpenApiParameter(name, OpenApiTypes.STR, description=description)
    for name, description in [
        ("q", "Recherche plein texte (français, sans accents, tolérante aux fautes de frappe)"),
        ("epci", "Intercommunalité (cinor, cirest, tco, civis, casud)"),
        ("commune", "Code INSEE de la commune"),
        ("famille", "association, cooperative, mutuelle, fondation, societe_commerciale"),
        ("role", "acteur, accompagnement, financeur, fournisseur, institutionnel"),
        ("secteur", "Code de section NAF (A à U)"),
        ("thematique", "Identifiant de thématique"),
        ("label", "Identifiant de label"),
        ("tri", "pertinence, nom ou distance (avec pres_de)"),
        ("pres_de", "Code INSEE de la commune d'où mesurer les distances"),
        ("page", "Numéro de page (20 résultats par page)"),
    ]
]


class OrganisationList(APIView):
    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses=inline_serializer(
            "PageDeStructures",
            {
                "count": serializers.IntegerField(),
                "page": serializers.IntegerField(),
                "page_count": serializers.IntegerField(),
                "results": OrganisationSerializer(many=True),
            },
        ),
        summary="Structures publiées de l'annuaire, filtrées comme sur le portail",
        operation_id="structures_list",
    )
    def get(self, request):
        filters, problems = DirectoryFilterForm(request.query_params).to_filters()
        if problems:
            return Response({"erreurs": problems}, status=400)
        page = search_directory(filters)
        prefetch_related_objects(page.organisations, "categories", "labels")
        return Response(
            {
                "count": page.total,
                "page": page.page,
                "page_count": page.page_count,
                "results": OrganisationSerializer(page.organisations, many=True).data,
            }
        )


@extend_schema_view(get=extend_schema(operation_id="structures_retrieve", summary="Une structure publiée"))
class OrganisationDetail(generics.RetrieveAPIView):
    serializer_class = OrganisationSerializer
    lookup_field = "slug"
    queryset = Organisation.objects.filter(is_published=True).select_related("legal_form", "commune")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("categories", "labels")
