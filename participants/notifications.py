"""One function per event that a person is told about (home page, and Slack once delivered).

Each is called inside the transaction of its cause, so the notification and its Slack outbox
row are written with the change or not at all (the delivery task is enqueued after commit)."""

from collections import defaultdict

from django.urls import reverse

from cohort.models import Membership, Role
from cohort.services import notify
from participants.models import TAAssignment


def notify_ta_assigned(assignments) -> None:
    """Tell each TA, once per batch, who has been given to them."""
    by_ta = defaultdict(list)
    for assignment in assignments:
        by_ta[(assignment.cohort_id, assignment.ta_id)].append(assignment)
    for batch in by_ta.values():
        first = batch[0]
        cohort = first.cohort
        names = ", ".join(a.participant.display_name for a in batch)
        title = (
            f"You are now the TA of {first.participant.display_name}"
            if len(batch) == 1
            else f"You are now the TA of {len(batch)} more participants"
        )
        notify(
            cohort=cohort,
            user=first.ta,
            kind="participants.ta_assigned",
            title=title,
            body=names,
            url=reverse("participants:ta_dashboard", kwargs={"slug": cohort.slug}),
        )


def _helpers_of(request) -> list:
    """Who hears about a help request: the TA who claimed it, else the person's TA, else the
    mentors."""
    if request.claimed_by_id:
        return [request.claimed_by]
    cohort = request.cohort
    assignment = (
        TAAssignment.objects.filter(cohort=cohort, participant=request.requester)
        .select_related("ta")
        .first()
    )
    if assignment is not None:
        return [assignment.ta]
    return [
        m.user
        for m in Membership.objects.filter(cohort=cohort, role=Role.MENTOR).select_related("user")
    ]


def notify_help_answered(comment) -> None:
    """Tell the TA on a request (or who would get it) that the person who asked answered."""
    request = comment.request
    for person in _helpers_of(request):
        notify(
            cohort=request.cohort,
            user=person,
            kind="participants.help_answered",
            title=f"{request.requester.display_name} answered on “{request.topic}”",
            body=comment.body[:300],
            url=reverse("participants:ta_dashboard", kwargs={"slug": request.cohort.slug})
            + f"#request-{request.pk}",
        )


def notify_help_requested(request) -> None:
    """Tell the requester's TA about a new help request; the mentors when there is no TA."""
    cohort = request.cohort
    recipients = _helpers_of(request)
    for person in recipients:
        notify(
            cohort=cohort,
            user=person,
            kind="participants.help_requested",
            title=f"{request.requester.display_name} asks for help: {request.topic}",
            body=request.get_urgency_display(),
            url=reverse("participants:ta_dashboard", kwargs={"slug": cohort.slug}),
        )


def notify_partner_interest(interest) -> None:
    """Tell a partner-board entry's owner that someone is interested."""
    entry = interest.entry
    notify(
        cohort=entry.cohort,
        user=entry.user,
        kind="participants.partner_interest",
        title=f"{interest.user.display_name} is interested in partnering with you",
        body=interest.note,
        url=reverse("participants:partners", kwargs={"slug": entry.cohort.slug}) + "#interest",
    )


def notify_help_commented(comment) -> None:
    """Tell the person who asked for help that a TA (or the mentor) replied."""
    request = comment.request
    notify(
        cohort=request.cohort,
        user=request.requester,
        kind="participants.help_commented",
        title=f"{comment.author.display_name} replied to “{request.topic}”",
        body=comment.body[:300],
        url=reverse("participants:help", kwargs={"slug": request.cohort.slug})
        + f"#request-{request.pk}",
    )
