"""Who may see and do what in the staff admin: the one declaration.

Every model of the project (ours, Django's and the libraries') is listed once in
`MODEL_RULES` with the sensitive kinds of data it carries and, for each staff role,
the actions granted on it. A role not named on a model gets nothing there; a superuser
gets everything. The custom admin pages a model's admin adds (dashboards, exports,
workflow buttons…) say which of these actions they need, or `SUPERUSER_ONLY`.

It lives in the composition root because it names the models of every app; the roles
themselves, the vocabulary of a rule and the way a declaration becomes groups are
comptes' (`comptes/roles.py`). From this declaration:
- the role groups get their permissions after every `migrate` (`sync_role_permissions`,
  called by `cress.apps`; comptes' migration 0002 creates the groups);
- `tests/test_access_matrix.py` walks every admin URL for every role, an anonymous
  visitor and a partner, and compares what answers with what is declared; a model or
  a custom admin page that is not declared fails it;
- `docs/security.md` shows it as a table (`manage.py security_table --write`; a test
  checks the document matches).

Rules the declaration follows (DESIGN.md, « Who may see what »): only a superuser
grants rights, deletes personal records or reads another person's secret; a role gets
what its work needs and no more.
"""

from comptes.roles import (
    ACCUEIL,
    ALL,
    COMMUNICATION,
    DIRECTION,
    FORMATION,
    OBSERVATOIRE,
    PARTENARIATS,
    SUPERUSER_ONLY,
    VIEW,
    VIEW_ADD_CHANGE,
    VIEW_CHANGE,
    ModelRule,
    Sensitivity,
)

_READ_ALL = {DIRECTION: VIEW}
_REFERENCE = {
    ACCUEIL: VIEW,
    OBSERVATOIRE: VIEW_ADD_CHANGE,
    COMMUNICATION: VIEW,
    FORMATION: VIEW,
    PARTENARIATS: VIEW,
    DIRECTION: VIEW,
}
_REFERENCE_NOTE = (
    "Reference data loaded by migration; Observatoire keeps it up to date, never deletes (rows are referenced)."
)
_INTAKE_DETAIL = {ACCUEIL: VIEW, DIRECTION: VIEW}
_TAXONOMY = {
    ACCUEIL: VIEW,
    OBSERVATOIRE: ALL,
    COMMUNICATION: ALL,
    FORMATION: VIEW,
    PARTENARIATS: VIEW,
    DIRECTION: VIEW,
}
_DIRECTORY_MODERATION = {
    ACCUEIL: VIEW_CHANGE,
    OBSERVATOIRE: VIEW_CHANGE,
    COMMUNICATION: VIEW_CHANGE,
    PARTENARIATS: VIEW_CHANGE,
    DIRECTION: VIEW,
}
_DIRECTORY_LOG = {ACCUEIL: VIEW, OBSERVATOIRE: VIEW, COMMUNICATION: VIEW, PARTENARIATS: VIEW, DIRECTION: VIEW}
_CLAIM = {
    ACCUEIL: VIEW_CHANGE,
    OBSERVATOIRE: VIEW,
    COMMUNICATION: VIEW_CHANGE,
    PARTENARIATS: VIEW_CHANGE,
    DIRECTION: VIEW,
}
_NEWS = {COMMUNICATION: ALL, DIRECTION: VIEW}
_PERSONAL = (Sensitivity.PERSONAL,)
_PERSONAL_SECRET = (Sensitivity.PERSONAL, Sensitivity.SECRET)

