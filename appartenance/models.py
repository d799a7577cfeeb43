"""Appartenance à l'ESS (issue 20, Action 4): each part keeps its models in a module of its
own (models_*.py), imported here so that Django finds them."""

from appartenance.models_badges import BadgeKey, EssVerification, Membership  # noqa: F401
from appartenance.models_guide import GuideAction, GuideAnswer, GuideAssessment  # noqa: F401
from appartenance.models_prix import (  # noqa: F401
    ConflictOfInterest,
    JuryMember,
    PrixApplication,
    PrixApplicationTransition,
    PrixAttachment,
    PrixCampaign,
    PrixCategory,
    PrixCriterion,
    PrixEvaluation,
    PrixScore,
)
from appartenance.models_report import GuideReport  # noqa: F401
from appartenance.models_resources import Resource, ResourceTag  # noqa: F401
