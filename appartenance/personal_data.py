"""What « L'ESS et vous » holds about a person (lib/personal_data.py), found by the email of
their user account.

Nearly everything here belongs to an organisation (its self-assessment, its application to
the Prix, its badge) and names a person only through an account: who answered, who asked for
the report, who submitted, who uploaded a file, who verified or revoked (staff). The person's
part is that link, the free text that names them (an improvement action's « porteur », a
resource's author) and what they wrote or did in their own name (a juror's appointment,
declared conflicts, scores and comments). Erasing the person therefore:
- unlinks their account from the organisation's rows, which stay for the organisation (its
  answers, actions, application and files are its own, written on its behalf);
- replaces their name where an action names them as its « porteur », and deletes that
  assessment's built report (the PDF prints the porteur; a member may ask for it again);
- credits a resource they authored to « Anonyme » (the author's choice of anonymity,
  Code de la propriété intellectuelle, art. L113-6);
- replaces their name in free text others wrote about them (MENTIONS);
- keeps a juror's rows for PRIX_JURY_RETENTION_YEARS after the campaign's results: they are
  the record of the Prix's fairness, should a decision be contested (RGPD art. 17.3.e). Their
  content is untouched; who the juror was is copied onto the appointment (`held_name`,
  `held_email`), so that it outlives the account, which comptes' provider deletes after this
  one. `purge_expired_jury_records` deletes them when the hold ends.
"""

import re
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from appartenance import guide
from appartenance.models_badges import BadgeKey, EssVerification, MembershipState, MembershipTransition
from appartenance.models_guide import GuideAction, GuideAnswer
from appartenance.models_prix import (
    ApplicationStatus,
    JuryMember,
    PrixApplication,
    PrixApplicationTransition,
    PrixAttachment,
    PrixCampaign,
    PrixEvaluation,
)
from appartenance.models_report import GuideReport
from appartenance.models_resources import Resource
from comptes.models import User
from lib.personal_data import Document, Erased, Found, Hold, PersonalDataProvider, Record, Retention

ERASED_NAME = "(nom effacé)"
ANONYMOUS_AUTHOR = "Anonyme"

JURY_HOLD_REASON = (
    "Trace de l'équité du Prix de l'ESS (nomination, conflits d'intérêts déclarés, notes et "
    "commentaires du juré) : conservée {years} ans après l'annonce des résultats, délai de prescription "
    "(Code civil, article 2224), pour la défense de droits en justice si une décision du jury est "
    "contestée (RGPD, article 17.3.e)."
)


def _users(email: str):
    return User.objects.filter(email__iexact=email)


def _names(users) -> list[str]:
    """The ways free text names these people: « Prénom Nom » and « Nom Prénom »."""
    names = []
    for user in users:
        first, last = user.first_name.strip(), user.last_name.strip()
        if first and last:
            names += [f"{first} {last}", f"{last} {first}"]
    return names


def _naming(field: str, names: list[str]) -> Q:
    match = Q(pk__in=[])
    for name in names:
        match |= Q(**{f"{field}__icontains": name})
    return match


def _application_label(application: PrixApplication) -> str:
    return f"{application.organisation.name} — {application.category.name} ({application.campaign.year})"


def _state_label(choices, value: str) -> str:
    return dict(choices.choices).get(value, value)


def _file_name(fieldfile) -> str:
    return fieldfile.name.rsplit("/", 1)[-1]


# --- Finding -----------------------------------------------------------------------------------


def find(email: str) -> Found:
    users = list(_users(email))
    found = Found()
    _find_jury(found, email, users)  # a held juror's rows outlive their account
    if not users:
        return found
    names = _names(users)
    _find_guide(found, users, names)
    _find_staff_acts(found, users)
    _find_prix(found, users)
    _find_mentions(found, names)
    for resource in Resource.objects.filter(_naming("author", names)).order_by("pk"):
        found.records.append(
            Record(
                "Ressource dont vous êtes l'auteur",
                {
                    "titre": resource.title,
                    "auteur": resource.author,
                    "date": resource.published_on,
                    "publiée": resource.is_published,
                },
            )
        )
    return found


