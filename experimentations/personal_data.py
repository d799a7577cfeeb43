"""What Action 7 holds about one person (lib.personal_data): their alerts on financial tools
and what each was sent, the purchasing needs they posted as a buyer's contact (with the log
of each and the suppliers' answers they received), and the answers they gave as a supplier.

Erasing: an alert goes as when its person unsubscribes (its address erased, what it was sent
still counted: messagerie.alert_subscriptions). A need stays for the purchasing figures (the
funnel, what was bought from the ESS) without its contact, as NEED_ANONYMISE_MONTHS after its
deadline (needs.anonymise_need): name, address, phone and account blanked and struck out of
its texts and its log's comments, its private links ended. A supplier's answer keeps its
funnel (emailed, opened, answered) and loses the address, the message and the link.
"""

from django.db import transaction
from django.db.models import Q

from experimentations import alerts, needs
from experimentations.models import AlertDelivery, Clause, Need, NeedTransition, SupplierMatch, ToolAlert
from lib.personal_data import Erased, Found, PersonalDataProvider, Record, Retention, normalise_email, when, yes_no

ALERT = "Alerte sur les financements"
ALERT_DELIVERY = "Envoi d'une alerte sur les financements"
NEED = "Besoin d'achat"
NEED_STEP = "Suivi d'un besoin d'achat"
ANSWER_RECEIVED = "Réponse d'un fournisseur à votre besoin"
SUPPLIER_ANSWER = "Réponse à un besoin d'achat (fournisseur)"


# --- Finding -----------------------------------------------------------------------------------


def _alerts(email: str):
    return ToolAlert.objects.select_related("tool").filter(email__iexact=email).order_by("pk")


def _needs(email: str):
    return (
        Need.objects.select_related("commune")
        .filter(Q(contact_email__iexact=email) | Q(user__email__iexact=email))
        .order_by("pk")
    )


def _supplier_answers(email: str):
    return SupplierMatch.objects.select_related("need", "organisation").filter(email__iexact=email).order_by("pk")


def _alert_record(alert: ToolAlert) -> Record:
    return Record(
        ALERT,
        {
            "adresse électronique": alert.email,
            "recherche": alert.label,
            "filtres": alert.query,
            "appel suivi": alert.tool.name if alert.tool_id else "",
            "fréquence": alert.get_frequency_display(),
            "état": alerts.SUBSCRIPTIONS.state_label(alert),
            "consentement": alert.consent_text,
            "consentement donné le": when(alert.consent_at),
            "confirmée le": when(alert.confirmed_at),
            "dernier envoi": when(alert.last_sent_at),
            "créée le": when(alert.created_at),
        },
    )


def _delivery_record(delivery: AlertDelivery) -> Record:
    return Record(
        ALERT_DELIVERY,
        {
            "alerte": delivery.alert.label,
            "outil": delivery.tool.name,
            "motif": delivery.get_kind_display(),
            "envoyé le": when(delivery.created_at),
        },
    )


def _need_record(need: Need) -> Record:
    return Record(
        NEED,
        {
            "référence": need.reference,
            "type d'acheteur": need.get_buyer_kind_display(),
            "acheteur": need.buyer_name,
            "nom du contact": need.contact_name,
            "adresse du contact": need.contact_email,
            "téléphone du contact": need.contact_phone,
            "nature": need.get_kind_display(),
            "objet": need.title,
            "description": need.description,
            "lieu d'exécution": need.commune.name if need.commune_id else "",
            "budget minimum (€ HT)": need.budget_min,
            "budget maximum (€ HT)": need.budget_max,
            "début de la prestation": when(need.starts_on),
            "fin de la prestation": when(need.ends_on),
            "date limite de réponse": when(need.answer_deadline),
            "clauses": [Clause(value).label for value in need.clauses],
            "précisions sur les clauses": need.clauses_detail,
            "comment répondre": need.how_to_answer,
            "réponses souhaitées": need.wanted_answers,
            "état": need.get_status_display(),
            "motif du refus": need.refusal_reason,
            "modifications demandées": need.changes_requested,
            "consentement": need.consent_text,
            "consentement donné le": when(need.consent_at),
            "soumis le": when(need.submitted_at),
            "premier envoi aux fournisseurs le": when(need.sent_at),
            "enquête envoyée le": when(need.survey_sent_at),
            "enquête répondue le": when(need.survey_answered_at),
            "marché conclu avec l'ESS": yes_no(need.deal_made),
            "montant acheté à l'ESS (€ HT)": need.deal_amount,
            "commentaire": need.deal_comment,
            "publié parmi les besoins inspirants": yes_no(need.is_inspiring),
            "texte publié": need.inspiring_text,
            "créé le": when(need.created_at),
        },
    )


