"""Every notification and its Slack outbox row are written in the transaction of their cause:
visible before that transaction commits, and gone with it when it rolls back (a crash between
the change and a later "after commit" step can no longer lose the message)."""

import pytest
from django.db import transaction

from cohort.models import Notification, Role, SlackMessage
from participants import services
from participants.models import HelpComment, HelpRequest, PartnerInterest, TAAssignment
from tests.factories.cohort import CohortFactory
from tests.factories.participants import HelpRequestFactory, PartnerEntryFactory


class Crash(Exception):
    pass


def outbox(cohort) -> list[tuple[str, int]]:
    return sorted(SlackMessage.objects.filter(cohort=cohort).values_list("purpose", "recipient_id"))


@pytest.fixture
def other_cohort_row(make_member):
    """Another cohort with an outbox row of its own, which must stay as it is."""
    other = CohortFactory(slug="other-round")
    ta = make_member(Role.TA, in_cohort=other)
    person = make_member(Role.PARTICIPANT, in_cohort=other)
    services.assign_ta(cohort=other, participant=person, ta=ta)
    return other


def test_ta_assignment_queues_its_message_before_commit(
    cohort, make_member, other_cohort_row, django_capture_on_commit_callbacks
):
    ta, person = make_member(Role.TA), make_member(Role.PARTICIPANT)

    with django_capture_on_commit_callbacks(execute=False):
        services.assign_ta(cohort=cohort, participant=person, ta=ta)
        inside = outbox(cohort)

    assert inside == [("notification:participants.ta_assigned", ta.pk)]
    assert len(outbox(other_cohort_row)) == 1


def test_ta_assignment_rolled_back_leaves_no_message(cohort, make_member, other_cohort_row):
    ta, person = make_member(Role.TA), make_member(Role.PARTICIPANT)

    with pytest.raises(Crash), transaction.atomic():
        services.assign_ta(cohort=cohort, participant=person, ta=ta)
        raise Crash

    assert (TAAssignment.objects.filter(cohort=cohort).count(), outbox(cohort)) == (0, [])
    assert Notification.objects.filter(cohort=cohort).count() == 0
    assert len(outbox(other_cohort_row)) == 1


def test_spreading_tas_queues_one_message_per_ta_before_commit(
    cohort, make_member, django_capture_on_commit_callbacks
):
    tas = [make_member(Role.TA, name=f"TA {n}") for n in range(2)]
    for _ in range(4):
        make_member(Role.PARTICIPANT)

    with django_capture_on_commit_callbacks(execute=False):
        services.spread_participants_evenly(cohort=cohort)
        inside = outbox(cohort)

    assert inside == sorted(("notification:participants.ta_assigned", ta.pk) for ta in tas)


def test_help_request_and_reply_queue_their_messages_before_commit(
    cohort, make_member, django_capture_on_commit_callbacks
):
    ta, person = make_member(Role.TA), make_member(Role.PARTICIPANT)
    TAAssignment.objects.create(cohort=cohort, participant=person, ta=ta)

    with django_capture_on_commit_callbacks(execute=False):
        request = services.ask_for_help(
            membership=person.memberships.get(), topic="Hooks", tried="", urgency="low"
        )
        services.comment_on_help_request(request=request, author=ta, body="Try this")
        inside = outbox(cohort)

    assert inside == [
        ("notification:participants.help_commented", person.pk),
        ("notification:participants.help_requested", ta.pk),
    ]


def test_help_reply_rolled_back_leaves_no_message(cohort, make_member):
    ta, person = make_member(Role.TA), make_member(Role.PARTICIPANT)
    request = HelpRequestFactory(cohort=cohort, requester=person)

    with pytest.raises(Crash), transaction.atomic():
        services.comment_on_help_request(request=request, author=ta, body="Try this")
        raise Crash

    assert (HelpComment.objects.count(), outbox(cohort)) == (0, [])
    assert HelpRequest.objects.count() == 1


def test_partner_interest_queues_its_message_before_commit(
    cohort, make_member, django_capture_on_commit_callbacks
):
    owner, keen = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
    entry = PartnerEntryFactory(cohort=cohort, user=owner)

    with django_capture_on_commit_callbacks(execute=False):
        services.mark_interest(entry=entry, user=keen, note="Superposition?")
        inside = outbox(cohort)

    assert inside == [("notification:participants.partner_interest", owner.pk)]
    assert PartnerInterest.objects.count() == 1
