"""Checking a personal-data provider (lib/personal_data.py) against the database itself."""

from django.apps import apps
from django.db import models
from django.db.models import Q

from lib import personal_data

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def provider(name: str) -> personal_data.PersonalDataProvider:
    return {p.name: p for p in personal_data.providers()}[name]


def records_of(found: personal_data.Found, kind: str) -> list[dict]:
    return [record.data for record in found.records if record.kind == kind]


def traces(needles, *, model_labels, exclude: dict[str, set] | None = None) -> list[str]:
    """Every (model, field, pk) of these models whose text still contains one of `needles`
    (case-insensitive): what an erasure left behind. `exclude` maps a model label to the
    primary keys a legal hold keeps."""
    exclude = exclude or {}
    found = []
    for label in model_labels:
        model = apps.get_model(label)
        fields = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not fields:
            continue
        for needle in needles:
            match = Q()
            for f in fields:
                lookup = f"{f.attname}__icontains" if not isinstance(f, models.JSONField) else None
                if lookup:
                    match |= Q(**{lookup: needle})
            rows = model._default_manager.filter(match).exclude(pk__in=exclude.get(label, ())) if match else []
            found += [f"{label}#{row.pk} « {needle} »" for row in rows]
            for f in fields:
                if isinstance(f, models.JSONField):
                    for row in model._default_manager.exclude(pk__in=exclude.get(label, ())).only("pk", f.attname):
                        if needle.lower() in str(getattr(row, f.attname)).lower():
                            found.append(f"{label}#{row.pk}.{f.name} « {needle} »")
    return found
