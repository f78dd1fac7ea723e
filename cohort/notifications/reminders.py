"""Reminders sent as Slack direct messages by Celery beat, each at most once per person.

Two kinds of hook, both registered from an AppConfig's `ready()`:

- A **provider** `(cohort, now) -> iterable of DueReminder` says who should be reminded of
  what right now. `register(provider)`. It is called every few minutes, so it must answer
  "is now inside my window?" and be cheap (a constant number of queries). Each DueReminder
  carries a `key` (e.g. "partner_deadline:24h"); a person gets one key once per cohort, however
  often beat runs or however many workers run it at once (a unique row is claimed first).
- An **audience** `(cohort) -> iterable of user ids` answers a question only another app can
  answer, for a reminder defined here. `register_audience(name, fn)`. The core defines the
  deadline reminders of the issue (goals form 48 h and 6 h before it closes, partner deadline
  72 h and 24 h before, sprint start 24 h before, interview booking 5 days and 24 h before
  interviews start); each needs its audience, which the app owning the data registers:
    GOALS_FORM_NOT_SUBMITTED  participants app: participants who have not submitted
    PARTNER_NOT_FOUND         sprints app: participants still without a partner
    SPRINT_PAIR_MEMBERS       sprints app: members of registered sprint pairs
    INTERVIEW_NOT_BOOKED      sprints app: members of pairs without an interview slot
  Without its audience a reminder is not sent, and the log says so. Only participants of the
  cohort are ever reminded, whatever an audience returns. The daily events digest is the
  events app's own provider (it needs the events), sent to `digest_subscribers(cohort)`.

People who turned reminders off in their notification settings are skipped by the core, so
providers need not look at preferences (except the daily digest, which is opt-in: use
`digest_subscribers(cohort)`).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cohort.models import Cohort, Membership, Role, User
from cohort.notifications.messages import reminder_content
from cohort.notifications.models import NotificationPreference, ReminderSent
from cohort.notifications.queue import queue_direct_message

logger = logging.getLogger("cohort.reminders")


@dataclass(frozen=True)
class DueReminder:
    user_id: int
    key: str
    title: str
    body: str = ""
    url: str = ""
    due: datetime | None = None


Provider = Callable[[Cohort, datetime], Iterable[DueReminder]]
Audience = Callable[[Cohort], Iterable[int]]

_providers: list[Provider] = []
_audiences: dict[str, Audience] = {}

# Audiences other apps provide (see the module docstring and README "Slack").
GOALS_FORM_NOT_SUBMITTED = "goals_form_not_submitted"  # participants app
PARTNER_NOT_FOUND = "partner_not_found"  # sprints app: participants still without a partner
SPRINT_PAIR_MEMBERS = "sprint_pair_members"  # sprints app: everyone in a registered pair
INTERVIEW_NOT_BOOKED = "interview_not_booked"  # sprints app: members of pairs with no slot
ZERO = timedelta(0)
# Beat looks at cohorts from a week before preparation starts to the end of interviews.
ACTIVE_MARGIN = timedelta(days=7)


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def register_audience(name: str, audience: Audience) -> Audience:
    _audiences[name] = audience
    return audience


def unregister_audience(name: str) -> None:
    _audiences.pop(name, None)


def digest_subscribers(cohort: Cohort) -> set[int]:
    """Users of the cohort who opted in to the daily events digest."""
    return set(
        NotificationPreference.objects.filter(
            membership__cohort=cohort, daily_digest=True
        ).values_list("membership__user_id", flat=True)
    )


@dataclass(frozen=True)
class DeadlineReminder:
    """A reminder before one of the cohort's dates, to the people an audience hook names.

    `windows` are (label, opens before the deadline, closes before it); beat sends each window
    once per person while now is inside it, so a missed window is skipped, never sent late.
    """

    name: str
    audience: str
    deadline: Callable[[Cohort], datetime]
    windows: tuple[tuple[str, timedelta, timedelta], ...]
    title: str
    body: str

    def __call__(self, cohort: Cohort, now: datetime) -> list[DueReminder]:
        due = self.deadline(cohort)
        label = next(
            (name for name, opens, closes in self.windows if due - opens <= now < due - closes),
            None,
        )
        if label is None:
            return []
        audience = _audiences.get(self.audience)
        if audience is None:
            logger.info("No %r audience registered: %s reminders skipped", self.audience, self.name)
            return []
        participants = set(
            Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT).values_list(
                "user_id", flat=True
            )
        )
        url = reverse("cohort:home", kwargs={"slug": cohort.slug})
        return [
            DueReminder(
                user_id=user_id,
                key=f"{self.name}:{label}",
                title=self.title,
                body=self.body,
                url=url,
                due=due,
            )
            for user_id in sorted(set(audience(cohort)) & participants)
        ]


goals_form_reminders = DeadlineReminder(
    name="goals_form",
    audience=GOALS_FORM_NOT_SUBMITTED,
    deadline=lambda cohort: cohort.end_of(cohort.goals_form_due),
    windows=(("48h", timedelta(hours=48), timedelta(hours=6)), ("6h", timedelta(hours=6), ZERO)),
    title="Your goals form is still open",
    body="Tell us what you hope to get out of the program before the form closes.",
)
partner_deadline_reminders = DeadlineReminder(
    name="partner_deadline",
    audience=PARTNER_NOT_FOUND,
    deadline=lambda cohort: cohort.end_of(cohort.partner_deadline),
    windows=(("72h", timedelta(hours=72), timedelta(hours=24)), ("24h", timedelta(hours=24), ZERO)),
    title="You have not found a sprint partner yet",
    body="Look at the partner board or ask the mentor: after the deadline the mentor pairs "
    "those still on their own.",
)
sprint_start_reminders = DeadlineReminder(
    name="sprint_start",
    audience=SPRINT_PAIR_MEMBERS,
    deadline=lambda cohort: cohort.start_of(cohort.sprint_start),
    windows=(("24h", timedelta(hours=24), ZERO),),
    title="Your research sprint starts tomorrow",
    body="Check your problem, your partner's availability and your compute budget.",
)
interview_booking_reminders = DeadlineReminder(
    name="interview_booking",
    audience=INTERVIEW_NOT_BOOKED,
    deadline=lambda cohort: cohort.start_of(cohort.interview_start),
    windows=(("5d", timedelta(days=5), timedelta(days=1)), ("24h", timedelta(hours=24), ZERO)),
    title="Your pair has no final interview slot yet",
    body="Book one of the interview slots together with your partner.",
)
CORE_REMINDERS = (
    goals_form_reminders,
    partner_deadline_reminders,
    sprint_start_reminders,
    interview_booking_reminders,
)


def active_cohorts(now: datetime):
    today = timezone.localdate(now)
    return Cohort.objects.filter(
        preparation_start__lte=today + ACTIVE_MARGIN, interview_end__gte=today - timedelta(days=1)
    )


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Ask every provider who is due a reminder and queue each once; returns how many."""
    now = now or timezone.now()
    queued = 0
    for cohort in active_cohorts(now):
        due = [item for provider in _providers for item in provider(cohort, now)]
        if not due:
            continue
        members = set(Membership.objects.filter(cohort=cohort).values_list("user_id", flat=True))
        opted_out = set(
            NotificationPreference.objects.filter(
                membership__cohort=cohort, reminders=False
            ).values_list("membership__user_id", flat=True)
        )
        users = User.objects.in_bulk({item.user_id for item in due})
        for item in due:
            user = users.get(item.user_id)
            if user is None or item.user_id not in members or item.user_id in opted_out:
                continue
            if _claim_and_queue(cohort, user, item, reminder_content, queue_direct_message):
                queued += 1
    return queued


def _claim_and_queue(cohort, user, item: DueReminder, render, queue) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(cohort=cohort, user=user, key=item.key)
            queue(
                cohort=cohort,
                user=user,
                purpose=f"reminder:{item.key}"[:80],
                content=render(
                    cohort=cohort, title=item.title, body=item.body, url=item.url, due=item.due
                ),
                dedupe_key=f"reminder:{cohort.pk}:{user.pk}:{item.key}"[:150],
            )
    except IntegrityError:
        return False  # someone else (another beat run) claimed it first
    return True
