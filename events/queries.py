"""Reads of the events app used by more than one caller."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q

from cohort.models import Cohort, Membership, Role, User
from events.models import Attendance, Event, LightningSlot, RecordingOptOut

GUIDANCE_LOW, GUIDANCE_HIGH = 10, 80


def schedule_events(cohort: Cohort):
    return Event.objects.active().filter(cohort=cohort).select_related("host", "cohort")


# How long a cancelled event stays in the feeds (as STATUS:CANCELLED) after its last change.
FEED_KEEPS_CANCELLED = timedelta(days=30)


def feed_events(cohort: Cohort, now: datetime):
    """The events a feed carries: those on, and those cancelled in the last 30 days."""
    return (
        Event.objects.filter(cohort=cohort)
        .filter(Q(cancelled=False) | Q(updated_at__gte=now - FEED_KEEPS_CANCELLED))
        .select_related("host", "cohort")
    )


def upcoming_events(cohort: Cohort, now: datetime, limit: int = 5):
    return list(schedule_events(cohort).filter(ends_at__gt=now)[:limit])


def event_of_cohort(cohort: Cohort, pk: int):
    return Event.objects.select_related("host", "cohort").filter(cohort=cohort, pk=pk)


@dataclass(frozen=True)
class OptOuts:
    everything: bool
    event_ids: frozenset

    def covers(self, event: Event) -> bool:
        return self.everything or event.pk in self.event_ids


def opt_outs_of(cohort: Cohort, user: User) -> OptOuts:
    rows = list(
        RecordingOptOut.objects.filter(cohort=cohort, user=user).values_list("event_id", flat=True)
    )
    return OptOuts(
        everything=None in rows, event_ids=frozenset(pk for pk in rows if pk is not None)
    )


def people_opted_out(event: Event) -> list[User]:
    """Everyone in the cohort who does not want to be recorded at this event."""
    rows = (
        RecordingOptOut.objects.filter(cohort=event.cohort)
        .filter(Q(event=event) | Q(event__isnull=True))
        .filter(user__memberships__cohort=event.cohort)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    seen, people = set(), []
    for row in rows:
        if row.user_id not in seen:
            seen.add(row.user_id)
            people.append(row.user)
    return people


def attended_event_ids(cohort: Cohort, user: User) -> set[int]:
    return set(
        Attendance.objects.filter(event__cohort=cohort, user=user).values_list(
            "event_id", flat=True
        )
    )


@dataclass(frozen=True)
class Share:
    attended: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.attended / self.total) if self.total else 0

    @property
    def verdict(self) -> str:
        if not self.total:
            return "none yet"
        if self.percent < GUIDANCE_LOW:
            return "below"
        if self.percent > GUIDANCE_HIGH:
            return "above"
        return "within"


def past_events(cohort: Cohort, now: datetime):
    return Event.objects.active().filter(cohort=cohort, ends_at__lte=now)


def attendance_share(cohort: Cohort, user: User, now: datetime) -> Share:
    counts = past_events(cohort, now).aggregate(
        total=Count("id", distinct=True),
        attended=Count("id", filter=Q(attendances__user=user), distinct=True),
    )
    return Share(attended=counts["attended"], total=counts["total"])


def attendance_by_participant(cohort: Cohort, now: datetime) -> list[tuple[User, Share]]:
    total = past_events(cohort, now).count()
    participants = (
        User.objects.filter(memberships__cohort=cohort, memberships__role=Role.PARTICIPANT)
        .annotate(
            attended=Count(
                "attendances",
                filter=Q(
                    attendances__event__cohort=cohort,
                    attendances__event__cancelled=False,
                    attendances__event__ends_at__lte=now,
                ),
                distinct=True,
            )
        )
        .order_by("name", "email")
    )
    return [(person, Share(attended=person.attended, total=total)) for person in participants]


def participants_of(cohort: Cohort):
    return User.objects.filter(
        memberships__cohort=cohort, memberships__role=Role.PARTICIPANT
    ).order_by("name", "email")


def run_sheet(event: Event):
    return LightningSlot.objects.filter(event=event).select_related("speaker", "partner")


def membership_for_feed(slug: str, token: str) -> Membership | None:
    return (
        Membership.objects.select_related("cohort", "user")
        .filter(cohort__slug=slug, feed_token__token=token, user__is_active=True)
        .first()
    )
