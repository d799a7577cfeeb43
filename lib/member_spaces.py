"""What a person who acts for organisations of the directory can do on the portal, gathered
on one page (« Mon espace », in `cress`) that iterates this registry and knows nothing of who
filled it. Each app registers its space in its `AppConfig.ready()`:

    member_spaces.register(MemberSpace(name="emplois", order=40, links=...))

`links(user, organisation_ids)` returns the `MemberLink`s this person may follow in that app
(an empty list when none applies): `organisation_ids` are the organisations they act for
(their partner memberships), already read once by the page. A provider makes at most one
query, whatever the number of rows, and reads only what the person may see.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MemberLink:
    title: str
    url: str
    summary: str
    count: int | None = None  # something waiting there (orientations to answer…), shown as a badge
    count_label: str = ""  # what the count counts, for screen readers: « à traiter »


@dataclass(frozen=True)
class MemberSpace:
    name: str
    order: int
    links: Callable[..., list[MemberLink]]


_SPACES: dict[str, MemberSpace] = {}


def register(space: MemberSpace) -> None:
    """Add (or replace, by name) a space."""
    _SPACES[space.name] = space


def unregister(name: str) -> None:
    _SPACES.pop(name, None)


def spaces() -> list[MemberSpace]:
    return sorted(_SPACES.values(), key=lambda space: (space.order, space.name))


def links_for(user, organisation_ids: list[int]) -> list[MemberLink]:
    """Every link of every space for this person, in the spaces' order."""
    return [link for space in spaces() for link in space.links(user, organisation_ids)]