MODEL_RULES = (
    # --- Django and libraries ------------------------------------------------------------
    ModelRule(
        "admin.LogEntry",
        _PERSONAL,
        note="The admin's log; each record's history page shows its part to whoever sees the record.",
    ),
    ModelRule("auth.Permission", note="Rights are given by superusers only."),
    ModelRule(
        "auth.Group",
        rights=_READ_ALL,
        note="The roles: only a superuser adds, edits or deletes a group (enforced in comptes/admin.py).",
    ),
    ModelRule("contenttypes.ContentType"),
    ModelRule("sessions.Session", _PERSONAL_SECRET, note="An open session is as good as a password."),
    ModelRule("axes.AccessAttempt", _PERSONAL, note="Emails and IP addresses of logins (lockout)."),
    ModelRule("axes.AccessAttemptExpiration", _PERSONAL),
    ModelRule("axes.AccessFailureLog", _PERSONAL),
    ModelRule("axes.AccessLog", _PERSONAL),
    # --- referentiels ----------------------------------------------------------------------
    ModelRule("referentiels.Territory", rights=_REFERENCE, note=_REFERENCE_NOTE),
    ModelRule("referentiels.LegalForm", rights=_REFERENCE, note=_REFERENCE_NOTE),
    ModelRule("referentiels.NafSection", rights=_REFERENCE, note=_REFERENCE_NOTE),
    ModelRule("referentiels.NafDivision", rights=_REFERENCE, note=_REFERENCE_NOTE),
    ModelRule("referentiels.NafActivity", rights=_REFERENCE, note=_REFERENCE_NOTE),
    ModelRule("referentiels.RomeDomain", rights=_REFERENCE, note=_REFERENCE_NOTE),
    ModelRule("referentiels.RomeFiche", rights=_REFERENCE, note=_REFERENCE_NOTE),
    # --- comptes ---------------------------------------------------------------------------
    ModelRule(
        "comptes.User",
        _PERSONAL_SECRET,
        rights={DIRECTION: VIEW_CHANGE},
        admin_views={"auth_user_password_change": SUPERUSER_ONLY},
        note="Direction sees accounts and edits only names and activation of non-superuser accounts "
        "(DELEGATED_ACCOUNT_FIELDS); rights, email and passwords: superusers (enforced in comptes/admin.py).",
    ),
    ModelRule(
        "otp_totp.TOTPDevice",
        (Sensitivity.SECRET,),
        note="Second-factor keys: django-otp's own admin (which shows the key) is unregistered.",
    ),
    ModelRule(
        "comptes.AuthenticatorApp",
        (Sensitivity.SECRET,),
        note="A person's authenticator app (no key shown): superusers delete one to reset a lost factor.",
    ),
    ModelRule(
        "comptes.RecoveryCodeSet",
        (Sensitivity.SECRET,),
        note="Recovery codes, stored hashed: superusers only.",
    ),
    ModelRule("comptes.RecoveryCode", (Sensitivity.SECRET,), note="One hashed recovery code."),
    # --- annuaire --------------------------------------------------------------------------
    ModelRule(
        "annuaire.Organisation",
        _PERSONAL,
        rights={
            ACCUEIL: VIEW_CHANGE,
            OBSERVATOIRE: ALL,
            COMMUNICATION: VIEW_ADD_CHANGE,
            FORMATION: VIEW,
            PARTENARIATS: VIEW_ADD_CHANGE,
            DIRECTION: VIEW,
        },
        admin_views={
            "annuaire_organisation_import": "add",
            "annuaire_organisation_simple_history": "view",
        },
        note="Published contacts, sometimes a person's. Staff unpublish a record (« Retirer » action); only "
        "Observatoire deletes (duplicates, Sirene imports), since a deletion takes its claims and contributions.",
    ),
    ModelRule(
        "annuaire.HistoricalOrganisation",
        _PERSONAL,
        rights={
            ACCUEIL: VIEW,
            OBSERVATOIRE: VIEW,
            COMMUNICATION: VIEW,
            FORMATION: VIEW,
            PARTENARIATS: VIEW,
            DIRECTION: VIEW,
        },
        note="History of the records: read, never changed.",
    ),
    ModelRule("annuaire.SearchWord", note="The search's internal lexicon, kept by code."),
    ModelRule("annuaire.Category", rights=_TAXONOMY),
    ModelRule("annuaire.Label", rights=_TAXONOMY),
    ModelRule(
        "annuaire.Contribution",
        _PERSONAL,
        rights=_DIRECTORY_MODERATION,
        admin_views={"annuaire_contribution_transition": "change"},
        note="Who may edit a record moderates the proposals about it; the retention job deletes, nobody by hand.",
    ),
    ModelRule("annuaire.ContributionTransition", _PERSONAL, rights=_DIRECTORY_LOG),
    ModelRule(
        "annuaire.Claim",
        _PERSONAL_SECRET,
        rights=_CLAIM,
        admin_views={"annuaire_claim_transition": "change"},
        note="Approving gives partner access to the structure's orientations: Accueil, Communication and "
        "Partenariats only.",
    ),
    ModelRule("annuaire.ClaimTransition", _PERSONAL, rights=_DIRECTORY_LOG),
    ModelRule(
        "annuaire.PartnerMembership",
        _PERSONAL,
        rights=_READ_ALL,
        note="A membership opens a structure's orientations (holders' contacts): it comes from an approved "
        "claim, or from a superuser.",
    ),
    # --- messagerie ------------------------------------------------------------------------
    ModelRule(
        "messagerie.OutgoingEmail",
        _PERSONAL_SECRET,
        note="Emails carry private links: superusers only (enforced in messagerie/admin.py).",
    ),
    ModelRule(
        "messagerie.PrivateLink",
        (Sensitivity.SECRET,),
        note="Hashes of the tokens of private links (never the tokens): no admin page.",
    ),
    # --- accueil ---------------------------------------------------------------------------
    ModelRule(
        "accueil.IntakeRequest",
        _PERSONAL_SECRET,
        rights={ACCUEIL: VIEW_CHANGE, DIRECTION: VIEW},
        admin_views={
            "accueil_intakerequest_message": "change",
            "accueil_intakerequest_assign": "change",
            "accueil_intakerequest_orient": "change",
            "accueil_intakerequest_suggest": "view",
            "accueil_intakerequest_transition": "change",
            "accueil_intakerequest_dashboard": "view",
            "accueil_intakerequest_export": "view",
            "accueil_intakerequest_fse": "view",
            "accueil_intakerequest_erase": SUPERUSER_ONLY,
        },
        note="Filed online by holders (no add in the admin); only a superuser deletes one (enforced in "
        "accueil/admin.py).",
    ),
    ModelRule(
        "accueil.RequestErasure",
        rights={ACCUEIL: VIEW, DIRECTION: VIEW},
        note="Audit trail of erasures (reference, who, when, reason): read-only for everyone.",
    ),
    ModelRule("accueil.RequestTransition", _PERSONAL, rights=_INTAKE_DETAIL),
    ModelRule(
        "accueil.Attachment",
        _PERSONAL,
        rights=_INTAKE_DETAIL,
        note="Name and size; files are served only to the structures the request is oriented to, through "
        "a permission-checked page that logs each download (accueil.DocumentDownload).",
    ),
    ModelRule(
        "accueil.DocumentDownload",
        _PERSONAL,
        rights=_INTAKE_DETAIL,
        note="Which structure (and member) downloaded which of a holder's documents, and when.",
    ),
    ModelRule(
        "accueil.RequestAssignment",
        _PERSONAL,
        rights=_INTAKE_DETAIL,
        note="Written by « Prendre en charge » and the « Attribuer » button: read-only.",
    ),
    ModelRule(
        "accueil.ParticipantProfile",
        (Sensitivity.PERSONAL, Sensitivity.FSE),
        rights={ACCUEIL: VIEW},
        note="Individual FSE answers: Accueil only; Direction sees the aggregated FSE report.",
    ),
    ModelRule(
        "accueil.Message",
        _PERSONAL,
        rights=_INTAKE_DETAIL,
        note="Written through the « message » button (to the holder or to one structure).",
    ),
    ModelRule(
        "accueil.InternalNote",
        _PERSONAL,
        rights={ACCUEIL: VIEW_ADD_CHANGE, DIRECTION: VIEW},
    ),
    ModelRule(
        "accueil.Orientation",
        _PERSONAL_SECRET,
        rights=_INTAKE_DETAIL,
        note="Made by the « orienter » page, moved on by the partner: read-only in the admin.",
    ),
    ModelRule("accueil.OrientationTransition", _PERSONAL, rights=_INTAKE_DETAIL),
    ModelRule(
        "accueil.RequestReference",
        _PERSONAL,
        rights=_INTAKE_DETAIL,
        note="Tools suggested to a holder (a generic reference, its title copied): added and moved on through the "
        "request's « Suggestions » page (changing the request) or by the holder; read-only inline.",
    ),
    ModelRule("accueil.RequestReferenceTransition", _PERSONAL, rights=_INTAKE_DETAIL),
    # --- communication ---------------------------------------------------------------------
    ModelRule("communication.NewsCategory", rights=_NEWS),
    ModelRule("communication.Tag", rights=_NEWS),
    ModelRule("communication.NewsArticle", rights=_NEWS),
    ModelRule("communication.Event", rights=_NEWS),
    ModelRule(
        "communication.Subscriber",
        _PERSONAL,
        rights={COMMUNICATION: VIEW_CHANGE, DIRECTION: VIEW},
        note="Unsubscribing erases the address; nobody adds one (double opt-in); deletion: superusers.",
    ),
    ModelRule(
        "communication.NewsletterIssue",
        rights=_NEWS,
        admin_views={
            "communication_newsletterissue_preview": "view",
            "communication_newsletterissue_test": "change",
            "communication_newsletterissue_send": "change",
            "communication_newsletterissue_resend": "change",
        },
    ),
    ModelRule(
        "communication.Delivery",
        _PERSONAL,
        rights={COMMUNICATION: VIEW, DIRECTION: VIEW},
        note="Written by the send: read-only.",
    ),
    # --- observatoire ----------------------------------------------------------------------
    ModelRule(
        "observatoire.Millesime",
        rights={OBSERVATOIRE: VIEW_ADD_CHANGE, COMMUNICATION: VIEW, DIRECTION: VIEW},
        admin_views={"observatoire_millesime_transition": "change"},
        note="Publishing makes a millésime's figures public (after secrecy): Observatoire only.",
    ),
    ModelRule("observatoire.MillesimeTransition", rights={OBSERVATOIRE: VIEW, DIRECTION: VIEW}),
    ModelRule(
        "observatoire.PerimeterExclusion",
        rights={OBSERVATOIRE: ALL, DIRECTION: VIEW},
        note="The activities left out of the ESS perimeter; a change applies at the next publication.",
    ),
    ModelRule(
        "observatoire.Establishment",
        rights={OBSERVATOIRE: VIEW},
        note="Establishment-level employment and payroll are under statistical secrecy (INSEE's order): "
        "Observatoire only, read-only (written by imports); individual entrepreneurs' names are not kept.",
    ),
    ModelRule(
        "observatoire.Figure",
        rights={OBSERVATOIRE: VIEW},
        note="Figures before secrecy, primary-secret cells included: Observatoire only, read-only; "
        "the public reads them through observatoire.secrecy.",
    ),
    ModelRule(
        "observatoire.DataImport",
        rights={OBSERVATOIRE: ("view", "add", "delete")},
        admin_views={
            "observatoire_dataimport_launch": "add",
            "observatoire_dataimport_progress": "view",
            "observatoire_dataimport_refusals": "view",
        },
        note="Files are deleted once imported; the report of refused rows stays.",
    ),
    ModelRule("observatoire.ImportRefusal", rights={OBSERVATOIRE: VIEW}, note="Shown on its import's page."),
    ModelRule(
        "observatoire.Panorama",
        rights={OBSERVATOIRE: VIEW_CHANGE, COMMUNICATION: VIEW, DIRECTION: VIEW},
        note="Built by the worker from published figures (no field to edit); « change » is the action that "
        "publishes one.",
    ),
    ModelRule(
        "observatoire.PanoramaRequest",
        _PERSONAL,
        rights={OBSERVATOIRE: VIEW},
        note="An email address and its consent; read-only, deleted after PANORAMA_REQUEST_RETENTION_DAYS.",
    ),
    ModelRule(
        "observatoire.Publication",
        rights={OBSERVATOIRE: ALL, COMMUNICATION: VIEW, DIRECTION: VIEW},
        note="Public as soon as saved (the publications list); uploads are checked to be PDF by content.",
    ),
    # --- formation -------------------------------------------------------------------------
    ModelRule(
        "formation.Training",
        rights={FORMATION: VIEW_ADD_CHANGE, COMMUNICATION: VIEW, ACCUEIL: VIEW, DIRECTION: VIEW},
        note="The catalogue; a training is archived, never deleted (its sessions and certificates refer to it).",
    ),
    ModelRule(
        "formation.Trainer",
        _PERSONAL,
        rights={FORMATION: VIEW_ADD_CHANGE, DIRECTION: VIEW},
        note="Contact details of trainers; only the name and the public presentation are shown on the site.",
    ),
    ModelRule(
        "formation.Session",
        rights={FORMATION: VIEW_ADD_CHANGE, COMMUNICATION: VIEW, ACCUEIL: VIEW, DIRECTION: VIEW},
        note="Cancelled through its state, never deleted once people registered (PROTECT).",
    ),
    ModelRule("formation.HalfDay", rights={FORMATION: ALL, DIRECTION: VIEW}, note="Edited on its session's page."),
    ModelRule(
        "formation.RegistrationGroup",
        _PERSONAL,
        rights={FORMATION: VIEW_CHANGE, DIRECTION: VIEW},
        note="The contact of a structure that registered several people.",
    ),
    ModelRule(
        "formation.Registration",
        _PERSONAL,
        rights={FORMATION: VIEW_CHANGE, DIRECTION: VIEW},
        admin_views={
            "formation_registration_transition": "change",
            "formation_registration_attendance": "view",
            "formation_registration_sheet": "view",
            "formation_registration_export_csv": "view",
            "formation_registration_export_xlsx": "view",
            "formation_registration_session_certificates": "change",
            "formation_registration_certificate": "view",
            "formation_registration_move": "change",
        },
        note="Trainees' details; states change only through the declared workflow (buttons); anonymised, "
        "never deleted, while the FSE retention applies. A place is taken through the registration services "
        "(capacity, waiting list), not the admin's add form. The pages of a session that list its trainees "
        "(attendance grid, attendance sheet, export) live here: reading the session is not enough; recording "
        "the grid also needs the change right on attendance.",
    ),
    ModelRule("formation.RegistrationTransition", rights={FORMATION: VIEW, DIRECTION: VIEW}),
    ModelRule(
        "formation.Attendance",
        _PERSONAL,
        rights={FORMATION: VIEW_ADD_CHANGE, DIRECTION: VIEW},
        note="Presence per half-day: the evidence of the attendance sheet, recorded on a session's grid "
        "(no page of its own).",
    ),
    ModelRule(
        "formation.SurveyResponse",
        _PERSONAL,
        rights={FORMATION: VIEW, DIRECTION: VIEW},
        note="Written by the trainee through their private link: read-only.",
    ),
    ModelRule(
        "formation.Complaint",
        _PERSONAL,
        rights={FORMATION: VIEW_ADD_CHANGE, DIRECTION: VIEW},
        admin_views={"formation_complaint_quality": "view"},
        note="Complaints and their handling (Qualiopi indicator 31). The quality dashboard (fill, attendance, "
        "satisfaction, complaints per training and year) is a page of this admin.",
    ),
    ModelRule(
        "formation.HrRequest",
        _PERSONAL,
        rights={FORMATION: VIEW_CHANGE, DIRECTION: VIEW},
        admin_views={"formation_hrrequest_transition": "change", "formation_hrrequest_message": "change"},
        note="An employer's HR question, filed on the public form; states change only through the declared "
        "workflow (buttons); a staff message emails the employer a private link to the follow-up page.",
    ),
    ModelRule("formation.HrRequestTransition", rights={FORMATION: VIEW, DIRECTION: VIEW}),
    # --- partenariats ----------------------------------------------------------------------
    ModelRule(
        "partenariats.Partner",
        rights={PARTENARIATS: VIEW_ADD_CHANGE, COMMUNICATION: VIEW, ACCUEIL: VIEW, DIRECTION: VIEW},
        note="A partner is a directory organisation with a kind and a public description; removed from the "
        "public page (« affiché »), never deleted while conventions refer to it (PROTECT).",
    ),
    ModelRule(
        "partenariats.PartnerContact",
        _PERSONAL,
        rights={PARTENARIATS: VIEW_ADD_CHANGE, DIRECTION: VIEW},
        note="People to reach at a partner: Partenariats only; a person's record is deleted by a superuser only.",
    ),
    ModelRule(
        "partenariats.Convention",
        rights={PARTENARIATS: VIEW_ADD_CHANGE, DIRECTION: VIEW},
        admin_views={
            "partenariats_convention_transition": "change",
            "partenariats_convention_amendment_add": "change",
            "partenariats_convention_signed_file": "view",
            "partenariats_convention_amendment_file": "view",
        },
        note="Amounts and signed files are internal until published (« montant publié »); states change only "
        "through the declared workflow (buttons); a convention is ended or terminated, never deleted. The signed "
        "PDF and the amendments' PDFs are downloaded through permission-checked pages (view on the convention, "
        "and on amendments for theirs); « Ajouter un avenant » needs change here and add on amendments.",
    ),
    ModelRule("partenariats.ConventionTransition", rights={PARTENARIATS: VIEW, DIRECTION: VIEW}),
    ModelRule("partenariats.Amendment", rights={PARTENARIATS: ALL, DIRECTION: VIEW}),
    ModelRule(
        "partenariats.Commitment",
        rights={PARTENARIATS: ALL, DIRECTION: VIEW},
        admin_views={
            "partenariats_commitment_transition": "change",
            "partenariats_commitment_deliverable": "view",
        },
        note="States change only through the declared workflow; a partner declares one kept from its space, "
        "staff confirm. A deliverable is downloaded through a permission-checked page (view here and on "
        "deliverables).",
    ),
    ModelRule("partenariats.CommitmentTransition", rights={PARTENARIATS: VIEW, DIRECTION: VIEW}),
    ModelRule(
        "partenariats.Deliverable",
        rights={PARTENARIATS: ALL, DIRECTION: VIEW},
        note="Files uploaded by staff or by the partner, checked by content (services.add_deliverable); served "
        "through a permission-checked page only.",
    ),
    ModelRule(
        "partenariats.Committee",
        rights={PARTENARIATS: ALL, DIRECTION: VIEW},
        admin_views={
            "partenariats_committee_decision": "change",
            "partenariats_committee_send_minutes": "change",
            "partenariats_committee_minutes_pdf": "view",
        },
        note="Minutes are sanitised rich text; « Enregistrer une décision » creates or changes a commitment of "
        "the committee's convention (it also needs the add or change right on commitments); « Générer et envoyer "
        "le compte rendu » has a worker build the PDF and email each participant a private link to it.",
    ),
    ModelRule(
        "partenariats.CommitteeParticipant",
        _PERSONAL,
        rights={PARTENARIATS: VIEW_ADD_CHANGE, DIRECTION: VIEW},
        note="Names and emails of the people invited; the minutes are sent to them.",
    ),
    ModelRule("partenariats.Decision", rights={PARTENARIATS: ALL, DIRECTION: VIEW}),
    ModelRule(
        "partenariats.ConventionMessage",
        _PERSONAL,
        rights={PARTENARIATS: ("view", "add"), DIRECTION: VIEW},
        admin_views={"partenariats_conventionmessage_send": "add"},
        note="The conversation of a convention with its partners' members (names, what they write): read on the "
        "convention's page; « add » is writing to the partners (each member emailed), never editing a message.",
    ),
    ModelRule(
        "partenariats.PartnerFigure",
        rights={PARTENARIATS: ALL, COMMUNICATION: VIEW, DIRECTION: VIEW},
        note="Public once « publié » is ticked.",
    ),
    # --- territoires -----------------------------------------------------------------------
    ModelRule(
        "territoires.Plan",
        rights={PARTENARIATS: VIEW_ADD_CHANGE, OBSERVATOIRE: VIEW, COMMUNICATION: VIEW, DIRECTION: VIEW},
        note="Public once « publié » is ticked; unpublished rather than deleted.",
    ),
    ModelRule("territoires.Axis", rights={PARTENARIATS: ALL, DIRECTION: VIEW}, note="Edited on its plan's page."),
    ModelRule(
        "territoires.Action",
        rights={PARTENARIATS: ALL, DIRECTION: VIEW},
        admin_views={"territoires_action_transition": "change"},
        note="States change only through the declared workflow (buttons).",
    ),
    ModelRule("territoires.ActionTransition", rights={PARTENARIATS: VIEW, DIRECTION: VIEW}),
    ModelRule(
        "territoires.Indicator",
        rights={PARTENARIATS: ALL, OBSERVATOIRE: VIEW_CHANGE, DIRECTION: VIEW},
        note="Observatoire may record measured values.",
    ),
    ModelRule("territoires.IndicatorValue", rights={PARTENARIATS: ALL, OBSERVATOIRE: ALL, DIRECTION: VIEW}),
    ModelRule("territoires.Policy", rights={PARTENARIATS: ALL, COMMUNICATION: VIEW, DIRECTION: VIEW}),
    ModelRule("territoires.PtceMember", rights={PARTENARIATS: ALL, DIRECTION: VIEW}),
    # --- experimentations --------------------------------------------------------------------
    ModelRule(
        "experimentations.FinancialTool",
        rights={PARTENARIATS: VIEW_ADD_CHANGE, ACCUEIL: VIEW, COMMUNICATION: VIEW, DIRECTION: VIEW},
        note="Public once published (declared workflow, buttons); archived, never deleted (alerts and intake "
        "requests refer to it). Accueil reads the catalogue to suggest tools to holders.",
        admin_views={"experimentations_financialtool_transition": "change"},
    ),
    ModelRule("experimentations.FinancialToolTransition", rights={PARTENARIATS: VIEW, DIRECTION: VIEW}),
    ModelRule(
        "experimentations.ToolAlert",
        _PERSONAL_SECRET,
        rights={PARTENARIATS: VIEW, DIRECTION: VIEW},
        note="Saved searches with an email (double opt-in): nobody adds or edits one in the admin; the person "
        "unsubscribes through the link of each email; the link's hash is never shown; deletion: superusers.",
    ),
    ModelRule(
        "experimentations.AlertDelivery",
        _PERSONAL,
        rights={PARTENARIATS: VIEW, DIRECTION: VIEW},
        note="What each alert was sent (each tool once per reason): read-only.",
    ),
    ModelRule(
        "experimentations.Need",
        _PERSONAL_SECRET,
        rights={PARTENARIATS: VIEW_CHANGE, DIRECTION: VIEW},
        admin_views={"experimentations_need_transition": "change", "experimentations_need_impact": "view"},
        note="Posted by buyers online (no add in the admin); states change only through the declared workflow; "
        "the buyer's private link is stored hashed and never shown; deletion: superusers.",
    ),
    ModelRule("experimentations.NeedTransition", rights={PARTENARIATS: VIEW, DIRECTION: VIEW}),
    ModelRule(
        "experimentations.SupplierMatch",
        _PERSONAL_SECRET,
        rights={PARTENARIATS: VIEW_ADD_CHANGE, DIRECTION: VIEW},
        admin_views={"experimentations_suppliermatch_need": "view"},
        note="The suppliers proposed for a need, adjusted by staff before sending, and each one's funnel; the "
        "supplier's private link is stored hashed and never shown.",
    ),
    ModelRule(
        "experimentations.Experiment",
        rights={PARTENARIATS: VIEW_ADD_CHANGE, COMMUNICATION: VIEW, OBSERVATOIRE: VIEW, DIRECTION: VIEW},
        admin_views={"experimentations_experiment_transition": "change"},
        note="Public once « publiée » is ticked; stages change only through the declared workflow (buttons).",
    ),
    ModelRule("experimentations.ExperimentTransition", rights={PARTENARIATS: VIEW, DIRECTION: VIEW}),
    ModelRule("experimentations.ExperimentIndicator", rights={PARTENARIATS: ALL, OBSERVATOIRE: VIEW, DIRECTION: VIEW}),
    ModelRule("experimentations.ExperimentMeasure", rights={PARTENARIATS: ALL, OBSERVATOIRE: VIEW, DIRECTION: VIEW}),
    ModelRule(
        "experimentations.ExperimentDocument",
        rights={PARTENARIATS: ALL, DIRECTION: VIEW},
        note="Files checked by content; public only when « public » is ticked on a public experiment.",
    ),
    # --- emplois ------------------------------------------------------------------------------
    ModelRule(
        "emplois.Offer",
        _PERSONAL,
        rights={FORMATION: VIEW_CHANGE, COMMUNICATION: VIEW, ACCUEIL: VIEW, DIRECTION: VIEW},
        admin_views={
            "emplois_offer_transition": "change",
            "emplois_offer_dashboard": "view",
            "emplois_offer_dashboard_csv": "view",
        },
        note="Posted by the organisations' members from their space; Formation moderates (declared workflow, "
        "buttons: publish, refuse with a reason). Personal: the address that receives applications. Public "
        "once published; never deleted by a role (applications refer to it). Its dashboard (and CSV) counts "
        "offers, applications and alerts, no personal data.",
    ),
    ModelRule("emplois.OfferTransition", rights={FORMATION: VIEW, DIRECTION: VIEW}),
    ModelRule(
        "emplois.Application",
        _PERSONAL,
        rights={FORMATION: VIEW},
        note="Made by candidates online; the employer reads and moves it through its private link or space. "
        "Formation reads it to help either side (never changes it); CV and letter purged with the row after "
        "APPLICATION_RETENTION_MONTHS; deletion: superusers.",
    ),
    ModelRule("emplois.ApplicationTransition", _PERSONAL, rights={FORMATION: VIEW}),
    ModelRule(
        "emplois.JobAlert",
        _PERSONAL_SECRET,
        rights={FORMATION: VIEW, DIRECTION: VIEW},
        note="Saved searches with an email (double opt-in): nobody adds or edits one in the admin; the person "
        "unsubscribes through the link of each email; the link's hash is never shown; deletion: superusers.",
    ),
    ModelRule(
        "emplois.JobAlertDelivery",
        _PERSONAL,
        rights={FORMATION: VIEW, DIRECTION: VIEW},
        note="Which offer each alert was sent (once): read-only.",
    ),
    ModelRule(
        "emplois.MetierFamily",
        rights={FORMATION: VIEW_ADD_CHANGE, COMMUNICATION: VIEW},
        note="Les métiers de l'ESS: loaded from emplois/data/metiers_ess.csv by migration; Formation keeps them "
        "up to date, unpublishes rather than deletes (the public pages' addresses).",
    ),
    ModelRule(
        "emplois.SkillsRecord",
        _PERSONAL_SECRET,
        note="A person's skills record (email, experiences, skills, PDF summary), kept through its private link "
        "without an account: no role reads it (superusers only, read-only, to delete one on request); the link's "
        "hash is never shown; purged SKILLS_RECORD_DAYS after the last activity.",
    ),
    ModelRule(
        "emplois.SkillsExperience",
        _PERSONAL,
        note="The experiences of a skills record: not in the admin; deleted with their record.",
    ),
    # --- appartenance ---------------------------------------------------------------------------
    ModelRule(
        "appartenance.GuideAssessment",
        note="An organisation's yearly self-assessment on the good-practices guide: private to its members "
        "(their pages under /ess/bonnes-pratiques/); not in the admin, no role reads it.",
    ),
    ModelRule(
        "appartenance.GuideAnswer",
        _PERSONAL,
        note="The answers of a self-assessment, with who answered: private to the organisation's members; not in "
        "the admin; deleted with the assessment.",
    ),
    ModelRule(
        "appartenance.GuideAction",
        _PERSONAL,
        note="The improvement actions of a self-assessment (owner named by the organisation): private to its "
        "members; not in the admin.",
    ),
    ModelRule(
        "appartenance.GuideReport",
        _PERSONAL,
        note="The PDF report of a self-assessment and who asked for it: built by a worker, downloaded by the "
        "organisation's members only (/ess/bonnes-pratiques/…/rapport/); not in the admin.",
    ),
    ModelRule(
        "formation.HrMessage",
        _PERSONAL,
        rights={FORMATION: VIEW_ADD_CHANGE, DIRECTION: VIEW},
        note="The conversation of an HR request; a staff message emails the employer through the outbox.",
    ),
    # --- appartenance: the membership badge (issue 20, point 5) ------------------------------
    ModelRule(
        "appartenance.Membership",
        rights={COMMUNICATION: VIEW_ADD_CHANGE, DIRECTION: VIEW},
        note="Memberships of directory organisations (year, fee): Communication runs Action 4 and records them; "
        "the state changes only through the declared workflow (buttons, with a log); a cancelled membership is "
        "set « annulée », not deleted. Its revoke action needs « change ».",
        admin_views={"appartenance_membership_transition": "change"},
    ),
    ModelRule("appartenance.MembershipTransition", rights={COMMUNICATION: VIEW, DIRECTION: VIEW}),
    ModelRule(
        "appartenance.EssVerification",
        _PERSONAL,
        rights={COMMUNICATION: VIEW_ADD_CHANGE, DIRECTION: VIEW},
        note="« ESS status verified by staff »: the staff member who verified it is named (kept with the record).",
    ),
    ModelRule(
        "appartenance.BadgeKey",
        _PERSONAL,
        rights={COMMUNICATION: VIEW, DIRECTION: VIEW},
        note="The version signed into a badge's address (no secret: the address is derived with SECRET_KEY); "
        "raised by the revoke action, read-only here; names who revoked.",
    ),
    ModelRule(
        "appartenance.Resource",
        rights={COMMUNICATION: ALL, OBSERVATOIRE: VIEW_ADD_CHANGE, DIRECTION: VIEW},
        note="The resource centre (guides, studies, statute models, publications, recordings): Communication "
        "publishes them, the Observatoire adds its publications; files checked by their content.",
    ),
    ModelRule(
        "appartenance.ResourceTag",
        note="A resource's themes, audiences and topics: edited on the resource's page, not in the admin.",
    ),
    # --- appartenance: the Prix de l'ESS (issue 20, point 7) ---------------------------------
    ModelRule(
        "appartenance.PrixCampaign",
        rights={COMMUNICATION: VIEW_ADD_CHANGE, DIRECTION: VIEW},
        admin_views={
            "appartenance_prixcampaign_ranking": "view",
            "appartenance_prixcampaign_deliberation": "change",
            "appartenance_prixcampaign_publish": "change",
        },
        note="A yearly campaign (timetable, categories, weighted grid, jury): Communication sets it up, reads the "
        "consolidated ranking, records the deliberation and publishes the laureates (page, news, emails).",
    ),
    ModelRule(
        "appartenance.PrixCategory",
        rights={COMMUNICATION: ALL, DIRECTION: VIEW},
        note="A campaign's categories: edited on the campaign's page (an application keeps its category: PROTECT).",
    ),
    ModelRule(
        "appartenance.PrixCriterion",
        rights={COMMUNICATION: ALL, DIRECTION: VIEW},
        note="A campaign's weighted grid: edited on the campaign's page.",
    ),
    ModelRule(
        "appartenance.PrixApplication",
        _PERSONAL,
        rights={COMMUNICATION: VIEW, DIRECTION: VIEW},
        note="Written by the organisations' members (their pages under /ess/prix/), frozen once submitted "
        "(database trigger): read-only here for everyone; names who submitted it.",
    ),
    ModelRule(
        "appartenance.PrixApplicationTransition",
        _PERSONAL,
        rights={COMMUNICATION: VIEW, DIRECTION: VIEW},
        note="An application's log: shown (read-only) on the application's page.",
    ),
    ModelRule(
        "appartenance.PrixAttachment",
        _PERSONAL,
        rights={COMMUNICATION: VIEW, DIRECTION: VIEW},
        note="An application's files, checked by their content: listed (read-only) on the application's page.",
    ),
    ModelRule(
        "appartenance.JuryMember",
        _PERSONAL,
        rights={COMMUNICATION: VIEW_ADD_CHANGE, DIRECTION: VIEW},
        note="Jury appointments (a user account per juror): Communication appoints jurors; a juror's row, "
        "which their scores hang on, is deleted only by a superuser (personal data is never deleted by a role).",
    ),
    ModelRule(
        "appartenance.ConflictOfInterest",
        _PERSONAL,
        rights={COMMUNICATION: VIEW, DIRECTION: VIEW},
        note="Declared by the jurors themselves on their pages: read-only here.",
    ),
    ModelRule(
        "appartenance.PrixEvaluation",
        _PERSONAL,
        rights={COMMUNICATION: VIEW, DIRECTION: VIEW},
        note="A juror's scores and comment: written by the juror alone, read-only here (other jurors never see "
        "them before the deliberation).",
    ),
    ModelRule(
        "appartenance.PrixScore",
        _PERSONAL,
        rights={COMMUNICATION: VIEW, DIRECTION: VIEW},
        note="A score per criterion: shown (read-only) on its evaluation's page.",
    ),
    # --- cress: personal-data requests (issue 14, point 2) ---------------------------------
    ModelRule(
        "cress.PersonalDataRequest",
        rights={DIRECTION: VIEW},
        admin_views={
            "cress_personaldatarequest_person": "view",
            "cress_personaldatarequest_erase": SUPERUSER_ONLY,
        },
        note="The journal of access and erasure requests (no address kept, only a keyed digest). Direction "
        "searches a person and downloads their ZIP (RGPD art. 15); only a superuser erases (art. 17).",
    ),
)

RULES_BY_MODEL = {rule.model: rule for rule in MODEL_RULES}


def rights_of(role: str, model: str) -> tuple[str, ...]:
    """The actions a role has on a model ("app_label.ModelName"), as declared."""
    return tuple(RULES_BY_MODEL[model].rights.get(role, ()))