# Free text others wrote that may name the person (« voir avec Ysaline Grondin-Testa »): their
# name is replaced on erasure. A submitted application's text is frozen (migration 0006_prix)
# and stays the organisation's; a juror's comment is held with the jury's rows.
MENTIONS = (
    (GuideAnswer, "text", Q()),
    (GuideAction, "title", Q()),
    (EssVerification, "note", Q()),
    (MembershipTransition, "comment", Q()),
    (PrixApplicationTransition, "comment", Q()),
    (PrixApplication, "summary", Q(status=ApplicationStatus.DRAFT)),
    (PrixApplication, "impact", Q(status=ApplicationStatus.DRAFT)),
)


def _find_mentions(found: Found, names) -> None:
    for model, field, scope in MENTIONS:
        where = f"{model._meta.verbose_name} — {model._meta.get_field(field).verbose_name}"
        for row in model.objects.filter(scope & _naming(field, names)).order_by("pk"):
            found.records.append(Record("Texte qui vous nomme", {"où": where, "texte": getattr(row, field)}))


def _find_guide(found: Found, users, names) -> None:
    questions = guide.guide().questions
    answers = GuideAnswer.objects.filter(updated_by__in=users).select_related("assessment__organisation")
    for answer in answers.order_by("assessment__year", "question", "pk"):
        question = questions.get(answer.question)
        found.records.append(
            Record(
                "Réponse au guide des bonnes pratiques",
                {
                    "structure": answer.assessment.organisation.name,
                    "année": answer.assessment.year,
                    "question": question.text if question else answer.question,
                    "réponse": answer.get_choice_display() if answer.choice else "",
                    "valeur": answer.number,
                    "précision": answer.text,
                    "répondu le": answer.updated_at,
                },
            )
        )
    actions = GuideAction.objects.filter(Q(created_by__in=users) | _naming("owner", names))
    for action in actions.select_related("assessment__organisation").order_by("assessment__year", "pk"):
        theme = guide.guide().theme(action.theme)
        links = []
        if action.created_by_id in {user.pk for user in users}:
            links.append("créée par vous")
        if any(name.lower() in action.owner.lower() for name in names):
            links.append("vous en êtes le porteur")
        found.records.append(
            Record(
                "Action d'amélioration",
                {
                    "structure": action.assessment.organisation.name,
                    "année": action.assessment.year,
                    "thème": theme.title if theme else action.theme,
                    "action": action.title,
                    "porteur": action.owner,
                    "échéance": action.due_on,
                    "état": action.get_status_display(),
                    "créée le": action.created_at,
                    "votre lien": ", ".join(links),
                },
            )
        )
    reports = GuideReport.objects.filter(requested_by__in=users).select_related("assessment__organisation")
    for report in reports.order_by("pk"):
        found.records.append(
            Record(
                "Rapport de bonnes pratiques demandé",
                {
                    "structure": report.assessment.organisation.name,
                    "année": report.assessment.year,
                    "état": report.get_status_display(),
                    "demandé le": report.requested_at,
                    "construit le": report.built_at,
                    "pages": report.pages,
                },
            )
        )
        if report.file:
            found.documents.append(Document(name=f"rapport-{report.pk}/{_file_name(report.file)}", file=report.file))


def _find_staff_acts(found: Found, users) -> None:
    """What a (former) member of the CRESS's team did in their own name."""
    for verification in EssVerification.objects.filter(verified_by__in=users).select_related("organisation"):
        found.records.append(
            Record(
                "Statut ESS vérifié par vous",
                {
                    "structure": verification.organisation.name,
                    "vérifié le": verification.verified_on,
                    "note": verification.note,
                },
            )
        )
    for key in BadgeKey.objects.filter(revoked_by__in=users).select_related("organisation").order_by("pk"):
        found.records.append(
            Record(
                "Badge révoqué par vous",
                {"structure": key.organisation.name, "version": key.version, "révoqué le": key.revoked_at},
            )
        )
    transitions = MembershipTransition.objects.filter(by__in=users).select_related("subject__organisation")
    for transition in transitions.order_by("created_at", "pk"):
        found.records.append(
            Record(
                "Changement d'état d'une adhésion fait par vous",
                {
                    "structure": transition.subject.organisation.name,
                    "année": transition.subject.year,
                    "de": _state_label(MembershipState, transition.from_state),
                    "vers": _state_label(MembershipState, transition.to_state),
                    "le": transition.created_at,
                    "commentaire": transition.comment,
                },
            )
        )
    for campaign in PrixCampaign.objects.filter(deliberated_by__in=users).order_by("year"):
        found.records.append(
            Record(
                "Délibération du Prix enregistrée par vous",
                {"campagne": campaign.title, "enregistrée le": campaign.deliberated_at},
            )
        )


