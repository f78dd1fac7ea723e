"""Reads of the cohort core used by more than one caller."""

from django.db.models import Count, Prefetch, Q

from cohort.models import (
    Announcement,
    Cohort,
    FAQEntry,
    Invitation,
    Membership,
    Notification,
    Resource,
    ResourceSection,
)


def memberships_of(user):
    return (
        Membership.objects.filter(user=user)
        .select_related("cohort")
        .order_by("-cohort__preparation_start")
    )


def published_announcements(cohort: Cohort):
    return Announcement.objects.published().filter(cohort=cohort).select_related("author")


def announcements_to_read(cohort: Cohort):
    """Published announcements as the portal shows them: the stored HTML, not the markdown
    nor the Slack state (which only the admin shows)."""
    return published_announcements(cohort).prefetch_related(None)


def resource_sections(cohort: Cohort):
    return ResourceSection.objects.filter(cohort=cohort).prefetch_related(
        Prefetch("resources", queryset=Resource.objects.order_by("order", "id"))
    )


def faq_entries(cohort: Cohort):
    return FAQEntry.objects.filter(cohort=cohort)


def invitation_funnel(cohort: Cohort) -> dict:
    """Invited and signed-up counts per role, and the invitations still open."""
    counts = {
        row["role"]: row
        for row in Invitation.objects.filter(cohort=cohort)
        .values("role")
        .annotate(invited=Count("id"), accepted=Count("id", filter=Q(accepted_at__isnull=False)))
    }
    members = dict(
        Membership.objects.filter(cohort=cohort)
        .values("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    open_invitations = list(
        Invitation.objects.filter(cohort=cohort, accepted_at__isnull=True).order_by("role", "email")
    )
    return {"by_role": counts, "members": members, "open_invitations": open_invitations}


def unread_notifications(membership: Membership, limit: int = 10):
    return Notification.objects.filter(
        cohort_id=membership.cohort_id, user_id=membership.user_id, read_at__isnull=True
    )[:limit]
