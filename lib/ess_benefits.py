"""What belonging to the ESS opens in the portal's other areas (the responsible-purchasing
platform…), shown on the self-check's result (« Mon entreprise fait-elle partie de l'ESS ? »).

The result page (in `appartenance`) iterates the registered providers and knows nothing of
who filled the list; an app registers a provider in its `AppConfig.ready()`:

    register_ess_benefit("achats", provider)

A provider is called with no argument and returns an `EssBenefit`, or None when it has
nothing to offer now. It must not query the database: it is called on every result page.
An area not routed yet (still to come) offers nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch


@dataclass(frozen=True)
class EssBenefit:
    title: str  # « La plateforme d'achat responsable »
    text: str  # one or two sentences: what it opens for an ESS company
    label: str  # the link: « Découvrir la plateforme »
    url: str


EssBenefitProvider = Callable[[], EssBenefit | None]
_PROVIDERS: dict[str, EssBenefitProvider] = {}


def register_ess_benefit(name: str, provider: EssBenefitProvider) -> None:
    """Register (or replace) the provider called `name`; the page shows them in this order."""
    _PROVIDERS[name] = provider


def unregister_ess_benefit(name: str) -> None:
    _PROVIDERS.pop(name, None)


def ess_benefits() -> list[EssBenefit]:
    found = []
    for provider in _PROVIDERS.values():
        try:
            benefit = provider()
        except NoReverseMatch:
            continue
        if benefit is not None:
            found.append(benefit)
    return found
