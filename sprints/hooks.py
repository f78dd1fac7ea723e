"""What the sprints app tells other parts of the portal: reminder audiences and calendar items."""

from django.conf import settings
from django.urls import reverse

from cohort.models import Cohort, Membership
from events.feed import FeedItem, uid_domain
from sprints.models import Booking, SlotKind
from sprints.queries import bookings_for_user, invitable_participants, seats


def still_without_partner(cohort: Cohort) -> list[int]:
    """Participants who can still be invited: not in a pair, not solo, not withdrawn."""
    return list(invitable_participants(cohort).values_list("pk", flat=True))


def sprint_pair_members(cohort: Cohort) -> list[int]:
    """Everyone seated in an active pair or solo sprint."""
    return list(seats(cohort).values_list("user_id", flat=True))


def interview_not_booked(cohort: Cohort) -> list[int]:
    """Members of active pairs that hold no interview booking."""
    booked_pairs = Booking.objects.filter(
        slot__cohort=cohort, slot__kind=SlotKind.INTERVIEW, cancelled_at__isnull=True
    ).values("pair_id")
    return list(seats(cohort).exclude(pair_id__in=booked_pairs).values_list("user_id", flat=True))


def booking_feed_items(membership: Membership) -> list:
    """A person's drop-in and interview bookings, for their personal calendar feed."""
    sprint_url = settings.SITE_URL + reverse(
        "sprints:sprint", kwargs={"slug": membership.cohort.slug}
    )
    return [
        FeedItem(
            uid=f"booking-{booking.pk}@{uid_domain()}",
            title=f"{booking.slot.get_kind_display()} with the mentor",
            starts_at=booking.slot.starts_at,
            ends_at=booking.slot.ends_at,
            description="Booked for your sprint pair on the portal.",
            location=membership.cohort.meeting_link,
            url=sprint_url,
        )
        for booking in bookings_for_user(membership.cohort, membership.user)
    ]
