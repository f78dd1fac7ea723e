from datetime import timedelta

import pytest
from django.urls import reverse

from cohort.models import Notification
from sprints import queries, services
from sprints.models import DateShiftRequest, ProblemState, ProblemSubmission
from sprints.services import SprintError
from tests.factories.sprints import make_idea, make_pair


def _check(cohort, entries):
    services.check_alternative_dates(
        cohort=cohort, rules=queries.settings_for(cohort), entries=entries
    )


def _requested(cohort, people, dates):
    """Ask for `dates` (one pair of days per member) as a pair; what was stored, per member."""
    a, b = people[:2]
    pair = make_pair(cohort, a, b)
    request = services.request_alternative_dates(
        pair=pair, user=a, dates={a.pk: dates[0], b.pk: dates[1]}
    )
    stored = DateShiftRequest.objects.get(pk=request.pk)
    entries = {e.user_id: (e.start_date, e.end_date) for e in stored.entries.all()}
    return stored.state, [entries[a.pk], entries[b.pk]]


def test_dates_of_exactly_24_person_days_are_accepted(cohort, people):
    start = cohort.sprint_start
    dates = [(start, start + timedelta(days=11)), (start, start + timedelta(days=11))]

    assert _requested(cohort, people, dates) == ("pending", dates)


def test_dates_of_23_person_days_are_refused(cohort):
    start = cohort.sprint_start
    with pytest.raises(SprintError, match="23 person-days; a pair needs at least 24"):
        _check(cohort, [(start, start + timedelta(days=11)), (start, start + timedelta(days=10))])


def test_dates_ending_3_days_late_are_accepted(cohort, people):
    start, end = cohort.sprint_start + timedelta(days=3), cohort.sprint_end + timedelta(days=3)

    assert _requested(cohort, people, [(start, end), (start, end)]) == (
        "pending",
        [(start, end), (start, end)],
    )


def test_dates_ending_4_days_late_are_refused(cohort):
    start, end = cohort.sprint_start + timedelta(days=4), cohort.sprint_end + timedelta(days=4)
    with pytest.raises(SprintError, match="more than 3 days after the sprint's official end"):
        _check(cohort, [(start, end), (start, end)])


def test_date_rules_are_cohort_settings(cohort, people):
    start, end = cohort.sprint_start + timedelta(days=4), cohort.sprint_end + timedelta(days=4)
    dates = [(start, end), (start + timedelta(days=2), end)]
    with pytest.raises(SprintError, match="more than 3 days after"):
        _check(cohort, dates)  # refused under the default rules
    rules = queries.settings_for(cohort)
    rules.max_days_late = 4
    rules.min_person_days = 20
    rules.save()

    assert _requested(cohort, people, dates) == ("pending", dates)


def test_approved_dates_show_for_that_pair(cohort, people, client):
    a, b = people[:2]
    pair = make_pair(cohort, a, b)
    start, end = cohort.sprint_start + timedelta(days=2), cohort.sprint_end + timedelta(days=2)
    request = services.request_alternative_dates(
        pair=pair, user=a, dates={a.pk: (start, end), b.pk: (start, end)}
    )

    services.decide_alternative_dates(request=request, approve=True)

    dates = queries.sprint_dates(pair)
    assert [(d.start, d.end, d.shifted) for d in dates] == [(start, end, True)] * 2
    client.force_login(b)
    page = client.get(reverse("sprints:sprint", kwargs={"slug": cohort.slug})).content.decode()
    assert f"{start:%a} {start.day} {start:%b} to {end:%a} {end.day} {end:%b}" in page


def test_date_request_through_the_page_shows_the_refusal(cohort, people, client):
    a, b = people[:2]
    make_pair(cohort, a, b)
    client.force_login(a)
    late = cohort.sprint_end + timedelta(days=4)
    data = {
        f"start_{a.pk}": cohort.sprint_start + timedelta(days=4),
        f"end_{a.pk}": late,
        f"start_{b.pk}": cohort.sprint_start + timedelta(days=4),
        f"end_{b.pk}": late,
    }

    response = client.post(
        reverse("sprints:alternative_dates", kwargs={"slug": cohort.slug}), data, follow=True
    )

    assert "more than 3 days after" in response.content.decode()
    assert DateShiftRequest.objects.count() == 0