def _step_record(step: NeedTransition, reference: str) -> Record:
    return Record(
        NEED_STEP,
        {
            "besoin": reference,
            "date": when(step.created_at),
            "état de départ": Need.Status(step.from_state).label if step.from_state else "",
            "nouvel état": Need.Status(step.to_state).label,
            "commentaire": step.comment,
        },
    )


def _received_record(match: SupplierMatch, reference: str) -> Record:
    return Record(
        ANSWER_RECEIVED,
        {
            "besoin": reference,
            "fournisseur": match.organisation.name,
            "réponse": match.get_answer_display(),
            "message": match.message,
            "répondu le": when(match.answered_at),
            "contact transmis le": when(match.contact_shared_at),
        },
    )


def _supplier_record(match: SupplierMatch) -> Record:
    return Record(
        SUPPLIER_ANSWER,
        {
            "besoin": match.need.reference,
            "objet": match.need.title,
            "acheteur": match.need.buyer_name,
            "fournisseur": match.organisation.name,
            "adresse du fournisseur": match.email,
            "envoyé le": when(match.emailed_at),
            "lien ouvert le": when(match.opened_at),
            "besoin consulté le": when(match.viewed_at),
            "réponse": match.get_answer_display(),
            "motif": match.get_not_interested_reason_display(),
            "message à l'acheteur": match.message,
            "répondu le": when(match.answered_at),
            "contact transmis à l'acheteur le": when(match.contact_shared_at),
            "relancé le": when(match.reminded_at),
        },
    )


def find_person(email: str) -> Found:
    email = normalise_email(email)
    found = Found()
    if not email:
        return found  # an empty address would match every row whose address was erased
    for alert in _alerts(email):
        found.records.append(_alert_record(alert))
        deliveries = alert.deliveries.select_related("alert", "tool").order_by("pk")
        found.records += [_delivery_record(delivery) for delivery in deliveries]
    for need in _needs(email):
        found.records.append(_need_record(need))
        found.records += [_step_record(step, need.reference) for step in need.transitions.order_by("created_at", "pk")]
        answered = need.matches.select_related("organisation").exclude(answer="").order_by("rank", "pk")
        found.records += [_received_record(match, need.reference) for match in answered]
    for match in _supplier_answers(email):
        found.records.append(_supplier_record(match))
    return found


# --- Erasing -----------------------------------------------------------------------------------


def erase_person(email: str, *, by) -> Erased:
    """Nothing here is kept by a legal duty: every row found is anonymised (needs.anonymise_need,
    needs.anonymise_supplier_answer, the alerts' unsubscription)."""
    email = normalise_email(email)
    erased = Erased()
    if not email:
        return erased
    with transaction.atomic():
        for alert in _alerts(email):
            erased.erased += 1
            alerts.SUBSCRIPTIONS.unsubscribe(alert=alert)
        for need in _needs(email):
            erased.erased += needs.anonymise_need(need=need, also=(email,))
        for match in _supplier_answers(email):
            needs.anonymise_supplier_answer(match=match)
            erased.erased += 1
    return erased


PROVIDER = PersonalDataProvider(
    name="experimentations",
    label="Financements et achats responsables",
    order=80,
    models=(
        "experimentations.ToolAlert",
        "experimentations.AlertDelivery",
        "experimentations.Need",
        "experimentations.NeedTransition",
        "experimentations.SupplierMatch",
    ),
    find=find_person,
    erase=erase_person,
    retentions=(
        Retention(
            treatment="Alertes sur les financements (adresse, recherche enregistrée) et outils envoyés",
            basis="Consentement (article 6.1.a du RGPD), double confirmation",
            period="Jusqu'à la désinscription (l'adresse est alors effacée) ; une alerte non confirmée est "
            "supprimée après {ALERT_CONFIRM_DAYS} jours",
            settings=("ALERT_CONFIRM_DAYS",),
        ),
        Retention(
            treatment="Besoins d'achat : coordonnées du contact de l'acheteur, suivi du besoin, réponses reçues",
            basis="Consentement de l'acheteur (article 6.1.a du RGPD) ; les chiffres des achats auprès de l'ESS : "
            "exécution d'une mission d'intérêt public (action 7 du programme de la CRESS)",
            period="Coordonnées effacées {NEED_ANONYMISE_MONTHS} mois après la date limite de réponse, ou à la "
            "demande de la personne ; le besoin sans coordonnées reste dans les chiffres",
            settings=("NEED_ANONYMISE_MONTHS",),
        ),
        Retention(
            treatment="Réponses des fournisseurs de l'ESS aux besoins d'achat (adresse, message à l'acheteur)",
            basis="Intérêt légitime (mettre en relation acheteurs et fournisseurs de l'ESS)",
            period="Effacées avec les coordonnées du besoin, {NEED_ANONYMISE_MONTHS} mois après sa date limite "
            "de réponse, ou à la demande de la personne",
            settings=("NEED_ANONYMISE_MONTHS",),
        ),
    ),
)
