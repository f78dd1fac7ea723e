"""A calendar date reads the same for every viewer; an instant is converted to theirs.

The cohort runs on London time and its round starts on Monday 30 November 2026. Viewers sit in
UTC-5, UTC, UTC+1, UTC+5:30 and UTC+13 (Auckland's summer): the phase and interview days must
not move, the deadlines (instants) must.
"""

from datetime import date

import pytest
from django.urls import reverse

from cohort.models import Role
from cohort.timeline import round_dates
from tests.factories.cohort import CohortFactory, MembershipFactory, UserFactory
from tests.factories.sprints import make_pair
from tests.html import text_by_id

# The viewer's zone, and how the two deadlines (23:59 London time) read there.
VIEWERS = {
    "America/New_York": ("Wed 2 Dec, 18:59 EST (Wed 2 Dec, 23:59 GMT)", "Fri 18 Dec, 18:59 EST"),
    "UTC": ("Wed 2 Dec, 23:59 UTC", "Fri 18 Dec, 23:59 UTC"),
    "Europe/Berlin": ("Thu 3 Dec, 00:59 CET (Wed 2 Dec, 23:59 GMT)", "Sat 19 Dec, 00:59 CET"),
    "Asia/Kolkata": ("Thu 3 Dec, 05:29 IST (Wed 2 Dec, 23:59 GMT)", "Sat 19 Dec, 05:29 IST"),
    "Pacific/Auckland": (
        "Thu 3 Dec, 12:59 NZDT (Wed 2 Dec, 23:59 GMT)",
        "Sat 19 Dec, 12:59 NZDT",
    ),
}


@pytest.fixture
def london_round(db):
    return CohortFactory(
        slug="london-round", timezone="Europe/London", **round_dates(date(2026, 11, 30))
    )


def _viewer(cohort, tz, client):
    user = UserFactory(timezone=tz)
    MembershipFactory(cohort=cohort, user=user, role=Role.PARTICIPANT)
    client.force_login(user)
    return user


@pytest.mark.parametrize("tz", VIEWERS)
def test_home_key_dates_keep_their_day_in_every_timezone(client, london_round, tz):
    _viewer(london_round, tz, client)
    goals_due, partner_deadline = VIEWERS[tz]

    html = client.get(reverse("cohort:home", kwargs={"slug": london_round.slug})).content

    partner_cohort_side = "" if tz == "UTC" else " (Fri 18 Dec, 23:59 GMT)"
    assert text_by_id(html, "key-dates") == (
        "Preparation phase starts Mon 30 Nov "
        f"Goals form due {goals_due} "
        f"Partner deadline {partner_deadline}{partner_cohort_side} "
        "Research sprint starts Mon 21 Dec "
        "Research sprint ends Fri 1 Jan "
        "Final interviews start Sat 2 Jan "
        "Final interviews end Sun 3 Jan"
    )


@pytest.mark.parametrize("tz", VIEWERS)
def test_sprint_page_dates_keep_their_day_in_every_timezone(client, london_round, tz):
    user = _viewer(london_round, tz, client)
    partner = UserFactory(timezone="Europe/London", name="Pia Partner")
    MembershipFactory(cohort=london_round, user=partner, role=Role.PARTICIPANT)
    make_pair(london_round, user, partner)

    html = client.get(reverse("sprints:sprint", kwargs={"slug": london_round.slug})).content

    assert text_by_id(html, "sprint-dates") == (
        "The sprint runs from Mon 21 Dec to Fri 1 Jan, in pairs of exactly two."
    )
    assert f"{user.display_name}: Mon 21 Dec to Fri 1 Jan" in text_by_id(html, "pair-dates")
    assert "Pia Partner: Mon 21 Dec to Fri 1 Jan" in text_by_id(html, "pair-dates")


@pytest.mark.parametrize("tz", VIEWERS)
def test_schedule_program_dates_keep_their_day_in_every_timezone(client, london_round, tz):
    _viewer(london_round, tz, client)

    html = client.get(reverse("events:schedule", kwargs={"slug": london_round.slug})).content

    assert text_by_id(html, "program-days") == (
        "Preparation Mon 30 Nov to Fri 18 Dec "
        "Research sprint Mon 21 Dec to Fri 1 Jan "
        "Final interviews Sat 2 Jan to Sun 3 Jan"
    )


def test_day_filter_refuses_an_instant():
    from django.utils import timezone

    from cohort.templatetags.portal import day_filter

    assert day_filter(date(2026, 12, 21)) == "Mon 21 Dec"
    with pytest.raises(TypeError):
        day_filter(timezone.now())