def test_proposal_is_pending_then_sent_back_then_resubmitted_and_approved(cohort, people, mentor):
    a, b = people[:2]
    pair = make_pair(cohort, a, b)

    first = services.submit_problem(
        pair=pair, user=a, title="Quotes", question="q", why="w", plan="p"
    )
    assert first.state == ProblemState.PENDING
    services.decide_problem(submission=first, approve=False, comment="Narrower, please.", by=mentor)
    second = services.submit_problem(
        pair=pair, user=b, title="Closing quotes", question="q2", why="w", plan="p"
    )
    services.decide_problem(submission=second, approve=True, by=mentor)

    rounds = list(
        ProblemSubmission.objects.filter(pair=pair)
        .order_by("round")
        .values_list("round", "title", "state", "mentor_comment")
    )
    assert rounds == [
        (1, "Quotes", "sent_back", "Narrower, please."),
        (2, "Closing quotes", "approved", ""),
    ]
    pair.refresh_from_db()
    assert pair.current_problem == second
    kinds = Notification.objects.filter(kind="sprints.problem_decided")
    assert sorted(kinds.values_list("user_id", flat=True)) == sorted([a.pk, b.pk] * 2)


def test_pending_proposal_is_edited_in_place(cohort, people):
    a, b = people[:2]
    pair = make_pair(cohort, a, b)
    services.submit_problem(pair=pair, user=a, title="First try")

    services.submit_problem(pair=pair, user=b, title="Better title")

    assert list(ProblemSubmission.objects.values_list("round", "title")) == [(1, "Better title")]


def test_choosing_an_idea_is_approved_and_counted_on_the_ideas_page(cohort, people, client):
    a, b = people[:2]
    pair = make_pair(cohort, a, b)
    idea = make_idea(cohort, title="Brackets")

    submission = services.submit_problem(pair=pair, user=a, idea=idea)

    assert (submission.state, submission.title) == (ProblemState.APPROVED, "Brackets")
    assert queries.ideas_with_pair_counts(cohort).get(pk=idea.pk).pair_count == 1
    client.force_login(a)
    page = client.get(reverse("sprints:ideas", kwargs={"slug": cohort.slug})).content.decode()
    assert "Chosen by 1 pair<" in page


def test_sending_back_needs_a_comment(cohort, people):
    pair = make_pair(cohort, *people[:2])
    submission = services.submit_problem(pair=pair, user=people[0], title="T")

    with pytest.raises(SprintError, match="Say what should change"):
        services.decide_problem(submission=submission, approve=False, comment=" ")


def test_participant_cannot_act_on_another_pairs_proposal(cohort, people):
    theirs = make_pair(cohort, people[0], people[1])
    make_pair(cohort, people[2], people[3])

    with pytest.raises(SprintError, match="not your pair"):
        services.submit_problem(pair=theirs, user=people[2], title="Hijack")
    with pytest.raises(SprintError, match="not your pair"):
        services.set_writeup(pair=theirs, user=people[2], url="https://example.org/x")


def test_problem_view_acts_only_on_the_viewers_pair(cohort, people, client):
    theirs = make_pair(cohort, people[0], people[1])
    mine = make_pair(cohort, people[2], people[3])
    client.force_login(people[2])

    client.post(
        reverse("sprints:problem", kwargs={"slug": cohort.slug}),
        {"title": "Mine", "question": "q", "why": "w", "plan": "p", "pair": theirs.pk},
    )

    assert list(ProblemSubmission.objects.values_list("pair_id", "title")) == [(mine.pk, "Mine")]


def test_sent_back_comment_shows_on_the_sprint_page(cohort, people, mentor, client):
    pair = make_pair(cohort, *people[:2])
    submission = services.submit_problem(pair=pair, user=people[0], title="Too broad")
    services.decide_problem(submission=submission, approve=False, comment="Pick one behaviour.")
    client.force_login(people[1])

    page = client.get(reverse("sprints:sprint", kwargs={"slug": cohort.slug})).content.decode()

    assert "Pick one behaviour." in page
    assert "Sent back" in page
