"""The mentor's overview as a work list: stages per person, at risk now, CSV, the person page."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohort.models import Role
from cohort.worklist import build_work_list
from events.models import Attendance
from participants.images import placeholder_avatar
from participants.models import GoalsAnswer, HelpRequest, Profile, Withdrawal, WithdrawalScope
from sprints.models import Booking, ProblemState, ProblemSubmission
from tests.factories.cohort import CohortFactory, InvitationFactory, MembershipFactory, UserFactory
from tests.factories.compute import ClaimFactory
from tests.factories.events import EventFactory
from tests.factories.participants import TAAssignmentFactory
from tests.factories.sprints import make_pair, make_slot

START = date(2027, 2, 1)  # goals due Wed 3 Feb, partners by Fri 19 Feb, sprint 22 Feb - 5 Mar,
# interviews 6-7 Mar (cohort.timeline.round_dates).
LONDON_NOON = "12:00:00+00:00"


def at(day: str, clock: str = LONDON_NOON) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}")


@pytest.fixture
def round_cohort(db):
    return CohortFactory(slug="round", name="Round", preparation_start=START)


@pytest.fixture
def second_cohort(db):
    """Another cohort with the same dates and people who are late on everything: nothing of it
    may appear in the first cohort's lists."""
    other = CohortFactory(slug="second", name="Second", preparation_start=START)
    for _ in range(3):
        MembershipFactory(cohort=other, role=Role.PARTICIPANT)
    person = other.memberships.first().user
    HelpRequest.objects.create(
        cohort=other, requester=person, topic="Theirs", created_at=at("2027-02-01")
    )
    return other


def join(cohort, name="", **fields):
    user = UserFactory(name=name, **fields) if name else UserFactory(**fields)
    MembershipFactory(cohort=cohort, user=user, role=Role.PARTICIPANT)
    return user


def submit_goals(cohort, user, late=False):
    GoalsAnswer.objects.filter(membership__cohort=cohort, membership__user=user).update(
        hopes="Learn", submitted_at=at("2027-02-02"), is_late=late
    )


def risk_people(cohort, key, now) -> tuple[bool, set[int]]:
    rule = build_work_list(cohort, now).risk(key)
    return rule.applies, set(rule.user_ids)


def test_goals_form_missing_only_after_its_deadline(round_cohort, second_cohort):
    done, missing, also_missing = (join(round_cohort) for _ in range(3))
    submit_goals(round_cohort, done)

    before = risk_people(round_cohort, "goals_missing", at("2027-02-03", "23:59:00+00:00"))
    after = risk_people(round_cohort, "goals_missing", at("2027-02-04", "00:00:01+00:00"))

    assert before == (False, set())
    assert after == (True, {missing.pk, also_missing.pk})


def test_withdrawn_people_are_never_at_risk(round_cohort):
    stays, leaves = join(round_cohort), join(round_cohort)
    Withdrawal.objects.create(
        membership=leaves.memberships.get(cohort=round_cohort), scope=WithdrawalScope.PROGRAM
    )

    assert risk_people(round_cohort, "goals_missing", at("2027-02-10")) == (True, {stays.pk})


def test_no_partner_only_after_the_partner_deadline(round_cohort, second_cohort):
    a, b, alone = join(round_cohort), join(round_cohort), join(round_cohort)
    make_pair(round_cohort, a, b)

    before = risk_people(round_cohort, "no_partner", at("2027-02-19", "23:00:00+00:00"))
    after = risk_people(round_cohort, "no_partner", at("2027-02-20"))

    assert before == (False, set())
    assert after == (True, {alone.pk})


def test_no_approved_problem_from_a_week_before_the_sprint(round_cohort, second_cohort):
    a, b, c, d, alone = (join(round_cohort) for _ in range(5))
    approved = make_pair(round_cohort, a, b)
    approved.current_problem = ProblemSubmission.objects.create(
        pair=approved, round=1, title="Circuits", state=ProblemState.APPROVED, submitted_by=a
    )
    approved.save()
    make_pair(round_cohort, c, d)

    before = risk_people(round_cohort, "no_problem", at("2027-02-14", "23:00:00+00:00"))
    after = risk_people(round_cohort, "no_problem", at("2027-02-15", "00:00:01+00:00"))

    assert before == (False, set())
    assert after == (True, {c.pk, d.pk, alone.pk})


