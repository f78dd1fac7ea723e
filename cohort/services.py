"""Writes of the cohort core that have side effects."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohort import fragments
from cohort.celery import app as celery_app
from cohort.models import (
    STAFF_ROLES,
    Cohort,
    Invitation,
    Membership,
    Notification,
    Role,
    User,
)
from cohort.notifications.messages import notification_content
from cohort.notifications.preferences import notification_preference
from cohort.notifications.queue import queue_direct_message

SEND_INVITATION_TASK = "cohort.tasks.task_send_invitation"


@dataclass
class InvitationResult:
    created: list[Invitation] = field(default_factory=list)
    already_invited: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


def parse_email_list(text: str) -> tuple[list[str], list[str]]:
    """Split pasted addresses (commas, semicolons, spaces, new lines) into valid and invalid."""
    valid, invalid, seen = [], [], set()
    for raw in text.replace(",", " ").replace(";", " ").split():
        address = raw.strip().strip("<>").lower()
        if not address or address in seen:
            continue
        seen.add(address)
        try:
            validate_email(address)
        except ValidationError:
            invalid.append(raw.strip())
        else:
            valid.append(address)
    return valid, invalid


def invite_people(
    *, cohort: Cohort, emails: list[str], role: str, invited_by: User | None
) -> InvitationResult:
    """Invite addresses to a cohort with a role; e-mails each new invitation after commit."""
    send_later = celery_app.tasks[SEND_INVITATION_TASK]  # by name: cohort.tasks imports this
    result = InvitationResult()
    with transaction.atomic():
        existing = set(
            Invitation.objects.filter(cohort=cohort, email__in=emails).values_list(
                "email", flat=True
            )
        )
        for email in emails:
            if email in existing:
                result.already_invited.append(email)
                continue
            try:
                with transaction.atomic():
                    invitation = Invitation.objects.create(
                        cohort=cohort, email=email, role=role, invited_by=invited_by
                    )
            except IntegrityError:
                result.already_invited.append(email)
                continue
            result.created.append(invitation)
            transaction.on_commit(lambda pk=invitation.pk: send_later.delay(invitation_id=pk))
    return result


def accept_pending_invitations(*, user: User, email: str | None = None) -> list[Membership]:
    """Turn the open invitations of a verified address into memberships; updates staff status."""
    email = (email or user.email).lower()
    created = []
    with transaction.atomic():
        invitations = Invitation.objects.select_for_update().filter(
            email=email, accepted_at__isnull=True
        )
        for invitation in invitations:
            membership, was_created = Membership.objects.get_or_create(
                cohort_id=invitation.cohort_id, user=user, defaults={"role": invitation.role}
            )
            if was_created:
                created.append(membership)
            invitation.accepted_at = timezone.now()
            invitation.accepted_by = user
            invitation.save(update_fields=["accepted_at", "accepted_by"])
        if created:
            refresh_staff_status(user=user)
    return created


def refresh_staff_status(*, user: User) -> None:
    """Keep `is_staff` true exactly for mentors, operations and superusers."""
    is_staff = user.is_superuser or user.memberships.filter(role__in=STAFF_ROLES).exists()
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def send_invitation(*, invitation: Invitation) -> None:
    """E-mail the invitation link; records when it was sent."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    context = {
        "invitation": invitation,
        "cohort": invitation.cohort,
        "accept_url": settings.SITE_URL
        + reverse("cohort:accept_invitation", kwargs={"token": invitation.token}),
        "site_name": settings.SITE_NAME,
    }
    subject = render_to_string("cohort/email/invitation_subject.txt", context).strip()
    body = render_to_string("cohort/email/invitation_message.txt", context)
    send_mail(subject, body, None, [invitation.email])
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    fragments.bump(invitation.cohort_id, "invitations")


def release_unverified_address(*, email: str) -> int:
    """Delete accounts holding this address that never proved it nor logged in; returns how many.

    Someone else may have signed up with an invited address; the invitation link still wins.
    """
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
    with transaction.atomic():
        squatters = User.objects.filter(email__iexact=email, last_login__isnull=True).exclude(
            pk__in=verified
        )
        count = squatters.count()
        squatters.delete()
    return count


def invitation_for_signup(email: str) -> Invitation | None:
    """An open invitation for this address, if there is one."""
    return (
        Invitation.objects.filter(email=email.strip().lower(), accepted_at__isnull=True)
        .select_related("cohort")
        .first()
    )


ROLE_ORDER = [Role.PARTICIPANT, Role.TA, Role.MENTOR, Role.OPERATIONS]


def notify(
    *, cohort: Cohort, user: User, kind: str, title: str, body: str = "", url: str = ""
) -> Notification:
    """Record a notification for one person (shown on their home page until dismissed) and,
    unless they turned direct messages off, queue it as a Slack direct message."""
    with transaction.atomic():
        notification = Notification.objects.create(
            cohort=cohort, user=user, kind=kind, title=title, body=body, url=url
        )
        if notification_preference(cohort=cohort, user=user).slack_direct_messages:
            queue_direct_message(
                cohort=cohort,
                user=user,
                purpose=f"notification:{kind}"[:80],
                content=notification_content(cohort=cohort, title=title, body=body, url=url),
                dedupe_key=f"notification:{notification.pk}",
            )
    return notification


def dismiss_notification(*, notification: Notification) -> None:
    """Mark a notification read; it leaves the home page."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
