from accueil.forms import CONSENT_TEXT
from accueil.services import issue_tracking_token, submit_request
from referentiels.models import Territory, TerritoryKind


def commune(code="97411"):
    return Territory.objects.get(kind=TerritoryKind.COMMUNE, code=code)


def make_request(
    *,
    email="porteur@exemple.re",
    title="Épicerie solidaire à Saint-Denis",
    needs=("financement",),
    documents=(),
    **values,
):
    """A request filed through the real service; returns (request, a tracking token of its own:
    the one in the confirmation email is minted only when that email is sent)."""
    data = {
        "first_name": "Céline",
        "last_name": "Dijoux",
        "email": email,
        "phone": "",
        "commune": commune(),
        "title": title,
        "description": "Une épicerie à petits prix pour les familles du quartier.",
        "sector": None,
        "activity_commune": commune(),
        "stage": "emergence",
        "legal_form": None,
        "siret": "",
    }
    data.update(values)
    intake = submit_request(
        values=data, needs=list(needs), documents=list(documents), participant=None, consent_text=CONSENT_TEXT
    )
    return intake, issue_tracking_token(intake_id=intake.pk)
