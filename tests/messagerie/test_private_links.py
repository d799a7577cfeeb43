"""No live private link rests in the database (issue 17, finding 1).

The audit read a password-reset link for the superuser in the outbox as a
communication officer, then took the account over. These tests send every kind of
email the portal writes, through the outbox as the worker does, and look for the links
that left in every stored column: none may be there, and each must work.
"""

import json
import os
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accueil import orientation as orientation_service
from accueil import services as intake_services
from accueil.models import IntakeRequest
from annuaire import contributions
from annuaire.models import Contribution, PartnerMembership
from appartenance import prix
from appartenance import report as guide_reports
from communication import newsletter
from communication.models import NewsletterIssue, Subscriber
from cress.services import report_orphan_files
from emplois import alerts as job_alerts
from emplois import applications as job_applications
from emplois import offers as offer_services
from emplois import skills as skills_services
from experimentations import alerts
from experimentations import batches as supplier_batches
from experimentations import needs as need_services
from experimentations.models import Need
from formation import documents as formation_documents
from formation import hr
from formation.models import Registration
from formation.registrations import cancel_registration, expire_offers, register_person
from messagerie.links import issue_token, resolve_token
from messagerie.models import OutgoingEmail, PrivateLink
from messagerie.services import DeliveryError, deliver_email, retry_failed_emails
from partenariats import committees as partenariats_committees
from partenariats import conversation as partner_conversation
from partenariats import reminders as partnership_reminders
from partenariats import services as partenariats_services
from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory, age_history
from tests.appartenance.factories import make_assessment
from tests.appartenance.prix_factories import make_applicant
from tests.appartenance.prix_factories import make_application as make_prix_application
from tests.appartenance.prix_factories import make_campaign as make_prix_campaign
from tests.communication.factories import NewsFactory
from tests.comptes.factories import StaffFactory, UserFactory
from tests.emplois.factories import PDF as JOB_PDF
from tests.emplois.factories import make_job_alert, make_offer
from tests.emplois.factories import make_offer as make_job_offer
from tests.experimentations.factories import make_alert, make_call, make_tool, next_monday, posted_need, sent_need
from tests.formation.documents_helpers import make_registration
from tests.formation.documents_helpers import make_session as make_past_session
from tests.formation.factories_registration import make_session, person
from tests.formation.hr_factories import make_hr_request
from tests.formation.schedule_helpers import produce_scheduled_emails
from tests.helpers.auth import login_verified
from tests.helpers.mail import deliver, link_path, sent_messages
from tests.observatoire.helpers import serve_built_panorama
from tests.partenariats.factories import (
    make_commitment,
    make_committee,
    make_convention,
    make_participant,
    make_partner,
)

pytestmark = pytest.mark.django_db

EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "emails"
# Every kind of email: each body template (`<kind>.txt`; outbox emails add `<kind>.subject.txt`,
# the newsletter takes its subject from the issue).
EVERY_KIND = {
    path.relative_to(EMAIL_TEMPLATES).as_posix().removesuffix(".txt")
    for path in EMAIL_TEMPLATES.rglob("*.txt")
    if not path.name.endswith(".subject.txt")
}


@dataclass(frozen=True)
class Link:
    """A link an email must carry: the path it opens, and what that page shows."""

    path: str  # a regular expression of the path
    shows: str  # a regular expression found in the page it opens
    private: bool = False  # a secret minted when the email leaves (never in the database)
    staff: bool = False  # the recipient opens it logged in to the staff's admin
    member: bool = False  # the recipient opens it logged in with their own account (a partner's member)


@dataclass(frozen=True)
class Exempt:
    why: str