def _find_prix(found: Found, users) -> None:
    ids = {user.pk for user in users}
    applications = PrixApplication.objects.filter(Q(created_by__in=users) | Q(submitted_by__in=users))
    for application in applications.select_related("campaign", "category", "organisation").order_by("pk"):
        found.records.append(
            Record(
                "Candidature au Prix de l'ESS",
                {
                    "campagne": application.campaign.title,
                    "catégorie": application.category.name,
                    "structure": application.organisation.name,
                    "état": application.get_status_display(),
                    "titre du projet": application.project_title,
                    "le projet en bref": application.summary,
                    "ses effets, ses résultats": application.impact,
                    "distinction": application.prize,
                    "commencée le": application.created_at,
                    "déposée le": application.submitted_at,
                    "créée par vous": application.created_by_id in ids,
                    "déposée par vous": application.submitted_by_id in ids,
                },
            )
        )
    transitions = PrixApplicationTransition.objects.filter(by__in=users).select_related(
        "subject__campaign", "subject__category", "subject__organisation"
    )
    for transition in transitions.order_by("created_at", "pk"):
        found.records.append(
            Record(
                "Changement d'état d'une candidature fait par vous",
                {
                    "candidature": _application_label(transition.subject),
                    "de": _state_label(ApplicationStatus, transition.from_state),
                    "vers": _state_label(ApplicationStatus, transition.to_state),
                    "le": transition.created_at,
                    "commentaire": transition.comment,
                },
            )
        )
    attachments = PrixAttachment.objects.filter(uploaded_by__in=users).select_related(
        "application__campaign", "application__category", "application__organisation"
    )
    for attachment in attachments.order_by("pk"):
        found.records.append(
            Record(
                "Pièce jointe d'une candidature",
                {
                    "candidature": _application_label(attachment.application),
                    "intitulé": attachment.title,
                    "type de fichier": attachment.file_kind.upper(),
                    "fichier": _file_name(attachment.file),
                    "ajoutée le": attachment.uploaded_at,
                },
            )
        )
        found.documents.append(
            Document(name=f"piece-{attachment.pk}/{_file_name(attachment.file)}", file=attachment.file)
        )


def _jurors(email: str, users):
    """The person's juror rows: through their account, or their identity a hold kept."""
    jurors = JuryMember.objects.filter(Q(user__in=users) | Q(user__isnull=True, held_email__iexact=email))
    return jurors.select_related("campaign").order_by("campaign__year", "pk")


def _find_jury(found: Found, email: str, users) -> None:
    for juror in _jurors(email, users):
        found.records.append(
            Record(
                "Membre du jury du Prix",
                {"campagne": juror.campaign.title, "qualité": juror.quality, "nommé le": juror.created_at},
            )
        )
        for conflict in juror.conflicts.select_related("organisation").order_by("pk"):
            found.records.append(
                Record(
                    "Conflit d'intérêts déclaré",
                    {
                        "campagne": juror.campaign.title,
                        "structure": conflict.organisation.name,
                        "lien déclaré": conflict.reason,
                        "déclaré le": conflict.declared_at,
                    },
                )
            )
        evaluations = (
            PrixEvaluation.objects.filter(juror=juror)
            .select_related("application__campaign", "application__category", "application__organisation")
            .prefetch_related("scores__criterion")
            .order_by("pk")
        )
        for evaluation in evaluations:
            scores = sorted(evaluation.scores.all(), key=lambda score: (score.criterion.position, score.criterion.pk))
            found.records.append(
                Record(
                    "Évaluation d'une candidature (jury)",
                    {
                        "campagne": juror.campaign.title,
                        "candidature": _application_label(evaluation.application),
                        "notes": {score.criterion.name: score.points for score in scores},
                        "commentaire": evaluation.comment,
                        "notée le": evaluation.updated_at,
                    },
                )
            )


# --- Erasing -----------------------------------------------------------------------------------


def jury_hold_until(campaign: PrixCampaign) -> date:
    """The last day a juror's rows are kept: PRIX_JURY_RETENTION_YEARS after the results."""
    results = timezone.localdate(campaign.results_at)
    year = results.year + settings.PRIX_JURY_RETENTION_YEARS
    try:
        return results.replace(year=year)
    except ValueError:  # 29 February
        return results.replace(year=year, day=28)


