"""A double click, or two mentors at once: two remind requests racing do one thing. Needs two
connections writing at the same time, so it runs on PostgreSQL (CI) and skips on SQLite."""

import pytest
from django.core import mail
from django.db import connection

from cohort import reminding
from cohort.models import PersonalReminder, Role
from tests.concurrency import race
from tests.factories.cohort import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
)


@pytest.mark.django_db(transaction=True)
def test_racing_reminders_send_once(cohort):
    mentors = [MembershipFactory(cohort=cohort, role=Role.MENTOR).user for _ in range(6)]
    person = MembershipFactory(cohort=cohort, role=Role.PARTICIPANT).user
    invitation = InvitationFactory(cohort=cohort)
    mail.outbox.clear()

    results = race(
        [
            lambda by=by: (
                reminding.remind_people(cohort=cohort, user_ids=[person.pk], by=by),
                reminding.resend_invitations(cohort=cohort, invitation_ids=[invitation.pk], by=by),
            )
            for by in mentors
        ]
    )

    assert sorted(len(people.sent) for people, _ in results) == [0, 0, 0, 0, 0, 1]
    assert sorted(len(invites.sent) for _, invites in results) == [0, 0, 0, 0, 0, 1]
    assert PersonalReminder.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([person.email, invitation.email])
