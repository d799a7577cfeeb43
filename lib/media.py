"""Uploaded files and the rows that name them.

A file stored through a `FileField` lives as long as a row names it. Each app connects
its models that hold files with `delete_files_with_rows(model)` in `AppConfig.ready()`:
whatever deletes a row (the instance, a queryset, a cascade, the admin), its files are
removed from storage once the transaction commits — never on a rollback — and only when
no other row still names them (an accepted contribution's logo becomes the
organisation's logo: one file, two rows).

`find_orphans()` compares the storage with the rows, for the weekly report: files that
no row names, and rows whose file is missing.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.apps import apps
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.utils import timezone

# Models whose rows take their files with them (filled by the apps' ready()).
CONNECTED: set[type[models.Model]] = set()

# A file saved by an upload in progress is stored before its row is committed: files
# younger than this are not reported as orphans.
ORPHAN_GRACE = timedelta(hours=24)


def file_fields(model: type[models.Model]) -> list[models.FileField]:
    """The model's own file fields (image fields included)."""
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def models_with_files() -> list[type[models.Model]]:
    """Every installed model with a file field."""
    return [model for model in apps.get_models() if file_fields(model)]


def is_named(storage, name: str) -> bool:
    """Whether any row of any model, with a field on this storage, names this file."""
    for model in models_with_files():
        for model_field in file_fields(model):
            if model_field.storage is storage and model._default_manager.filter(**{model_field.name: name}).exists():
                return True
    return False


def _delete_if_unnamed(storage, name: str) -> None:
    if not is_named(storage, name):
        storage.delete(name)


def _delete_files(sender, instance, using, **kwargs) -> None:
    for model_field in file_fields(sender):
        stored = getattr(instance, model_field.attname)
        if stored and stored.name:
            transaction.on_commit(partial(_delete_if_unnamed, stored.storage, stored.name), using=using)


def delete_files_with_rows(model: type[models.Model]) -> None:
    """Remove a row's files from storage after the commit that deletes the row."""
    if not file_fields(model):
        raise ValueError(f"{model._meta.label} n'a pas de champ fichier.")
    CONNECTED.add(model)
    post_delete.connect(_delete_files, sender=model, dispatch_uid=f"lib_media_delete_files_{model._meta.label}")


@dataclass
class OrphanReport:
    orphan_files: list[str] = field(default_factory=list)  # stored, named by no row
    missing_files: list[str] = field(default_factory=list)  # "app.Model #pk field: name", file absent

    def __bool__(self) -> bool:
        return bool(self.orphan_files or self.missing_files)


def _stored_names(storage, folder: str = ""):
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _stored_names(storage, f"{folder}/{sub}" if folder else sub)


def find_orphans(*, now: datetime | None = None) -> OrphanReport:
    """Files in storage that no row names (older than ORPHAN_GRACE), and rows naming a
    file that is not in storage. Reads every stored name once: a weekly job."""
    now = now or timezone.now()
    report = OrphanReport()
    named: dict[object, set[str]] = {}
    storages = {}
    for model in models_with_files():
        for model_field in file_fields(model):
            storage = model_field.storage
            storages[id(storage)] = storage
            rows = model._default_manager.exclude(**{model_field.name: ""}).exclude(**{model_field.name: None})
            for pk, name in rows.values_list("pk", model_field.attname).order_by("pk").iterator():
                named.setdefault(id(storage), set()).add(name)
                if not storage.exists(name):
                    report.missing_files.append(f"{model._meta.label} n°{pk} ({model_field.name}) : {name}")
    for key, storage in storages.items():
        try:
            stored = sorted(_stored_names(storage))
        except FileNotFoundError:  # nothing was ever uploaded
            continue
        for name in stored:
            if name in named.get(key, set()):
                continue
            if now - storage.get_modified_time(name) >= ORPHAN_GRACE:
                report.orphan_files.append(name)
    return report
