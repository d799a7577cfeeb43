"""What another page carries into a new intake request: the status guide's suggested form,
the self-check's answers (« Mon entreprise fait-elle partie de l'ESS ? »)…

The intake (in `accueil`) reads one prefill from the person's session and offers it as the
initial answers of its steps, saying where they come from (« prérempli depuis … »); it
knows nothing of who put it there. A page that sends a person on to the intake:

    put_prefill(request.session, IntakePrefill(source="…", legal_form_kind="scop",
                                               needs=("information",), summary="…"))
    return redirect(intake_start_url())

The intake registers where a request starts in its `AppConfig.ready()`
(`register_intake_start("accueil:etape", "personne")`), so that the pages sending people to
it never name its URLs.

Nothing here touches the database beyond the session the caller writes; the intake stores
the prefill's summary with the request only when the person sends it, with its consent.
`legal_form_kind` is a value of the intake's legal form kinds (lib.legal_form_kinds) or
empty; `needs` are values of the intake's needs (a test checks each value a page uses).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from lib.legal_form_kinds import LegalFormKind

SESSION_KEY = "intake_prefill"
SUMMARY_MAX_LENGTH = 500  # the request's field that keeps it (accueil.IntakeRequest.guide_summary)


@dataclass(frozen=True)
class IntakePrefill:
    source: str  # where the answers come from, shown on the steps: « Guide des statuts »
    legal_form_kind: str = ""  # a LegalFormKind value, or empty
    needs: tuple[str, ...] = ()  # values of the intake's needs
    summary: str = ""  # one line kept with the request for staff: « Guide des statuts : SCOP »

    def __post_init__(self):
        if not self.source.strip():
            raise ValueError("A prefill says where it comes from.")
        if self.legal_form_kind and self.legal_form_kind not in LegalFormKind.values:
            raise ValueError(f"Unknown legal form kind: {self.legal_form_kind!r}")

    def as_session(self) -> dict:
        return {
            "source": self.source,
            "legal_form_kind": self.legal_form_kind,
            "needs": list(self.needs),
            "summary": self.summary[:SUMMARY_MAX_LENGTH],
        }


def put_prefill(session, prefill: IntakePrefill) -> None:
    """Replace the session's prefill (one at a time: the last page the person came from)."""
    session[SESSION_KEY] = prefill.as_session()


def read_prefill(session) -> IntakePrefill | None:
    """The session's prefill, or None; a value that no longer reads (an old session) is ignored."""
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict) or not isinstance(stored.get("needs", []), list):
        return None
    try:
        return IntakePrefill(
            source=str(stored.get("source", "")),
            legal_form_kind=str(stored.get("legal_form_kind", "")),
            needs=tuple(need for need in stored.get("needs", []) if isinstance(need, str)),
            summary=str(stored.get("summary", ""))[:SUMMARY_MAX_LENGTH],
        )
    except ValueError:
        return None


def clear_prefill(session) -> None:
    session.pop(SESSION_KEY, None)


_START: list[tuple[str, tuple]] = []


def register_intake_start(url_name: str, *args) -> None:
    """Where a new request starts (the intake's first step): one place, replaced on each call."""
    _START[:] = [(url_name, args)]


def unregister_intake_start() -> None:
    _START.clear()


def intake_start_url() -> str:
    """The address of a new request's first step; empty when no intake is routed."""
    if not _START:
        return ""
    url_name, args = _START[0]
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return ""


def needs_in(prefill: IntakePrefill | None, known: Iterable[str]) -> list[str]:
    """The prefill's needs that the intake knows, in order."""
    known = set(known)
    return [need for need in (prefill.needs if prefill else ()) if need in known]
