"""What the public policies page reads from its address: a territory and words to search.

Nothing a visitor types can break the page: an unknown territory or an overlong search is
set aside with a French notice saying so, and the page shows what it can.
"""

import unicodedata
from dataclasses import dataclass, field

from django.http import QueryDict

from referentiels.models import Territory
from territoires.selectors import MAX_QUERY_LENGTH, find_territory


@dataclass
class PolicyFilters:
    territory: Territory | None = None
    q: str = ""
    notices: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return self.territory is not None or bool(self.q)

    def canonical(self) -> dict[str, str]:
        """The parameters that mean exactly these filters (the territory by its code)."""
        query = {}
        if self.territory is not None:
            query["territoire"] = self.territory.code
        if self.q:
            query["q"] = self.q
        return query


def _printable(text: str) -> str:
    """The text without control characters (a NUL byte would be refused by PostgreSQL)."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in " ")


def read_policy_filters(query: QueryDict) -> PolicyFilters:
    filters = PolicyFilters()
    code = " ".join(_printable(query.get("territoire", "")).split())
    if code:
        filters.territory = find_territory(code)
        if filters.territory is None:
            shown = code if len(code) <= 40 else code[:39] + "…"
            filters.notices.append(
                f"Le territoire « {shown} » n'est pas connu : choisissez-le dans la liste. "
                "Toutes les politiques sont affichées."
            )
    q = " ".join(_printable(query.get("q", "")).split())
    if len(q) > MAX_QUERY_LENGTH:
        q = q[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] if " " in q[:MAX_QUERY_LENGTH] else q[:MAX_QUERY_LENGTH]
        filters.notices.append(
            f"La recherche est limitée à {MAX_QUERY_LENGTH} caractères : seuls les premiers mots ont été cherchés."
        )
    filters.q = q
    return filters