def test_no_interview_from_three_days_before_the_interviews(round_cohort, second_cohort):
    a, b, c, d = (join(round_cohort) for _ in range(4))
    booked = make_pair(round_cohort, a, b)
    Booking.objects.create(slot=make_slot(round_cohort), pair=booked, kind="interview", booked_by=a)
    make_pair(round_cohort, c, d)

    before = risk_people(round_cohort, "no_interview", at("2027-03-02", "23:00:00+00:00"))
    after = risk_people(round_cohort, "no_interview", at("2027-03-03", "00:00:01+00:00"))
    over = risk_people(round_cohort, "no_interview", at("2027-03-08", "00:00:01+00:00"))

    assert before == (False, set())
    assert after == (True, {c.pk, d.pk})
    assert over == (False, set())


def test_attendance_outside_the_guidance_only_after_two_weeks(round_cohort, second_cohort):
    never, always, sometimes = join(round_cohort), join(round_cohort), join(round_cohort)
    events = [
        EventFactory(
            cohort=round_cohort,
            starts_at=at(f"2027-02-0{day}", "15:00:00+00:00"),
            ends_at=at(f"2027-02-0{day}", "16:00:00+00:00"),
        )
        for day in range(2, 7)
    ]
    for event in events:
        Attendance.objects.create(event=event, user=always)
    for event in events[:2]:
        Attendance.objects.create(event=event, user=sometimes)

    before = risk_people(round_cohort, "attendance", at("2027-02-14", "23:00:00+00:00"))
    after = risk_people(round_cohort, "attendance", at("2027-02-15", "00:00:01+00:00"))

    assert before == (False, set())
    assert after == (True, {never.pk, always.pk})


def test_help_request_waiting_more_than_a_day(round_cohort, second_cohort):
    waiting, fresh, answered = join(round_cohort), join(round_cohort), join(round_cohort)
    HelpRequest.objects.create(
        cohort=round_cohort, requester=waiting, topic="Old", created_at=at("2027-02-08")
    )
    HelpRequest.objects.create(
        cohort=round_cohort,
        requester=fresh,
        topic="New",
        created_at=at("2027-02-09", "10:00:00+00:00"),
    )
    HelpRequest.objects.create(
        cohort=round_cohort,
        requester=answered,
        topic="Claimed",
        created_at=at("2027-02-01"),
        state="claimed",
        claimed_by=fresh,
        claimed_at=at("2027-02-01"),
    )

    assert risk_people(round_cohort, "help_waiting", at("2027-02-09", "11:59:00+00:00")) == (
        True,
        set(),
    )
    assert risk_people(round_cohort, "help_waiting", at("2027-02-09", "12:00:01+00:00")) == (
        True,
        {waiting.pk},
    )


def test_people_sharing_a_name_are_two_rows_with_their_own_stages(round_cohort):
    """The bug of the old overview: people were matched by display name."""
    finished, unfinished = join(round_cohort, "Sam Lee"), join(round_cohort, "Sam Lee")
    profile = Profile.objects.create(
        membership=finished.memberships.get(), bio="Hi", interests=",circuits,"
    )
    profile.photo.save("a.png", placeholder_avatar(initials="S", seed=1))

    rows = {row.user_id: row for row in build_work_list(round_cohort, at("2027-02-02")).rows}

    assert {uid: rows[uid].cells["slide"].text for uid in rows} == {
        finished.pk: "done",
        unfinished.pk: "unfinished",
    }


