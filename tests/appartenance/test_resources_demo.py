"""The demo's resource centre: about forty resources over every theme, audience and
format, files that are real PDFs, topics of the four areas that show them; seeding twice
adds nothing."""

import pytest

from appartenance.demo_resources import RESOURCES, seed_resources
from appartenance.models_resources import (
    Resource,
    ResourceAudience,
    ResourceFormat,
    ResourceTag,
    ResourceTheme,
)
from appartenance.resources import check_resource_file
from lib import resources as registry

pytestmark = pytest.mark.django_db


def test_the_demo_resources_are_complete_and_seeded_once():
    assert seed_resources() == {"ressources": len(RESOURCES)}
    assert seed_resources() == {"ressources": 0}
    assert 38 <= Resource.objects.published().count() <= Resource.objects.count() == len(RESOURCES)
    assert set(Resource.objects.values_list("format", flat=True)) == set(ResourceFormat.values)
    tags = ResourceTag.objects.values_list("kind", "value")
    assert {value for kind, value in tags if kind == ResourceTag.Kind.THEME} == set(ResourceTheme.values)
    assert {value for kind, value in tags if kind == ResourceTag.Kind.AUDIENCE} == set(ResourceAudience.values)
    topics = {value for kind, value in tags if kind == ResourceTag.Kind.TOPIC}
    assert topics <= registry.known_topics()
    assert {topic.split("/")[0] for topic in topics} >= {"statut", "besoin", "metier", "formation", "outil"}
    # Every topic written in the table is known (none silently dropped).
    assert {topic for row in RESOURCES for topic in row[4]} == topics
    for resource in Resource.objects.all():
        resource.full_clean()
        if resource.file:
            with resource.file.open("rb") as stored:
                assert check_resource_file(stored) == resource.file_kind == "pdf"
        else:
            assert resource.format == ResourceFormat.RECORDING and resource.external_url
