from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from communication.models import Event, EventKind, NewsArticle, NewsCategory, Publication, Tag
from referentiels.models import Territory, TerritoryKind


def commune(code="97411"):
    return Territory.objects.get(kind=TerritoryKind.COMMUNE, code=code)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsCategory

    name = factory.Sequence(lambda n: f"Rubrique {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"mot {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class NewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsArticle

    title = factory.Sequence(lambda n: f"Actualité numéro {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "Un chapô de deux phrases. Il résume l'actualité."
    body = "<p>Le texte de l'actualité.</p>"
    status = Publication.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Événement numéro {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    kind = EventKind.MEETING
    summary = "Une rencontre ouverte à toutes et à tous."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    commune = factory.LazyFunction(commune)
    status = Publication.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
