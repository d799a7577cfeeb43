"""The quality figures of the trainings (Qualiopi), per training and per year: reads only.

For a year (of the sessions' start, in Réunion time), over the past sessions that were not
cancelled:
- fill rate: places taken (registrations inscrite, confirmée, présente or absente) over the
  sessions' capacity;
- attendance rate: half-days attended over half-days recorded (the attendance sheet);
- hot and cold satisfaction: the average answer (1 to 5), and the response rate: answers
  over the people marked present (the surveys go to them);
- objectives met: the average answer of the hot survey (1 to 5);
- complaints received in the year about the training: how many, how many handled and the
  average time to handle them.
Each figure is one grouped query over all the trainings: the page makes the same number of
queries whatever the number of trainings, sessions or answers.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from formation.models import Attendance, Complaint, Registration, Session, SurveyResponse, Training

R = Registration.Status
TAKEN = [R.REGISTERED, R.CONFIRMED, R.PRESENT, R.ABSENT]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class QualityFigures:
    """The counts of one training (or of all of them) in a year; the rates derive from them."""

    title: str
    training_id: int | None = None
    sessions: int = 0
    capacity: int = 0
    taken: int = 0
    present: int = 0
    half_days_recorded: int = 0
    half_days_attended: int = 0
    hot_answers: int = 0
    hot_satisfaction_total: int = 0
    hot_objectives_total: int = 0
    cold_answers: int = 0
    cold_satisfaction_total: int = 0
    complaints: int = 0
    complaints_handled: int = 0
    handling_time_total: timedelta = field(default_factory=timedelta)

    @property
    def fill_rate(self):
        return _rate(self.taken, self.capacity)

    @property
    def attendance_rate(self):
        return _rate(self.half_days_attended, self.half_days_recorded)

    @property
    def hot_satisfaction(self):
        return _rate(self.hot_satisfaction_total, self.hot_answers)

    @property
    def hot_response_rate(self):
        return _rate(self.hot_answers, self.present)

    @property
    def cold_satisfaction(self):
        return _rate(self.cold_satisfaction_total, self.cold_answers)

    @property
    def cold_response_rate(self):
        return _rate(self.cold_answers, self.present)

    @property
    def objectives_met(self):
        return _rate(self.hot_objectives_total, self.hot_answers)

    @property
    def handling_days(self) -> float | None:
        """The average time to handle a complaint, in days."""
        if not self.complaints_handled:
            return None
        return self.handling_time_total.total_seconds() / 86400 / self.complaints_handled

    def add(self, other: "QualityFigures") -> None:
        for name in self.__dataclass_fields__:
            if name not in {"title", "training_id"}:
                setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class QualityReport:
    year: int
    rows: list[QualityFigures]
    total: QualityFigures


def available_years() -> list[int]:
    """The years with a session or a complaint, the current one always, latest first."""
    years = {timezone.localdate().year}
    for model, field_name in ((Session, "starts_at"), (Complaint, "received_at")):
        years.update(
            model.objects.annotate(year=ExtractYear(field_name)).values_list("year", flat=True).order_by().distinct()
        )
    return sorted(years, reverse=True)


def quality_report(year: int) -> QualityReport:
    """Every training with a past session or a complaint in `year`, and the year's total."""
    past = Session.objects.filter(
        starts_at__year=year, ends_at__lt=timezone.now(), status=Session.Status.PLANNED
    ).values("pk")
    figures: dict[int, QualityFigures] = {}

    def row(training_id: int) -> QualityFigures:
        return figures.setdefault(training_id, QualityFigures(title="", training_id=training_id))

    for line in (
        Session.objects.filter(pk__in=past)
        .values("training")
        .annotate(sessions=Count("pk"), capacity=Sum("capacity"))
        .order_by()
    ):
        row(line["training"]).sessions, row(line["training"]).capacity = line["sessions"], line["capacity"]
    for line in (
        Registration.objects.filter(session__in=past)
        .values("session__training")
        .annotate(taken=Count("pk", filter=Q(status__in=TAKEN)), present=Count("pk", filter=Q(status=R.PRESENT)))
        .order_by()
    ):
        figures_of = row(line["session__training"])
        figures_of.taken, figures_of.present = line["taken"], line["present"]
    for line in (
        Attendance.objects.filter(half_day__session__in=past)
        .values("half_day__session__training")
        .annotate(recorded=Count("pk"), attended=Count("pk", filter=Q(present=True)))
        .order_by()
    ):
        figures_of = row(line["half_day__session__training"])
        figures_of.half_days_recorded, figures_of.half_days_attended = line["recorded"], line["attended"]
    for line in (
        SurveyResponse.objects.filter(registration__session__in=past)
        .values("registration__session__training", "kind")
        .annotate(answers=Count("pk"), satisfaction=Sum("satisfaction"), objectives=Sum("objectives_met"))
        .order_by()
    ):
        figures_of = row(line["registration__session__training"])
        if line["kind"] == SurveyResponse.Kind.HOT:
            figures_of.hot_answers = line["answers"]
            figures_of.hot_satisfaction_total = line["satisfaction"]
            figures_of.hot_objectives_total = line["objectives"]
        else:
            figures_of.cold_answers = line["answers"]
            figures_of.cold_satisfaction_total = line["satisfaction"]
    handled = Q(status=Complaint.Status.HANDLED)
    for line in (
        Complaint.objects.filter(received_at__year=year)
        .values("training")
        .annotate(
            complaints=Count("pk"),
            handled=Count("pk", filter=handled),
            handling=Sum(
                ExpressionWrapper(F("handled_at") - F("received_at"), output_field=DurationField()), filter=handled
            ),
        )
        .order_by()
    ):
        figures_of = row(line["training"])
        figures_of.complaints, figures_of.complaints_handled = line["complaints"], line["handled"]
        figures_of.handling_time_total = line["handling"] or timedelta()
    titles = dict(Training.objects.filter(pk__in=figures).values_list("pk", "title"))
    for training_id, figures_of in figures.items():
        figures_of.title = titles[training_id]
    rows = sorted(figures.values(), key=lambda figures_of: figures_of.title.lower())
    total = QualityFigures(title="Toutes les formations")
    for figures_of in rows:
        total.add(figures_of)
    return QualityReport(year=year, rows=rows, total=total)
