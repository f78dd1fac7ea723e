"""The mentor's overview as a work list, on its pages: the list, its filters and sorting, the CSV,
its queries, and the person page for every role."""

import csv
import io
from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohort.models import Role
from participants.models import GoalsAnswer, HelpRequest
from sprints.models import ProblemState, ProblemSubmission
from tests.cohort.work_list_helpers import at, join, submit_goals
from tests.factories.cohort import InvitationFactory
from tests.factories.compute import ClaimFactory
from tests.factories.participants import TAAssignmentFactory
from tests.factories.sprints import make_pair


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
    client.get(url)  # both counts with the user's and membership rows kept (cohort/visitors.py)
    forty = _count(client, url)
    _fill(round_cohort, 110)
    hundred_fifty = _count(client, url)

    assert (forty, hundred_fifty) == (27, 27)


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