def _jury_holds(juror: JuryMember) -> list[Hold]:
    """One hold per row kept: the appointment, each declared conflict, each evaluation (its
    scores go with it)."""
    title = juror.campaign.title
    rows = [(f"Nomination au jury du {title}", "appartenance.JuryMember", juror.pk)]
    rows += [
        (f"Conflit d'intérêts déclaré par un juré du {title}", "appartenance.ConflictOfInterest", pk)
        for pk in juror.conflicts.order_by("pk").values_list("pk", flat=True)
    ]
    rows += [
        (
            f"Évaluation d'une candidature par un juré du {title} (notes et commentaire)",
            "appartenance.PrixEvaluation",
            pk,
        )
        for pk in juror.evaluations.order_by("pk").values_list("pk", flat=True)
    ]
    reason = JURY_HOLD_REASON.format(years=settings.PRIX_JURY_RETENTION_YEARS)
    until = jury_hold_until(juror.campaign)
    return [Hold(what=what, reason=reason, until=until, model=model, pk=pk) for what, model, pk in rows]


def _delete_juror(juror: JuryMember) -> int:
    """Delete a juror's rows (their conflicts, evaluations and scores go with them)."""
    count = 1 + juror.conflicts.count() + juror.evaluations.count()
    juror.delete()
    return count


def erase(email: str, *, by) -> Erased:
    """Erase what this app holds about the person (see the module's docstring), in the
    caller's transaction."""
    users = list(_users(email))
    result = Erased()
    _erase_jury(result, email, users)
    if not users:
        return result
    names = _names(users)

    # Actions naming them as porteur: the name goes, and so do the built reports that print
    # their name (the porteur, an action's title, an answer's precision).
    named = GuideAction.objects.filter(_naming("owner", names))
    printed = (
        GuideAction.objects.filter(_naming("owner", names) | _naming("title", names)).values("assessment"),
        GuideAnswer.objects.filter(_naming("text", names)).values("assessment"),
    )
    stale_reports = list(GuideReport.objects.filter(Q(assessment__in=printed[0]) | Q(assessment__in=printed[1])))
    action_ids = set(named.values_list("pk", flat=True)) | set(
        GuideAction.objects.filter(created_by__in=users).values_list("pk", flat=True)
    )
    _replace_names(named, "owner", names, ERASED_NAME)
    result.erased += _delete_reports(stale_reports)
    GuideAction.objects.filter(created_by__in=users).update(created_by=None)
    result.erased += len(action_ids)

    result.erased += GuideAnswer.objects.filter(updated_by__in=users).update(updated_by=None)
    result.erased += GuideReport.objects.filter(requested_by__in=users).update(requested_by=None)
    result.erased += EssVerification.objects.filter(verified_by__in=users).update(verified_by=None)
    result.erased += BadgeKey.objects.filter(revoked_by__in=users).update(revoked_by=None)
    result.erased += MembershipTransition.objects.filter(by__in=users).update(by=None)
    result.erased += PrixCampaign.objects.filter(deliberated_by__in=users).update(deliberated_by=None)

    applications = PrixApplication.objects.filter(Q(created_by__in=users) | Q(submitted_by__in=users))
    result.erased += len(set(applications.values_list("pk", flat=True)))
    PrixApplication.objects.filter(created_by__in=users).update(created_by=None)
    PrixApplication.objects.filter(submitted_by__in=users).update(submitted_by=None)
    result.erased += PrixApplicationTransition.objects.filter(by__in=users).update(by=None)
    result.erased += PrixAttachment.objects.filter(uploaded_by__in=users).update(uploaded_by=None)
    result.erased += _replace_names(
        Resource.objects.filter(_naming("author", names)), "author", names, ANONYMOUS_AUTHOR
    )
    for model, field, scope in MENTIONS:
        result.erased += _replace_names(model.objects.filter(scope & _naming(field, names)), field, names, ERASED_NAME)
    return result


