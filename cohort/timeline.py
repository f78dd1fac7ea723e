"""Where a cohort stands in its program: the current phase and the next date that matters."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from cohort.models import Cohort


@dataclass(frozen=True)
class Milestone:
    """A date of the program. `day` is the calendar date everyone reads; `at` is the instant it
    begins or closes in the cohort's timezone (for countdowns and ordering). A deadline is shown
    as an instant (it closes at one moment for everyone), the other dates as days."""

    label: str
    at: datetime
    day: date
    is_deadline: bool = False


@dataclass(frozen=True)
class Phase:
    key: str
    name: str
    summary: str


PHASES = {
    "before": Phase("before", "Before the program", "The preparation phase has not started yet."),
    "preparation": Phase(
        "preparation",
        "Preparation phase",
        "Learn, try mini-projects, find a partner and a problem for the sprint.",
    ),
    "sprint": Phase("sprint", "Research sprint", "Two weeks of full-time research in pairs."),
    "interviews": Phase(
        "interviews", "Final interviews", "Each pair talks through its sprint with the mentor."
    ),
    "after": Phase("after", "After the sprint", "Selection for the research phase and write-ups."),
}


def round_dates(preparation_start: date) -> dict[str, date]:
    """The dates of a typical round from its first day: three weeks of preparation (goals form
    due on day three, partners by the end of week three), a two-week sprint, two interview days."""
    sprint_start = preparation_start + timedelta(days=21)
    sprint_end = sprint_start + timedelta(days=11)
    return {
        "preparation_start": preparation_start,
        "preparation_end": preparation_start + timedelta(days=18),
        "goals_form_due": preparation_start + timedelta(days=2),
        "partner_deadline": preparation_start + timedelta(days=18),
        "sprint_start": sprint_start,
        "sprint_end": sprint_end,
        "interview_start": sprint_end + timedelta(days=1),
        "interview_end": sprint_end + timedelta(days=2),
    }


def milestones(cohort: Cohort) -> list[Milestone]:
    """The cohort's dates in time order, each at the moment it starts or closes."""

    def starts(label, day):
        return Milestone(label, cohort.start_of(day), day)

    def ends(label, day, is_deadline=False):
        return Milestone(label, cohort.end_of(day), day, is_deadline)

    items = [
        starts("Preparation phase starts", cohort.preparation_start),
        ends("Goals form due", cohort.goals_form_due, is_deadline=True),
        ends("Partner deadline", cohort.partner_deadline, is_deadline=True),
        starts("Research sprint starts", cohort.sprint_start),
        ends("Research sprint ends", cohort.sprint_end),
        starts("Final interviews start", cohort.interview_start),
        ends("Final interviews end", cohort.interview_end),
    ]
    return sorted(items, key=lambda m: m.at)


def current_phase(cohort: Cohort, now: datetime | None = None) -> Phase:
    now = now or timezone.now()
    if now < cohort.start_of(cohort.preparation_start):
        return PHASES["before"]
    if now < cohort.start_of(cohort.sprint_start):
        return PHASES["preparation"]
    if now <= cohort.end_of(cohort.sprint_end):
        return PHASES["sprint"]
    if now <= cohort.end_of(cohort.interview_end):
        return PHASES["interviews"]
    return PHASES["after"]


def next_milestone(cohort: Cohort, now: datetime | None = None) -> Milestone | None:
    now = now or timezone.now()
    return next((m for m in milestones(cohort) if m.at > now), None)
