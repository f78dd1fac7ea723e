"""The mentor's one action on people: remind them, or send their invitation again.

Each person gets at most one a day (a `PersonalReminder` row, unique per person or invitation
and day, is written first; a second click finds it taken and sends nothing). A reminder goes as
a Slack direct message to people whose Slack account is known and who keep DMs on, else by
e-mail. It lists what is still open on the person's to-do list.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cohort.models import Cohort, Invitation, Membership, PersonalReminder, Role, SlackAccount, User
from cohort.notifications.messages import notification_content
from cohort.notifications.preferences import notification_preference
from cohort.notifications.queue import queue_direct_message
from cohort.todo import todo_items


@dataclass
class ReminderResult:
    sent: list[str] = field(default_factory=list)
    already_today: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        parts = []
        if self.sent:
            parts.append(f"Reminded {len(self.sent)}: {', '.join(self.sent)}.")
        if self.already_today:
            parts.append(
                f"Already reminded today, not sent again: {', '.join(self.already_today)}."
            )
        return " ".join(parts) or "Nobody was selected."


def _today(cohort: Cohort, now: datetime):
    return timezone.localtime(now, cohort.tzinfo).date()


def _claim(**fields) -> PersonalReminder | None:
    try:
        with transaction.atomic():
            return PersonalReminder.objects.create(**fields)
    except IntegrityError:
        return None


def remind_people(
    *, cohort: Cohort, user_ids: list[int], by: User, now: datetime | None = None
) -> ReminderResult:
    """Remind participants of the cohort of their open to-do items (Slack DM or e-mail after
    commit); records a PersonalReminder per person, at most one a day."""
    now = now or timezone.now()
    day = _today(cohort, now)
    result = ReminderResult()
    members = (
        Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT, user_id__in=user_ids)
        .select_related("user", "cohort")
        .order_by("user__name", "user__email")
    )
    with_slack = set(
        SlackAccount.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)
    )
    home = reverse("cohort:home", kwargs={"slug": cohort.slug})
    for membership in members:
        user = membership.user
        wants_dm = notification_preference(cohort=cohort, user=user).slack_direct_messages
        via = (
            PersonalReminder.Via.SLACK
            if user.pk in with_slack and wants_dm
            else PersonalReminder.Via.EMAIL
        )
        with transaction.atomic():
            reminder = _claim(
                cohort=cohort, user=user, day=day, via=via, sent_by=by, created_at=now
            )
            if reminder is None:
                result.already_today.append(user.display_name)
                continue
            open_items = [item for item in todo_items(membership, now) if not item.done]
            context = {
                "cohort": cohort,
                "user": user,
                "by": by,
                "items": open_items,
                "home_url": settings.SITE_URL + home,
                "site_name": settings.SITE_NAME,
            }
            title = f"A reminder from {by.display_name} ({cohort.name})"
            body = render_to_string("cohort/email/reminder_message.txt", context)
            if via == PersonalReminder.Via.SLACK:
                queue_direct_message(
                    cohort=cohort,
                    user=user,
                    purpose="personal_reminder",
                    content=notification_content(cohort=cohort, title=title, body=body, url=home),
                    dedupe_key=f"personal_reminder:{reminder.pk}",
                )
            else:
                transaction.on_commit(
                    lambda title=title, body=body, email=user.email: send_mail(
                        title, body, None, [email]
                    )
                )
        result.sent.append(user.display_name)
    return result


def resend_invitations(
    *, cohort: Cohort, invitation_ids: list[int], by: User, now: datetime | None = None
) -> ReminderResult:
    """E-mail open invitations of the cohort again (after commit); records a PersonalReminder
    per invitation, at most one a day."""
    from cohort.tasks import task_send_invitation

    now = now or timezone.now()
    day = _today(cohort, now)
    result = ReminderResult()
    invitations = Invitation.objects.filter(
        cohort=cohort, pk__in=invitation_ids, accepted_at__isnull=True
    ).order_by("email")
    for invitation in invitations:
        with transaction.atomic():
            reminder = _claim(
                cohort=cohort,
                invitation=invitation,
                day=day,
                via=PersonalReminder.Via.INVITATION,
                sent_by=by,
                created_at=now,
            )
            if reminder is None:
                result.already_today.append(invitation.email)
                continue
            transaction.on_commit(
                lambda pk=invitation.pk: task_send_invitation.delay(invitation_id=pk, again=True)
            )
        result.sent.append(invitation.email)
    return result


def reminded_today(cohort: Cohort, now: datetime | None = None) -> dict[str, PersonalReminder]:
    """Today's reminders by work-list row key (u<user id> or i<invitation id>), one query."""
    day = _today(cohort, now or timezone.now())
    return {
        (f"u{r.user_id}" if r.user_id else f"i{r.invitation_id}"): r
        for r in PersonalReminder.objects.filter(cohort=cohort, day=day)
    }
