"""The period a staff dashboard or report counts over: its two dates (« Du … au … », both
optional, Réunion's days), the form that reads them from the address, and the filters it
puts on a date-time field."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None

    @classmethod
    def last_year(cls, today: date | None = None) -> "Period":
        """The last twelve months: from the same day a year ago to today."""
        today = today or timezone.localdate()
        try:
            start = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            start = today.replace(year=today.year - 1, day=28)
        return cls(start, today)

    def bounds(self):
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.start, time.min, tz) if self.start else None
        end = datetime.combine(self.end + timedelta(days=1), time.min, tz) if self.end else None
        return start, end

    def q(self, field: str) -> Q:
        """`field` set and within the period (usable as an aggregate's filter)."""
        start, end = self.bounds()
        condition = Q(**{f"{field}__isnull": False})
        if start:
            condition &= Q(**{f"{field}__gte": start})
        if end:
            condition &= Q(**{f"{field}__lt": end})
        return condition

    def filter(self, queryset: QuerySet, field: str = "created_at") -> QuerySet:
        start, end = self.bounds()
        if start:
            queryset = queryset.filter(**{f"{field}__gte": start})
        if end:
            queryset = queryset.filter(**{f"{field}__lt": end})
        return queryset


def _date_input():
    # A date field shows and sends ISO dates, whatever the language's format.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    debut = forms.DateField(label="Du", required=False, widget=_date_input())
    fin = forms.DateField(label="au", required=False, widget=_date_input())

    def clean(self):
        data = super().clean()
        start, end = data.get("debut"), data.get("fin")
        if start and end and start > end:
            raise forms.ValidationError("La date de début est après la date de fin.")
        return data


def read_period(query, default: Period | None = None) -> tuple[PeriodForm, Period]:
    """The form over the address's `debut` and `fin`, and the period it asks for: `default`
    (everything if None) when the address says nothing or its dates are invalid. Empty dates
    sent on purpose mean no bound."""
    default = default or Period()
    asked = query if query and ("debut" in query or "fin" in query) else None
    form = PeriodForm(asked, initial={"debut": default.start, "fin": default.end})
    if form.is_valid():
        return form, Period(form.cleaned_data.get("debut"), form.cleaned_data.get("fin"))
    return form, default