def test_overview_lists_every_participant_and_open_invitation(
    client, round_cohort, second_cohort, make_member
):
    mentor = make_member(Role.MENTOR, in_cohort=round_cohort)
    ada = join(round_cohort, "Ada Byron")
    InvitationFactory(cohort=round_cohort, email="late@example.org")
    InvitationFactory(cohort=round_cohort, email="mentor2@example.org", role=Role.MENTOR)
    InvitationFactory(cohort=second_cohort, email="elsewhere@example.org")
    client.force_login(mentor)

    with time_machine.travel(at("2027-02-10"), tick=False):
        client.force_login(mentor)
        response = client.get(reverse("cohort:overview", kwargs={"slug": "round"}))
    html = response.content.decode()

    assert [row.name for row in response.context["rows"]] == ["Ada Byron", "late@example.org"]
    person_url = reverse("cohort:person", kwargs={"slug": "round", "user_id": ada.pk})
    assert f'<a href="{person_url}">Ada Byron</a>' in html
    assert "elsewhere@example.org" not in html
    for other in second_cohort.memberships.all():
        assert other.user.display_name not in html


def test_an_at_risk_count_links_to_exactly_those_people(client, round_cohort, make_member):
    mentor = make_member(Role.MENTOR, in_cohort=round_cohort)
    late, done = join(round_cohort, "Lena Late"), join(round_cohort, "Dora Done")
    submit_goals(round_cohort, done)
    client.force_login(mentor)
    url = reverse("cohort:overview", kwargs={"slug": "round"})

    with time_machine.travel(at("2027-02-10"), tick=False):
        client.force_login(mentor)
        page = client.get(url).content.decode()
        filtered = client.get(url, {"risk": "goals_missing"})

    assert 'href="?risk=goals_missing#work-list"' in page
    assert [row.user_id for row in filtered.context["rows"]] == [late.pk]