TRACKING = Link(r"/accompagnement/suivi/[\w-]+/", r"ESS-\d{4}-\d{5}", private=True)
PARTNER = Link(r"/accompagnement/partenaire/[\w-]+/", r"ESS-\d{4}-\d{5}", private=True)
REGISTRATION = Link(r"/formations/mon-inscription/[\w-]+/", r"<h1[^>]*>Mon inscription", private=True)
REQUEST_ADMIN = Link(r"/gestion/accueil/intakerequest/\d+/change/", r"ESS-\d{4}-\d{5}", staff=True)
HR_FOLLOW_UP = Link(r"/formations/appui-rh/suivi/[\w-]+/", r"RH-\d{4}-\d{5}", private=True)
HR_ADMIN = Link(r"/gestion/formation/hrrequest/\d+/change/", r"RH-\d{4}-\d{5}", staff=True)
CONVOCATION = Link(r"/formations/convocation/[\w-]+/", r"Convocation de Céline Payet", private=True)
COLD_SURVEY = Link(r"/formations/questionnaire/froid/[\w-]+/", r"Questionnaire à froid", private=True)
CONVENTION_ADMIN = Link(r"/gestion/partenariats/convention/\d+/change/", r"CONV-\d{4}-\d{3}", staff=True)
COMMITMENT_ADMIN = Link(r"/gestion/partenariats/commitment/\d+/change/", r"Engagement n°\d+", staff=True)
COMMITTEE_ADMIN = Link(r"/gestion/partenariats/committee/\d+/change/", r"Comité de pilotage du \d+", staff=True)
DELIVERABLE_ADMIN = Link(r"/gestion/partenariats/commitment/\d+/change/", r"Orienter 50 porteurs", staff=True)
NEED_BUYER = Link(r"/financer-et-acheter/achats/besoin/[\w-]+/", r"ACH-\d{4}-\d{4}", private=True)
NEED_ADMIN = Link(r"/gestion/experimentations/need/\d+/change/", r"ACH-\d{4}-\d{4}", staff=True)
SUPPLIER = Link(r"/financer-et-acheter/achats/fournisseur/[\w-]+/", r"Entretien des espaces verts", private=True)
SUPPLIER_DIRECTORY_PAGE = Link(r"/annuaire/structure/[\w-]+/", r"Fournisseur ACH-\d{4}-\d{5} n°1")
APPLICATION_EMPLOYER = Link(r"/emplois/employeur/candidature/[\w-]+/", r"Candidature CAND-\d{4}-\d{5}", private=True)
APPLICATION_CANDIDATE = Link(r"/emplois/ma-candidature/[\w-]+/", r"Ma candidature CAND-\d{4}-\d{5}", private=True)
EMPLOYER_SPACE = Link(r"/emplois/espace/offres/\d+/", r"<h1[^>]*>Médiateur ou médiatrice numérique", member=True)
EMPLOYER_SPACE_OFFER = Link(r"/emplois/espace/offres/\d+/", r"<h1[^>]*>Aide à domicile", member=True)
SKILLS_RECORD = Link(r"/emplois/competences/dossier/[\w-]+/", r"<h1[^>]*>Mon dossier de compétences", private=True)
GUIDE_REPORT = Link(r"/ess/bonnes-pratiques/\d+/\d+/rapport/", r"<h1[^>]*>Rapport \d{4}", member=True)
PARTNER_SPACE = Link(r"/partenaires/espace/conventions/\d+/", r"<h1[^>]*>Convention de partenariat", member=True)
# What each kind of email must carry, so that whoever receives it can act: no kind may be
# missing (a new template fails `test_every_kind_of_email_declares_its_links`).
EMAIL_LINKS: dict[str, tuple[Link, ...] | Exempt] = {
    # The holder: the tracking page of the request.
    "accueil/confirmation": (TRACKING,),
    "accueil/nouveau_lien": (TRACKING,),
    "accueil/changement_etat": (TRACKING,),
    "accueil/message_porteur": (TRACKING,),
    "accueil/orientation_reponse_porteur": (TRACKING,),
    # A structure: its page of the orientation.
    "accueil/orientation_partenaire": (PARTNER,),
    "accueil/orientation_relance": (PARTNER,),
    "accueil/message_structure": (PARTNER,),
    # The staff: the request in the admin.
    "accueil/message_equipe": (REQUEST_ADMIN,),
    "accueil/orientation_reponse_equipe": (REQUEST_ADMIN,),
    "accueil/relance_equipe": (REQUEST_ADMIN,),
    "accueil/documents_equipe": (REQUEST_ADMIN,),
    # An employer who asked for HR support: the follow-up page; the staff: the request in the admin.
    "formation/hr_confirmation": (HR_FOLLOW_UP,),
    "formation/hr_nouveau_lien": (HR_FOLLOW_UP,),
    "formation/hr_changement_etat": (HR_FOLLOW_UP,),
    "formation/hr_message_employeur": (HR_FOLLOW_UP,),
    "formation/hr_message_equipe": (HR_ADMIN,),
    # The directory's contributors and claimants.
    "annuaire/contribution_recue": (Link(r"/annuaire/", r"<h1[^>]*>Les acteurs de l.ESS à La Réunion"),),
    "annuaire/contribution_acceptee": (
        Link(r"/annuaire/structure/[\w-]+/", r"<h1[^>]*>\s*Ressourcerie du Port"),
        Link(r"/annuaire/structure/[\w-]+/corriger/", r"<h1[^>]*>Corriger la fiche « Ressourcerie du Port »"),
    ),
    "annuaire/contribution_refusee": (Link(r"/annuaire/proposer/", r"<h1[^>]*>Proposer une structure"),),
    "annuaire/revendication_confirmation": (
        Link(r"/annuaire/confirmation/[\w:-]+/", r"<h1>Confirmer la demande</h1>", private=True),
    ),
    "annuaire/revendication_validee": (
        Link(r"/compte/activation/[\w-]+/[\w-]+/", r"<h1[^>]*>Choisir (un nouveau|votre) mot de passe", private=True),
    ),
    "annuaire/revendication_refusee": (Link(r"/annuaire/structure/[\w-]+/", r"<h1[^>]*>\s*Incubateur Sud"),),
    # Accounts.
    "comptes/reinitialisation": (
        Link(r"/compte/mot-de-passe/[\w-]+/[\w-]+/", r"<h1[^>]*>Choisir un nouveau mot de passe", private=True),
    ),
    # The newsletter: its confirmation, the issue (unsubscribe, the news), the staff's test copy.
    "communication/lettre_confirmation": (
        Link(r"/actualites/lettre/confirmation/[\w:-]+/", r"<h1>Confirmer votre inscription</h1>", private=True),
    ),
    "communication/lettre": (
        Link(r"/actualites/lettre/desinscription/[\w:-]+/", r"<h1>Se désinscrire de la lettre</h1>"),
        Link(r"/actualites/", r"Bilan du mois solidaire"),
    ),
    "communication/lettre_test": (
        Link(r"/gestion/communication/newsletterissue/\d+/change/", r"Lettre de décembre", staff=True),
    ),
    # Alerts on financial tools: the confirmation, the digest, the deadline reminder; each
    # with its one-click unsubscribe link.
    "experimentations/alerte_confirmation": (
        Link(r"/financer-et-acheter/alertes/desinscription/[\w-]+/", r"<h1>Arrêter l'alerte</h1>", private=True),
        Link(r"/financer-et-acheter/alertes/confirmation/[\w-]+/", r"<h1>Confirmer votre alerte</h1>", private=True),
    ),
    "experimentations/alerte_nouveautes": (
        Link(r"/financer-et-acheter/outils/[\w-]+/", r"Garantie Alerte"),
        Link(r"/financer-et-acheter/alertes/desinscription/[\w-]+/", r"<h1>Arrêter l'alerte</h1>", private=True),
    ),
    "experimentations/alerte_rappel": (
        Link(r"/financer-et-acheter/outils/[\w-]+/", r"Appel Alerte"),
        Link(r"/financer-et-acheter/alertes/desinscription/[\w-]+/", r"<h1>Arrêter l'alerte</h1>", private=True),
    ),
    # Job alerts: the confirmation, the digest (its search; each offer's page); each with its
    # one-click unsubscribe link.
    "emplois/alerte_confirmation": (
        Link(r"/emplois/alertes/desinscription/[\w-]+/", r"<h1>Arrêter l'alerte</h1>", private=True),
        Link(r"/emplois/alertes/confirmation/[\w-]+/", r"<h1>Confirmer votre alerte</h1>", private=True),
    ),
    "emplois/alerte_nouveautes": (
        Link(r"/emplois/(\?\S*)?", r"Médiateur ou médiatrice numérique"),
        Link(r"/emplois/offres/\d+-[\w-]+/", r"Médiateur ou médiatrice numérique"),
        Link(r"/emplois/alertes/desinscription/[\w-]+/", r"<h1>Arrêter l'alerte</h1>", private=True),
    ),
    # The observatory: the download page of the panorama asked for.
    "observatoire/panorama_pret": (
        Link(r"/observatoire/panorama/telechargement/[\w-]+/", r"<h1[^>]*>Télécharger votre panorama", private=True),
    ),
    # Formation: the person's « mon inscription » page.
    **{
        f"formation/registration_{kind}": (REGISTRATION,)
        for kind in ("confirmation", "waiting", "offer", "offer_expired", "cancelled")
    },
    # Formation: the certificate's download page.
    "formation/attestation": (
        Link(r"/formations/attestation/[\w-]+/", r"<h1[^>]*>Votre attestation de fin de formation", private=True),
    ),
    # Formation: the trainee's convocation page, then the surveys.
    "formation/schedule_convocation": (CONVOCATION, REGISTRATION),
    "formation/schedule_rappel": (CONVOCATION, REGISTRATION),
    "formation/schedule_questionnaire_chaud": (
        Link(r"/formations/questionnaire/chaud/[\w-]+/", r"Questionnaire de fin de formation", private=True),
    ),
    "formation/schedule_questionnaire_froid": (COLD_SURVEY,),
    "formation/schedule_questionnaire_froid_relance": (COLD_SURVEY,),
    # Partenariats: the staff owner of a convention or of commitments, in the admin.
    "partenariats/rappel_fin_convention": (CONVENTION_ADMIN,),
    "partenariats/preparer_comite": (COMMITTEE_ADMIN, CONVENTION_ADMIN),
    "partenariats/recapitulatif_engagements": (COMMITMENT_ADMIN, CONVENTION_ADMIN),
    # Partenariats: a committee's minutes (PDF) behind a page of their own.
    "partenariats/compte_rendu": (
        Link(r"/partenaires/comite/compte-rendu/[\w-]+/", r"<h1[^>]*>Compte rendu du comité de pilotage", private=True),
    ),
    # Partenariats: the staff who follow a convention (the admin); its partners' members (their space).
    "partenariats/livrable_depose": (DELIVERABLE_ADMIN,),
    "partenariats/engagement_declare_tenu": (DELIVERABLE_ADMIN,),
    "partenariats/message_equipe": (CONVENTION_ADMIN,),
    "partenariats/message_partenaires": (PARTNER_SPACE,),
    # Achats responsables: the buyer's page of the need; the staff (Partenariats): the need in the admin.
    "experimentations/besoin_changement_etat": (NEED_BUYER,),
    "experimentations/besoin_enquete": (NEED_BUYER,),
    "experimentations/besoin_equipe": (NEED_ADMIN,),
    "experimentations/fournisseur_besoin": (SUPPLIER,),
    "experimentations/fournisseur_relance": (SUPPLIER,),
    # The buyer's private page is still to come: the notice links the supplier's directory page.
    "experimentations/fournisseur_interesse": (SUPPLIER_DIRECTORY_PAGE, NEED_BUYER),
    # Emplois: the employer's page of an application; the candidate's page of their own.
    "emplois/candidature_employeur": (APPLICATION_EMPLOYER,),
    "emplois/candidature_nouveau_lien_employeur": (APPLICATION_EMPLOYER,),
    # The candidate withdrew: the employer's space, where the other applications are.
    "emplois/candidature_retiree": (EMPLOYER_SPACE_OFFER,),
    **{
        f"emplois/candidature_{kind}": (APPLICATION_CANDIDATE,)
        for kind in ("confirmation", "entretien", "retenue", "non_retenue", "nouveau_lien")
    },
    # Emplois: the members of the organisation whose offer staff published or refused (their space).
    "emplois/offre_publiee": (EMPLOYER_SPACE,),
    "emplois/offre_refusee": (EMPLOYER_SPACE,),
    # Emplois: the person's skills record (its link, a new link, the PDF summary ready).
    "emplois/competences_lien": (SKILLS_RECORD,),
    "emplois/competences_nouveau_lien": (SKILLS_RECORD,),
    "emplois/competences_synthese": (SKILLS_RECORD,),
    # Appartenance: the good-practices report is ready (its page, for the members of the organisation).
    "appartenance/rapport_pret": (GUIDE_REPORT,),
    # The Prix de l'ESS: the laureates' page, and the applicant's application (their account).
    "appartenance/prix_resultats": (
        Link(r"/ess/prix/\d{4}/laureats/", r"<h1[^>]*>Les lauréats"),
        Link(r"/ess/prix/candidature/\d+/", r"<h1[^>]*>Votre candidature", member=True),
    ),
    # Exemptions.
    "messagerie/essai": Exempt("a deliverability test sent by a command: it asks nothing of anyone"),
    "cress/fichiers_orphelins": Exempt(
        "to the technical contact, who acts on the server's storage (the command it names): no page exists for it"
    ),
}
PRIVATE_LINKS = {
    kind: link.path
    for kind, links in EMAIL_LINKS.items()
    if not isinstance(links, Exempt)
    for link in links
    if link.private
}