def _erase_jury(result: Erased, email: str, users) -> None:
    """A juror's rows past their hold are deleted; the others are kept, with who the juror
    was copied onto the row so that it outlives the account (comptes deletes it later)."""
    today = timezone.localdate()
    for juror in _jurors(email, users):
        if jury_hold_until(juror.campaign) < today:
            result.erased += _delete_juror(juror)
            continue
        if juror.user_id and not juror.held_email:
            name = juror.user.get_full_name()
            JuryMember.objects.filter(pk=juror.pk).update(held_name=name, held_email=juror.user.email.lower())
        result.kept += _jury_holds(juror)


def _replace_names(queryset, field: str, names: list[str], replacement: str) -> int:
    """Replace the person's name in a free-text field, leaving the rest (a co-author, « (trésorière) »)."""
    if not names:
        return 0
    pattern = re.compile("|".join(re.escape(name) for name in names), re.IGNORECASE)
    count = 0
    for row in queryset:
        value = pattern.sub(replacement, getattr(row, field))
        type(row).objects.filter(pk=row.pk).update(**{field: value})
        count += 1
    return count


def _delete_reports(reports) -> int:
    """Delete built reports; their files leave the storage after commit (lib.media)."""
    count = 0
    for report in reports:
        report.delete()
        count += 1
    return count


# --- Retention -------------------------------------------------------------------------------


@transaction.atomic
def purge_expired_jury_records(*, today: date | None = None) -> int:
    """Delete the jurors' rows of the campaigns whose hold has ended (the beat's job): the
    appointment, the declared conflicts, the evaluations and their scores."""
    today = today or timezone.localdate()
    count = 0
    for campaign in PrixCampaign.objects.filter(jury__isnull=False).distinct():
        if jury_hold_until(campaign) < today:
            for juror in JuryMember.objects.filter(campaign=campaign):
                count += _delete_juror(juror)
    return count


RETENTIONS = (
    Retention(
        treatment="Auto-évaluations des bonnes pratiques : le compte du membre qui a répondu, créé une action "
        "ou demandé le rapport, et le porteur nommé d'une action",
        basis="Intérêt légitime de la structure (suivre ses pratiques d'une année sur l'autre, article 3 de la "
        "loi n° 2014-856 du 31 juillet 2014)",
        period="Le lien vers le compte du membre s'efface avec son compte ou à sa demande ; les réponses restent "
        "à la structure",
    ),
    Retention(
        treatment="Candidatures au Prix de l'ESS : le compte du membre qui l'a créée, déposée ou y a joint une pièce",
        basis="Intérêt légitime (organiser le Prix et garder trace de son palmarès)",
        period="Le lien vers le compte du membre s'efface avec son compte ou à sa demande ; la candidature reste "
        "à la structure",
    ),
    Retention(
        treatment="Jury du Prix de l'ESS : nomination, conflits d'intérêts déclarés, notes et commentaires de "
        "chaque juré",
        basis="Intérêt légitime : trace de l'équité du Prix, pour la défense de droits en justice (RGPD, article "
        "17.3.e ; prescription de droit commun, Code civil, article 2224)",
        period="{PRIX_JURY_RETENTION_YEARS} ans après l'annonce des résultats de la campagne, même à la demande "
        "du juré, puis supprimés",
        settings=("PRIX_JURY_RETENTION_YEARS",),
    ),
    Retention(
        treatment="Décisions de l'équipe de la CRESS : qui a vérifié un statut ESS, révoqué un badge, changé "
        "l'état d'une adhésion ou enregistré la délibération du Prix",
        basis="Intérêt légitime (trace des décisions de l'équipe)",
        period="Le lien vers le compte de la personne s'efface avec son compte ou à sa demande ; la décision reste",
    ),
)

PROVIDER = PersonalDataProvider(
    name="appartenance",
    label="L'ESS et vous (bonnes pratiques, badge, Prix de l'ESS, ressources)",
    order=80,
    models=(
        "appartenance.GuideAnswer",
        "appartenance.GuideAction",
        "appartenance.GuideReport",
        "appartenance.EssVerification",
        "appartenance.BadgeKey",
        "appartenance.MembershipTransition",
        "appartenance.PrixCampaign",
        "appartenance.PrixApplication",
        "appartenance.PrixApplicationTransition",
        "appartenance.PrixAttachment",
        "appartenance.JuryMember",
        "appartenance.ConflictOfInterest",
        "appartenance.PrixEvaluation",
        "appartenance.PrixScore",
        "appartenance.Resource",
    ),
    find=find,
    erase=erase,
    retentions=RETENTIONS,
)
