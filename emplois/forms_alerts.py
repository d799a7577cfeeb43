"""The job alert's form: the search stays in the address, the form asks the email, the
frequency and the consent (lib.forms.AlertSubscriptionForm: honeypot included)."""

from django.conf import settings

from emplois.models import JobAlert
from lib.forms import AlertSubscriptionForm

ALERT_CONSENT_TEXT = (
    "J'accepte de recevoir à cette adresse les offres d'emploi et de bénévolat de l'ESS que la "
    "CRESS La Réunion publie et qui correspondent à cette recherche. Elle ne sert qu'à cela et "
    "n'est transmise à personne. Chaque courriel contient un lien de désinscription en un clic, "
    f"qui efface l'adresse ; une alerte non confirmée est effacée après {settings.ALERT_CONFIRM_DAYS} jours."
)


class JobAlertForm(AlertSubscriptionForm):
    consent_text = ALERT_CONSENT_TEXT
    frequencies = JobAlert.Frequency.choices
