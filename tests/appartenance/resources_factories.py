"""Resources for the tests of the resource centre: saved through the service, as staff do."""

from datetime import date

from django.core.files.base import ContentFile
from django.utils.text import slugify

from appartenance import resources
from appartenance.demo_resources import demo_pdf
from appartenance.models_resources import Licence, Resource, ResourceFormat


def make_resource(
    title: str,
    *,
    summary: str = "Un document utile aux structures de l'ESS.",
    body: str = "",
    author: str = "CRESS La Réunion",
    kind: str = ResourceFormat.GUIDE,
    themes=("creation",),
    audiences=("structure",),
    topics=(),
    published: bool = True,
    published_on: date = date(2025, 3, 1),
    external_url: str = "",
) -> Resource:
    resource = Resource(
        title=title,
        slug=slugify(title)[:200],
        summary=summary,
        body=body,
        author=author,
        published_on=published_on,
        licence=Licence.CC_BY,
        format=kind,
        is_published=published,
        external_url=external_url,
    )
    upload = None
    if not external_url:
        upload = ContentFile(demo_pdf(title, [summary]), name="document.pdf")
        resource.file = upload
    return resources.save_resource(
        resource=resource, themes=list(themes), audiences=list(audiences), topics=list(topics), upload=upload
    )