def produce_every_email(client):
    """Trigger each email of the portal through its real service or page."""
    staff = StaffFactory(role="Accueil", email="nadia@cress.re")
    structure = OrganisationFactory(name="Kaz Initiatives", email="kaz@exemple.re", is_support_structure=True)
    age_history(structure, days=365)  # an address of long standing: one approval of a claim suffices
    late = OrganisationFactory(name="Incubateur Sud", email="sud@exemple.re", is_support_structure=True)
    # The people who act for a structure get its emails too, each with a link of their own.
    PartnerMembership.objects.create(organisation=structure, user=UserFactory(email="marie@kaz.re"))
    PartnerMembership.objects.create(organisation=late, user=UserFactory(email="Sud@Exemple.re"))  # the same

    intake, _ = make_request(email="porteur@exemple.re")  # confirmation
    intake_services.renew_tracking_links(email="porteur@exemple.re")  # nouveau_lien
    intake_services.transition_request(intake=intake, target="qualification", by=staff)  # changement_etat
    intake_services.send_staff_message(intake=intake, by=staff, body="Pouvez-vous préciser ?")  # message_porteur
    (accepted, reminded) = orientation_service.orient(intake=intake, organisations=[structure, late], by=staff)
    orientation_service.ask_holder(orientation=accepted, question="Avez-vous un local ?")  # message_equipe
    intake_services.add_holder_information(
        intake=intake, body="Oui, à Saint-Denis.", documents=[], orientation_id=accepted.pk
    )  # message_structure
    intake_services.add_holder_information(
        intake=intake, body="", documents=[(SimpleUploadedFile("devis.pdf", b"%PDF-1.4 devis"), "pdf")]
    )  # documents_equipe
    orientation_service.answer_orientation(orientation=accepted, accept=True)  # orientation_reponse_*
    type(reminded).objects.filter(pk=reminded.pk).update(sent_at=timezone.now() - timedelta(days=8))
    orientation_service.remind_and_expire()  # orientation_relance
    IntakeRequest.objects.filter(pk=intake.pk).update(last_activity_at=timezone.now() - timedelta(days=30))
    intake_services.remind_staff_of_stale_requests()  # relance_equipe

    new = contributions.submit_contribution(
        kind=Contribution.Kind.NEW,
        values={"name": "Ressourcerie du Port", "email": "contact@ressourcerie.re"},
        contributor_name="Paul",
        contributor_email="paul@exemple.re",
        consent_text="ok",
    )  # contribution_recue
    contributions.accept_contribution(contribution=new, by=staff)  # contribution_acceptee
    other = contributions.submit_contribution(
        kind=Contribution.Kind.NEW,
        values={"name": "Doublon"},
        contributor_name="Paul",
        contributor_email="paul@exemple.re",
        consent_text="ok",
    )
    contributions.reject_contribution(contribution=other, by=staff, comment="Déjà dans l'annuaire.")

    claim = contributions.submit_claim(
        organisation=structure, name="Nadia Payet", email="nadia.payet@exemple.re", position="Présidente",
        consent_text="ok",
    )  # fmt: skip
    claim_email = OutgoingEmail.objects.get(kind="annuaire/revendication_confirmation")
    assert client.post(link_path(deliver(claim_email), PRIVATE_LINKS[claim_email.kind])).status_code == 200
    claim.refresh_from_db()
    contributions.approve_claim(claim=claim, by=staff)  # revendication_validee
    refused = contributions.submit_claim(
        organisation=late, name="X", email="x@exemple.re", position="Y", consent_text="ok"
    )
    deliver(OutgoingEmail.objects.filter(kind="annuaire/revendication_confirmation").latest("pk"))
    contributions.reject_claim(claim=refused, by=staff, comment="Inconnu de la structure.")

    superuser = UserFactory(email="admin@exemple.re", is_staff=True, is_superuser=True)
    response = client.post(reverse("comptes:mot-de-passe-oublie"), {"email": superuser.email})
    assert response.status_code == 302  # reinitialisation

    newsletter.subscribe(email="lecteur@exemple.re", themes=[], territories=[], consent_text="ok")
    issue = NewsletterIssue.objects.create(subject="Lettre de décembre")
    issue.news.add(NewsFactory(title="Bilan du mois solidaire"))
    StaffFactory(role="Communication", email="com@cress.re")
    newsletter.send_test(issue, to="com@cress.re")  # lettre_test
    Subscriber.objects.create(
        email="abonne@exemple.re", status=Subscriber.Status.CONFIRMED, consent_text="ok", consent_at=timezone.now()
    )
    newsletter.start_sending(issue)
    while newsletter.send_batch(issue.pk)["remaining"]:  # communication/lettre (not through the outbox)
        pass
    call_command("send_test_email", "essai@exemple.re", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # Alerts: a confirmation; a digest and a reminder to a confirmed alert.
    alerts.create_alert(email="alerte@exemple.re", consent_text="ok", querystring="")  # alerte_confirmation
    followed = make_alert("suivi@exemple.re", watermark_ago=timedelta(days=8))
    make_tool(name="Garantie Alerte", published_ago=timedelta(hours=2))  # alerte_nouveautes
    alerts.send_digests()
    make_alert("rappel@exemple.re", tool=make_call(name="Appel Alerte", closes_in=timedelta(days=6)))
    alerts.send_deadline_reminders()  # alerte_rappel
    assert followed.deliveries.exists()

    # Job alerts: a confirmation; a digest to a confirmed alert.
    job_alerts.create_alert(
        email="alerte-emploi@exemple.re", consent_text="ok", querystring="", frequency="hebdomadaire"
    )  # emplois/alerte_confirmation
    job_alert = make_job_alert("emploi@exemple.re")
    make_offer("Médiateur ou médiatrice numérique", published_ago=timedelta(hours=2))
    job_alerts.send_digests()  # emplois/alerte_nouveautes
    assert job_alert.deliveries.exists()

    orphan = settings.MEDIA_ROOT / "accueil" / "oubli.pdf"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"%PDF-1.4")
    os.utime(orphan, (time.time() - 3 * 86400,) * 2)
    report_orphan_files()  # cress/fichiers_orphelins

    serve_built_panorama(email="lectrice@exemple.re")  # observatoire/panorama_pret

    session = make_session(capacity=1)
    holder = register_person(session=session, person=person(1), consent_text="ok")  # registration_confirmation
    first = register_person(session=session, person=person(2), consent_text="ok")  # registration_waiting
    register_person(session=session, person=person(3), consent_text="ok")
    cancel_registration(holder)  # registration_cancelled, registration_offer
    Registration.objects.filter(pk=first.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    expire_offers()  # registration_offer_expired
    adviser = StaffFactory(role="Formation", email="paul@cress.re")
    hr_request, _token = make_hr_request(email="employeur@exemple.re")  # formation/hr_confirmation
    hr.renew_follow_up_links(email="employeur@exemple.re")  # formation/hr_nouveau_lien
    hr.transition_hr_request(hr_request=hr_request, target="en_cours", by=adviser)  # formation/hr_changement_etat
    hr.send_staff_message(hr_request=hr_request, by=adviser, body="Quel contrat ?")  # formation/hr_message_employeur
    hr.answer_as_employer(hr_request=hr_request, body="Un CDI à temps partiel.")  # formation/hr_message_equipe

    trainee = make_registration(make_past_session(), status="presente", assessment_result="atteints")
    formation_documents.issue_certificate(registration_id=trainee.pk)  # formation/attestation
    produce_scheduled_emails()  # formation/schedule_*

    partnerships = StaffFactory(role="Partenariats", email="lea@cress.re")
    today = timezone.localdate()
    convention = make_convention(
        status="en_vigueur", start=today - timedelta(days=300), end=today + timedelta(days=30), owner=partnerships
    )
    make_commitment(convention, due=today + timedelta(days=3), owner=partnerships)
    make_committee(convention, held_at=timezone.now() + timedelta(days=5))
    partnership_reminders.sweep_conventions()  # partenariats/rappel_fin_convention, preparer_comite
    partnership_reminders.send_weekly_digests()  # partenariats/recapitulatif_engagements
    minutes_convention = make_convention(make_partner(name="Chambre de métiers"), status="en_vigueur")
    committee = make_committee(minutes_convention, minutes="<p>Le bilan est validé.</p>")
    make_participant(committee, "Paul Hoarau", email="paul@cma.re")
    partenariats_committees.deliver_minutes(committee_id=committee.pk)  # partenariats/compte_rendu

    follower = StaffFactory(role="Partenariats", email="sophie@cress.re")
    partner = make_partner(organisation=structure)  # marie@kaz.re is a member
    convention = make_convention(partner, status="en_vigueur", owner=follower)
    commitment = make_commitment(convention, party=partner, title="Orienter 50 porteurs vers la CMA")
    member = get_user_model().objects.get(email="marie@kaz.re")
    partenariats_services.add_deliverable(
        commitment=commitment, title="Bilan", upload=SimpleUploadedFile("bilan.pdf", b"%PDF-1.4 bilan"), by=member,
        by_partner=True,
    )  # fmt: skip  # partenariats/livrable_depose
    partenariats_services.declare_commitment_kept(commitment=commitment, by=member)  # engagement_declare_tenu
    partner_conversation.post_partner_message(convention=convention, author=member, partner=partner, body="Bonjour.")
    partner_conversation.post_staff_message(convention=convention, author=follower, body="Merci.")  # …_partenaires

    need, _token = posted_need(submit=False)  # experimentations/besoin_changement_etat (brouillon)
    need_services.submit_need(need=need)  # besoin_changement_etat, besoin_equipe (to lea@ and sophie@)
    need_services.move_need(need=need, target="valide", by=follower)
    need_services.mark_need_sent(need=need)
    Need.objects.filter(pk=need.pk).update(answer_deadline=timezone.now() - timedelta(days=8))
    need_services.send_due_surveys()  # experimentations/besoin_enquete
    need = sent_need(suppliers=1, title="Entretien des espaces verts des écoles")
    monday = next_monday(9)
    supplier_batches.send_due_batches(now=monday)  # experimentations/fournisseur_besoin
    supplier_batches.remind_suppliers(now=monday + timedelta(days=7))  # experimentations/fournisseur_relance
    supplier_batches.answer_need(
        match=need.matches.get(), interested=True, now=monday + timedelta(days=8)
    )  # experimentations/fournisseur_interesse

    # Emplois: an application (employer, candidate), an interview, a hire; another not
    # retained; new links asked by the candidate and by the employer.
    job_offer = make_job_offer("Aide à domicile", contact_email="rh@kaz-services.re")
    job_application = job_applications.apply_to_offer(
        offer=job_offer, name="Josette Hoarau", email="josette@exemple.re", message="Bonjour.",
        cv=SimpleUploadedFile("cv.pdf", JOB_PDF), consent="ok",
    )  # fmt: skip  # emplois/candidature_employeur, candidature_confirmation
    job_applications.move_application(application=job_application, target="entretien", message="Mardi 9 h.")
    job_applications.move_application(application=job_application, target="retenue")  # candidature_retenue
    other_application = job_applications.apply_to_offer(
        offer=job_offer, name="Paul Grondin", email="paul.grondin@exemple.re", message="Bonjour.",
        cv=SimpleUploadedFile("cv.pdf", JOB_PDF), consent="ok",
    )  # fmt: skip
    job_applications.move_application(application=other_application, target="non_retenue")
    job_applications.renew_links(email="josette@exemple.re", reference=job_application.reference)
    job_applications.renew_links(email="rh@kaz-services.re", reference=job_application.reference)
    # The offer's contact, a member of the organisation, is told when a candidate withdraws.
    PartnerMembership.objects.create(organisation=job_offer.organisation, user=UserFactory(email="rh@kaz-services.re"))
    withdrawn = job_applications.apply_to_offer(
        offer=job_offer, name="Léa Payet", email="lea.payet@exemple.re", message="Bonjour.",
        cv=SimpleUploadedFile("cv.pdf", JOB_PDF), consent="ok",
    )  # fmt: skip
    for email in OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.PENDING, kind__startswith="emplois/candidature"
    ):
        deliver(email)  # read before the withdrawal: the links of the ones left pending would lead nowhere
    job_applications.withdraw_application(application=withdrawn)  # emplois/candidature_retiree
    # Emplois: staff moderate two offers of an organisation; its member is told of each.
    employer = OrganisationFactory(name="Ti Kaz Emploi")
    PartnerMembership.objects.create(organisation=employer, user=UserFactory(email="rh@tikaz.re"))
    moderator = StaffFactory(role="Formation", email="emplois@cress.re")
    for target, comment in (("publiee", ""), ("refusee", "La rémunération manque.")):
        job_offer = make_offer("Médiateur ou médiatrice numérique", status="en_revue", organisation=employer)
        offer_services.move_offer(offer=job_offer, target=target, by=moderator, comment=comment, as_staff=True)
    record = skills_services.start_record(email="benevole@exemple.re")  # emplois/competences_lien
    skills_services.renew_links(email="benevole@exemple.re")  # emplois/competences_nouveau_lien
    skills_services.add_experience(
        record=record,
        values={"role": "Trésorière", "organisation_name": "Les Jardins partagés", "kind": "benevole",
                "starts_on": timezone.localdate() - timedelta(days=400), "hours_per_week": 5, "skills": ["1.1"]},
    )  # fmt: skip
    skills_services.request_pdf(record=record)
    skills_services.build_pdf(record_id=record.pk)  # emplois/competences_synthese
    assessment = make_assessment(employer, by=None)
    guide_reports.request_report(assessment=assessment, by=get_user_model().objects.get(email="rh@tikaz.re"))
    guide_reports.build_report(assessment_id=assessment.pk)  # appartenance/rapport_pret

    # The Prix de l'ESS: the results, to each applicant.
    campaign = make_prix_campaign(phase="jury")
    prix_organisation, prix_member = make_applicant("Ressourcerie du Port", email="prix@ressourcerie.re")
    prix_application = make_prix_application(campaign, prix_organisation, prix_member)
    prix.record_deliberation(campaign=campaign, minutes="Vote.", prizes={prix_application.pk: "Lauréat"}, by=staff)
    prix.publish_laureates(campaign=campaign, by=staff)  # appartenance/prix_resultats


