"""Where an intake request's needs lead: what other areas offer for a need (the training
catalogue for « formation », financial tools for « financement »…).

The intake (in `accueil`) shows, beside a request, the resources registered for its needs
and knows nothing of who registered them; an app registers a provider in its
`AppConfig.ready()`:

    register_need_resource("formation", "catalogue", provider)

`need` is a value of the intake's needs (`accueil.models.Need`; a test checks each
registered value exists there). A provider is called with no argument and returns a
`NeedResource`, or None when it has nothing to offer now. It must not query the database
more than once: it is called on the holder's pages.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import NoReverseMatch


@dataclass(frozen=True)
class NeedResource:
    label: str  # the link: « Voir le catalogue des formations »
    url: str
    text: str = ""  # one sentence saying what the person finds there


NeedResourceProvider = Callable[[], NeedResource | None]
_PROVIDERS: dict[tuple[str, str], NeedResourceProvider] = {}


def register_need_resource(need: str, name: str, provider: NeedResourceProvider) -> None:
    """Register (or replace) the provider `name` for the need `need`."""
    _PROVIDERS[(need, name)] = provider


def unregister_need_resource(need: str, name: str) -> None:
    _PROVIDERS.pop((need, name), None)


def registered_needs() -> set[str]:
    return {need for need, _name in _PROVIDERS}


def resources_for(needs: Iterable[str]) -> list[NeedResource]:
    """The resources for these needs, in the order of the needs then of registration. An
    area not routed yet (still to come) offers none."""
    wanted = list(dict.fromkeys(needs))
    found = []
    for need in wanted:
        for (provider_need, _name), provider in _PROVIDERS.items():
            if provider_need != need:
                continue
            try:
                resource = provider()
            except NoReverseMatch:
                continue
            if resource is not None and resource not in found:
                found.append(resource)
    return found
