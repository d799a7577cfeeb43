"""Kinds of request that other areas add to the intake: « Je souhaite travailler dans
l'ESS » and « Évoluer dans ma carrière ESS » (registered by `emplois`) beside the intake's
own needs (accueil.models.Need).

The intake (in `accueil`) offers each registered kind as one more need in its form, stores
its value in the request's needs like its own, shows its label and help to staff at triage,
and ranks higher the structures of the directory that orient such requests; it knows
nothing of who registered them. An app registers its kinds in its `AppConfig.ready()`:

    register_intake_kind(IntakeKind(value="travailler_ess", label=..., help_text=...,
                                    partner_categories=frozenset({...}), partner_names=(...)))

`value` must not be one of the intake's own needs (a test checks it) and is stored in
requests: never rename it once requests carry it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IntakeKind:
    value: str  # stored in the request's needs: « travailler_ess »
    label: str  # the choice in the form: « Je souhaite travailler dans l'ESS »
    help_text: str  # one sentence under the choice, and for staff at triage
    # The directory's thematic categories (annuaire.Category slugs) of the structures that
    # orient such requests: the triage's recommendations rank them higher.
    partner_categories: frozenset[str] = field(default_factory=frozenset)
    # The partners staff usually orient to, named for them: « Cité des Métiers, France Travail ».
    partner_names: tuple[str, ...] = ()


_KINDS: dict[str, IntakeKind] = {}


def register_intake_kind(kind: IntakeKind) -> None:
    """Add (or replace, by value) a kind; kinds keep the order of registration."""
    _KINDS[kind.value] = kind


def unregister_intake_kind(value: str) -> None:
    _KINDS.pop(value, None)


def kinds() -> list[IntakeKind]:
    return list(_KINDS.values())


def get_kind(value: str) -> IntakeKind | None:
    return _KINDS.get(value)


def choices() -> list[tuple[str, str]]:
    """(value, label) of every kind, for a form's choices and for labels."""
    return [(kind.value, kind.label) for kind in _KINDS.values()]


def kinds_in(needs: Iterable[str]) -> list[IntakeKind]:
    """The registered kinds among these needs, in the needs' order."""
    return [_KINDS[need] for need in dict.fromkeys(needs) if need in _KINDS]


def partner_categories(needs: Iterable[str]) -> set[str]:
    """The categories of the structures that orient the registered kinds among these needs."""
    return set().union(*(kind.partner_categories for kind in kinds_in(needs)))