def outbox_table_text() -> str:
    """Every stored column of the outbox, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(t)::text FROM messagerie_outgoingemail t")
        return "\n".join(row[0] for row in cursor.fetchall())


def links_in(message, link: Link) -> list[str]:
    """The paths of the links of a sent message that open `link`'s page (whole paths only)."""
    found = re.finditer(r"https?://[^/\s]+(/[^\s\"'<>]*)", message.body)
    return [match.group(1) for match in found if re.fullmatch(link.path, match.group(1))]


def test_every_kind_of_email_declares_its_links():
    assert EVERY_KIND, "the email templates are found"
    missing = EVERY_KIND - set(EMAIL_LINKS)
    assert not missing, f"say which page these emails open (or why none): {sorted(missing)}"
    assert not set(EMAIL_LINKS) - EVERY_KIND, "a declaration for an email that no longer exists"
    for kind, links in EMAIL_LINKS.items():
        assert (isinstance(links, Exempt) and links.why) or links, kind


def test_every_email_leaves_with_working_links_and_none_rests_in_the_database(client, smtp_mailer):
    """Through a real SMTP server (the sink): what a mail client receives."""
    produce_every_email(client)
    newsletter_messages = [
        ("communication/lettre", m) for m in sent_messages() if "List-Unsubscribe" in m.extra_headers
    ]
    stored = {email.pk: email for email in OutgoingEmail.objects.all()}
    produced = {email.kind for email in stored.values()} | {kind for kind, _ in newsletter_messages}
    assert produced == EVERY_KIND, "every kind of email is exercised"

    before_sending = outbox_table_text()
    for path in PRIVATE_LINKS.values():
        assert not re.search(path, before_sending), f"a live link {path} is queued in clear"

    produced_before_sending = [m for m in sent_messages() if "List-Unsubscribe" not in m.extra_headers]
    pending = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).order_by("pk")
    sent = [(email.kind, email.to, deliver(email)) for email in pending]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}
    after_sending = outbox_table_text()
    private_tables = after_sending + json.dumps(list(PrivateLink.objects.values()), default=str)
    for kind in PRIVATE_LINKS:
        rows = [email for email in stored.values() if email.kind == kind]
        assert rows and all(email.links for email in rows), f"{kind} declares its private link"
    assert len(smtp_mailer.messages) == len(sent) + len(newsletter_messages) + len(produced_before_sending)
    for message in sent_messages():
        for path in PRIVATE_LINKS.values():
            for found in re.finditer(r"https?://[^/\s]+(" + path + ")", message.body):
                secret = found.group(1).strip("/").split("/")[-1]
                assert secret not in private_tables, f"the link of « {message.subject} » rests in the database"

    # Each email that left carries each link its kind declares, and each opens its page for
    # the person it was sent to: anonymously for a private or public link, logged in for
    # the staff's. Opened in the order sent: opening a renewed tracking link ends the older
    # ones, as it should.
    messages = [(kind, message.to[0], message) for kind, message in newsletter_messages] + sent
    User = get_user_model()
    accueil_staff = User.objects.get(email="nadia@cress.re")
    for kind, to, message in messages:
        declared = EMAIL_LINKS[kind]
        if isinstance(declared, Exempt):
            continue
        for link in declared:
            paths = links_in(message, link)
            assert paths, f"{kind} to {to}: no link to {link.path} in\n{message.body}"
            if link.staff:
                # Sent to the staff member in charge, or to the CRESS's address (then anyone of the accueil).
                opener = Client()
                login_verified(opener, User.objects.filter(email__iexact=to).first() or accueil_staff)
            elif link.member:
                opener = Client()
                opener.force_login(User.objects.get(email__iexact=to))
            else:
                opener = Client()
            response = opener.get(paths[0], follow=True)
            page = response.content.decode()
            assert response.status_code == 200, f"{kind} to {to}: {paths[0]} answers {response.status_code}"
            assert re.search(link.shows, page), f"{kind} to {to}: {paths[0]} does not show {link.shows!r}"


