import pytest
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


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize(
    ("page", "who", "queries"),
    [
        ("people", "participant", 4),
        ("slideshow", "participant", 3),
        ("introductions", "participant", 3),
        ("partners", "participant", 4),
        ("partners", "mentor", 3),
        ("pairing", "participant", 5),
        ("ta_dashboard", "ta", 8),
        ("ta_dashboard", "mentor", 9),
    ],
)
def test_participant_pages_queries_do_not_grow_with_people(
    client, get_in_queries, cohort, make_member, page, who, queries, rows
):
    viewer = make_member(Role.PARTICIPANT)
    PartnerEntryFactory(cohort=cohort, user=viewer)
    ta = make_member(Role.TA)
    users = {"participant": viewer, "ta": ta, "mentor": make_member(Role.MENTOR)}
    client.force_login(users[who])
    _add_people(cohort, viewer, ta, rows)

    get_in_queries(reverse(f"participants:{page}", kwargs={"slug": cohort.slug}), queries)


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize(("who", "queries"), [("participant", 1), ("mentor", 0)])
def test_partner_board_from_cache_queries_do_not_grow_with_people(
    client, get_in_queries, cohort, make_member, who, queries, rows
):
    viewer = make_member(Role.PARTICIPANT)
    PartnerEntryFactory(cohort=cohort, user=viewer)
    ta = make_member(Role.TA)
    users = {"participant": viewer, "mentor": make_member(Role.MENTOR)}
    client.force_login(users[who])
    _add_people(cohort, viewer, ta, rows)
    url = reverse("participants:partners", kwargs={"slug": cohort.slug})
    client.get(url)  # renders the cards into the cache

    # The cards come from the cache: no query for the entries.
    get_in_queries(url, queries)


@pytest.mark.parametrize("rows", [1, 3])
def test_overview_queries_do_not_grow_with_people(
    client, get_in_queries, cohort, make_member, rows
):
    mentor = make_member(Role.MENTOR)
    viewer = make_member(Role.PARTICIPANT)
    ta = make_member(Role.TA)
    client.force_login(mentor)
    _add_people(cohort, viewer, ta, rows)
    url = reverse("cohort:overview", kwargs={"slug": cohort.slug})

    get_in_queries(url, 27)  # computes the work list and the figures into the cache
    get_in_queries(url, 0)  # nothing changed: everything from the cache


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize(("page", "queries"), [("people", 0), ("slideshow", 0)])
def test_gallery_second_view_comes_from_the_cache_in_constant_queries(
    client, get_in_queries, cohort, make_member, page, queries, rows
):
    viewer = make_member(Role.PARTICIPANT)
    client.force_login(viewer)
    _add_people(cohort, viewer, make_member(Role.TA), rows)
    url = reverse(f"participants:{page}", kwargs={"slug": cohort.slug})
    client.get(url)

    get_in_queries(url, queries)
