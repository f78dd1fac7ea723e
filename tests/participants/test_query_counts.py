import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.models import Role
from participants import services
from participants.models import PairingJoin, PartnerInterest, Profile
from tests.factories.cohort import MembershipFactory
from tests.factories.participants import (
    HelpRequestFactory,
    PairingTopicFactory,
    PartnerEntryFactory,
    TAAssignmentFactory,
)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def _add_people(cohort, viewer, ta, n):
    for _ in range(n):
        person = MembershipFactory(cohort=cohort, role=Role.PARTICIPANT).user
        Profile.objects.create(
            membership=person.memberships.get(),
            bio="Hi",
            interests=",circuits,",
            introduction="Hello",
        )
        entry = PartnerEntryFactory(cohort=cohort, user=person)
        PartnerInterest.objects.create(entry=entry, user=viewer, note="hi")
        topic = PairingTopicFactory(cohort=cohort, owner=person)
        PairingJoin.objects.create(topic=topic, user=person)
        TAAssignmentFactory(cohort=cohort, participant=person, ta=ta)
        request = HelpRequestFactory(cohort=cohort, requester=person)
        services.comment_on_help_request(request=request, author=ta, body="On it")


@pytest.mark.parametrize(
    ("page", "who"),
    [
        ("people", "participant"),
        ("slideshow", "participant"),
        ("introductions", "participant"),
        ("partners", "participant"),
        ("partners", "mentor"),
        ("pairing", "participant"),
        ("ta_dashboard", "ta"),
        ("ta_dashboard", "mentor"),
    ],
)
def test_participant_pages_queries_do_not_grow_with_people(client, cohort, make_member, page, who):
    viewer = make_member(Role.PARTICIPANT)
    PartnerEntryFactory(cohort=cohort, user=viewer)
    ta = make_member(Role.TA)
    users = {"participant": viewer, "ta": ta, "mentor": make_member(Role.MENTOR)}
    client.force_login(users[who])
    url = reverse(f"participants:{page}", kwargs={"slug": cohort.slug})

    _add_people(cohort, viewer, ta, 1)
    one = _count(client, url)
    _add_people(cohort, viewer, ta, 29)
    thirty = _count(client, url)

    assert one == thirty


def test_overview_queries_do_not_grow_with_people(client, cohort, make_member):
    mentor = make_member(Role.MENTOR)
    viewer = make_member(Role.PARTICIPANT)
    ta = make_member(Role.TA)
    client.force_login(mentor)
    url = reverse("cohort:overview", kwargs={"slug": cohort.slug})

    _add_people(cohort, viewer, ta, 1)
    one = _count(client, url)
    _add_people(cohort, viewer, ta, 29)
    thirty = _count(client, url)

    assert one == thirty