def test_the_audit_path_is_closed_a_reset_link_for_the_superuser_is_never_readable(client):
    superuser = UserFactory(email="admin@exemple.re", is_staff=True, is_superuser=True)
    client.post(reverse("comptes:mot-de-passe-oublie"), {"email": "admin@exemple.re"})
    email = OutgoingEmail.objects.get(to=superuser.email)
    assert email.links == {"url": {"builder": "comptes.reinitialisation", "params": {"user": superuser.pk}}}
    assert "/compte/mot-de-passe/" not in outbox_table_text()
    message = deliver(email)
    assert "/compte/mot-de-passe/" in message.body
    assert "/compte/mot-de-passe/" not in outbox_table_text(), "nothing is written back after sending"


def test_a_resend_carries_a_fresh_link_and_both_work(client, settings):
    from tests.helpers.mail_backends import SPECIAL

    intake, _ = make_request(email="porteur@exemple.re")
    email = OutgoingEmail.objects.get(kind="accueil/confirmation")
    first = deliver(email)
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.FAILED)
    assert retry_failed_emails(queryset=OutgoingEmail.objects.filter(pk=email.pk)) == 1
    second = deliver(email)
    path = PRIVATE_LINKS["accueil/confirmation"]
    assert link_path(first, path) != link_path(second, path)
    for message in (first, second):
        assert intake.reference in client.get(link_path(message, path)).content.decode()
    # A failed attempt mints a link that reached no one; it is harmless and expires.
    settings.MAILERS = {"default": {"BACKEND": "tests.helpers.mail_backends.FlakyBackend"}}
    SPECIAL["porteur@exemple.re"] = "disconnect"
    try:
        intake_services.renew_tracking_links(email="porteur@exemple.re")
        renewal = OutgoingEmail.objects.get(kind="accueil/nouveau_lien")
        with pytest.raises(DeliveryError):
            deliver_email(email_id=renewal.pk)
    finally:
        SPECIAL.clear()
    assert "/accompagnement/suivi/" not in outbox_table_text()


