"""The partner suggestions page is a cached fragment: a change to who can be matched shows on
the next view, and another cohort's or another zone's page never gets it."""

import re

from django.urls import reverse

from cohort.models import Role
from participants import services as participant_services
from tests.factories.sprints import make_pair

PROPOSAL = re.compile(r'name="pair" value="(\d+)-(\d+)"')


def _page(client, cohort, who):
    client.force_login(who)
    response = client.get(reverse("sprints:partner_suggestions", kwargs={"slug": cohort.slug}))
    assert response.status_code == 200
    return response.content.decode()


def _people(html):
    return {int(uid) for pair in PROPOSAL.findall(html) for uid in pair}


def test_suggestions_cache_follows_newcomers_pairs_and_withdrawals(
    client, cohort, mentor, make_member
):
    a, b, c, d = (make_member(Role.PARTICIPANT, name=n) for n in ("Ann", "Bob", "Cat", "Dan"))
    first = _people(_page(client, cohort, mentor))
    e, f = make_member(Role.PARTICIPANT, name="Eve"), make_member(Role.PARTICIPANT, name="Fay")
    with_newcomers = _people(_page(client, cohort, mentor))
    make_pair(cohort, a, b)
    after_pair = _people(_page(client, cohort, mentor))
    participant_services.withdraw(membership=c.memberships.get(), scope="program")
    after_withdrawal = _page(client, cohort, mentor)

    assert first == {a.pk, b.pk, c.pk, d.pk}
    assert with_newcomers == {a.pk, b.pk, c.pk, d.pk, e.pk, f.pk}
    assert after_pair == {c.pk, d.pk, e.pk, f.pk}
    assert c.pk not in _people(after_withdrawal)


def test_suggestions_cache_shows_a_rename(client, cohort, mentor, make_member):
    a = make_member(Role.PARTICIPANT, name="Old Name")
    make_member(Role.PARTICIPANT, name="Bob")
    assert "Old Name" in _page(client, cohort, mentor)

    a.name = "New Name"
    a.save()
    page = _page(client, cohort, mentor)

    assert ("New Name" in page, "Old Name" in page) == (True, False)


def test_suggestions_cache_never_crosses_cohorts_or_zones(
    client, cohort, other_cohort, mentor, make_member
):
    here = [make_member(Role.PARTICIPANT) for _ in range(2)]
    there = [make_member(Role.PARTICIPANT, in_cohort=other_cohort) for _ in range(2)]
    their_mentor = make_member(Role.MENTOR, in_cohort=other_cohort)
    far_mentor = make_member(Role.MENTOR, timezone="America/New_York")

    mine = [_people(_page(client, cohort, mentor)) for _ in range(2)]
    theirs = [_people(_page(client, other_cohort, their_mentor)) for _ in range(2)]
    far = _page(client, cohort, far_mentor)

    assert mine == [{p.pk for p in here}] * 2
    assert theirs == [{p.pk for p in there}] * 2
    assert _people(far) == {p.pk for p in here}
    client.force_login(mentor)
    client.post(
        reverse("sprints:partner_suggestions", kwargs={"slug": cohort.slug}),
        {"invite": f"{here[0].pk}-{here[1].pk}"},
    )
    london_sent, far_sent = _page(client, cohort, mentor), _page(client, cohort, far_mentor)
    assert ("EST" in london_sent or "EDT" in london_sent) is False
    assert "EST" in far_sent or "EDT" in far_sent
    # The fragment holds no token; the one form outside it does.
    assert far.count("csrfmiddlewaretoken") == _page(client, cohort, mentor).count(
        "csrfmiddlewaretoken"
    )