def test_filters_sort_and_bad_input(client, round_cohort, make_member):
    mentor = make_member(Role.MENTOR, in_cohort=round_cohort)
    zed, amy = join(round_cohort, "Zed"), join(round_cohort, "Amy")
    submit_goals(round_cohort, zed)
    client.force_login(mentor)
    url = reverse("cohort:overview", kwargs={"slug": "round"})

    def names(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [row.name for row in response.context["rows"]]

    with time_machine.travel(at("2027-02-10"), tick=False):
        client.force_login(mentor)
        assert names() == ["Amy", "Zed"]
        assert names(sort="name", dir="desc") == ["Zed", "Amy"]
        assert names(sort="goals") == ["Amy", "Zed"]
        assert names(sort="goals", dir="desc") == ["Zed", "Amy"]
        assert names(missing="goals") == ["Amy"]
        assert names(q="ze") == ["Zed"]
        assert names(q="\x00" + "x" * 1_000_000, risk="nope", missing="nope", sort="nope") == []
        assert names(risk="nope", missing="nope", sort="nope") == ["Amy", "Zed"]
    assert amy.pk != zed.pk


def test_csv_has_the_same_rows_and_figures(client, round_cohort, make_member):
    mentor = make_member(Role.MENTOR, in_cohort=round_cohort)
    late = join(round_cohort, "=Lena Late")
    client.force_login(mentor)

    with time_machine.travel(at("2027-02-10"), tick=False):
        client.force_login(mentor)
        response = client.get(
            reverse("cohort:overview_csv", kwargs={"slug": "round"}), {"risk": "goals_missing"}
        )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert (
        response["Content-Disposition"] == 'attachment; filename="round-work-list-2027-02-10.csv"'
    )
    assert rows == [
        [
            "name",
            "e-mail",
            "Signed up",
            "Goals form",
            "Slide",
            "Partner",
            "Problem",
            "Dates",
            "Interview",
            "Attendance",
            "Withdrawn",
            "at risk now",
        ],
        [
            "'=Lena Late",
            late.email,
            "yes",
            "missing",
            "unfinished",
            "none",
            "no pair",
            "—",
            "no pair",
            "no events yet",
            "—",
            "goals form missing after its deadline",
        ],
    ]


def _fill(cohort, count):
    """People at every stage: pairs with problems and bookings, help requests, claims."""
    people = [join(cohort) for _ in range(count)]
    for i in range(0, count - 1, 4):
        a, b = people[i], people[i + 1]
        pair = make_pair(cohort, a, b)
        pair.current_problem = ProblemSubmission.objects.create(
            pair=pair, round=1, title="P", state=ProblemState.PENDING, submitted_by=a
        )
        pair.save()
        HelpRequest.objects.create(
            cohort=cohort, requester=a, topic="Help", created_at=timezone.now() - timedelta(days=2)
        )
        submit_goals(cohort, b)
    InvitationFactory(cohort=cohort)
    return people


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_overview_queries_are_the_same_at_40_and_150_people(client, round_cohort, make_member):
    mentor = make_member(Role.MENTOR, in_cohort=round_cohort)
    client.force_login(mentor)
    url = reverse("cohort:overview", kwargs={"slug": "round"})

    _fill(round_cohort, 40)
    forty = _count(client, url)
    _fill(round_cohort, 110)
    hundred_fifty = _count(client, url)

    assert (forty, hundred_fifty) == (29, 29)


def test_person_page_shows_what_each_role_may_see(client, round_cohort, second_cohort, make_member):
    mentor = make_member(Role.MENTOR, in_cohort=round_cohort)
    their_ta, other_ta = (make_member(Role.TA, in_cohort=round_cohort) for _ in range(2))
    person = join(round_cohort, "Pia Person")
    partner = join(round_cohort, "Paul Partner")
    make_pair(round_cohort, person, partner)
    GoalsAnswer.objects.filter(membership__user=person).update(
        hopes="To publish a paper on grokking.", submitted_at=at("2027-02-02")
    )
    ClaimFactory(cohort=round_cohort, owner=person, vendor="GPU Hire Ltd", state="submitted")
    TAAssignmentFactory(cohort=round_cohort, participant=person, ta=their_ta)
    url = reverse("cohort:person", kwargs={"slug": "round", "user_id": person.pk})
    outsider = second_cohort.memberships.first().user

    def page(viewer):
        client.force_login(viewer)
        return client.get(url)

    as_mentor, as_ta, as_other_ta = page(mentor), page(their_ta), page(other_ta)
    client.force_login(mentor)
    not_here = client.get(
        reverse("cohort:person", kwargs={"slug": "round", "user_id": outsider.pk})
    )

    assert (as_mentor.status_code, as_ta.status_code, as_other_ta.status_code) == (200, 200, 403)
    assert not_here.status_code == 404
    mentor_html, ta_html = as_mentor.content.decode(), as_ta.content.decode()
    assert [s.title for s in as_mentor.context["sections"]] == [
        "Slide",
        "Goals form",
        "Sprint pair",
        "Compute claims",
        "Help requests",
        "Attendance",
    ]
    assert [s.title for s in as_ta.context["sections"]] == [
        "Slide",
        "Sprint pair",
        "Help requests",
        "Attendance",
    ]
    assert "To publish a paper on grokking." in mentor_html
    assert "GPU Hire Ltd" in mentor_html
    assert "To publish a paper on grokking." not in ta_html
    assert "GPU Hire Ltd" not in ta_html
    partner_url = reverse("cohort:person", kwargs={"slug": "round", "user_id": partner.pk})
    assert f'<a href="{partner_url}">Paul Partner</a>' in mentor_html


def test_figures_list_the_unfinished_one_of_two_people_sharing_a_name(round_cohort):
    """The old overview dropped everyone whose name matched someone who had finished."""
    from cohort.overview import overview_sections

    finished, unfinished = join(round_cohort, "Sam Lee"), join(round_cohort, "Sam Lee")
    profile = Profile.objects.create(
        membership=finished.memberships.get(), bio="Hi", interests=",circuits,"
    )
    profile.photo.save("a.png", placeholder_avatar(initials="S", seed=1))

    section = next(s for s in overview_sections(round_cohort) if s.title == "Participants")
    row = next(r for r in section.rows if r.note == "still to finish theirs")

    assert (row.count, row.people) == (1, ["Sam Lee"])
    assert unfinished.pk != finished.pk