def test_an_email_whose_page_is_gone_is_not_sent():
    intake, _ = make_request(email="porteur@exemple.re")
    IntakeRequest.objects.filter(pk=intake.pk).update(anonymised_at=timezone.now())
    email = OutgoingEmail.objects.get(kind="accueil/confirmation")
    assert deliver_email(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED and "Lien indisponible" in email.last_error
    assert mail.outbox == []


def test_html_bodies_get_the_link_escaped():
    from messagerie.links import fill_links

    html = fill_links('<a href="[[lien-personnel:url]]">ici</a>', {"url": "https://x.re/a?b=1&c=2"}, escape=True)
    assert html == '<a href="https://x.re/a?b=1&amp;c=2">ici</a>'


def test_tokens_are_stored_hashed_and_expire():
    token = issue_token(purpose="essai", object_id=7, expires_at=timezone.now() + timedelta(minutes=5))
    assert not PrivateLink.objects.filter(token_hash__contains=token).exists()
    assert resolve_token(purpose="essai", token=token) == 7
    assert resolve_token(purpose="autre", token=token) is None, "a token opens only its own kind of page"
    PrivateLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert resolve_token(purpose="essai", token=token) is None


def test_a_superseding_token_ends_the_older_ones_only_when_used():
    soon = timezone.now() + timedelta(days=1)
    old = issue_token(purpose="essai", object_id=1, expires_at=soon)
    other_object = issue_token(purpose="essai", object_id=2, expires_at=soon)
    new = issue_token(purpose="essai", object_id=1, expires_at=soon, supersedes=True)
    assert resolve_token(purpose="essai", token=old) == 1, "still valid until the new link is opened"
    assert resolve_token(purpose="essai", token=new) == 1
    assert resolve_token(purpose="essai", token=old) is None
    assert resolve_token(purpose="essai", token=other_object) == 2
    assert resolve_token(purpose="essai", token=new) == 1


def test_the_outbox_admin_shows_no_body_of_an_email_with_a_private_link(admin_client):
    make_request(email="porteur@exemple.re")
    email = OutgoingEmail.objects.get(kind="accueil/confirmation")
    response = admin_client.get(reverse("admin:messagerie_outgoingemail_change", args=[email.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "porteur@exemple.re" in page
    assert "Bonjour Céline" not in page and "lien-personnel" not in page
