from experimentations.models import ToolAlert
from lib.forms import AlertSubscriptionForm

ALERT_CONSENT_TEXT = (
    "J'accepte de recevoir à cette adresse les alertes de la CRESS La Réunion sur les financements "
    "de l'ESS que je demande ici. Elle ne sert qu'à cela et n'est transmise à personne. Chaque "
    "courriel contient un lien de désinscription en un clic, qui efface l'adresse ; une alerte non "
    "confirmée est effacée après 7 jours."
)


class AlertForm(AlertSubscriptionForm):
    consent_text = ALERT_CONSENT_TEXT
    frequencies = ToolAlert.Frequency.choices

    def __init__(self, *args, follow_call: bool = False, **kwargs):
        # One call: its reminders only, no digest.
        super().__init__(*args, with_frequency=not follow_call, **kwargs)
