"""The sprint pages of issue 12: refused forms keep their input, final steps ask first, the
problem can change until the sprint starts, withdrawn people get the right reason."""

from datetime import timedelta

import pytest
from django.urls import reverse

from participants.models import WithdrawalScope
from participants.services import withdraw
from sprints import services
from sprints.models import Booking, DateShiftRequest, Pair, PairInvitation, ProblemState, SlotKind
from sprints.services import SprintError
from tests.factories.sprints import make_idea, make_pair, make_slot


def _url(cohort, name, **kwargs):
    return reverse(f"sprints:{name}", kwargs={"slug": cohort.slug, **kwargs})


def test_withdrawn_participant_is_refused_with_the_reason(client, cohort, people):
    withdraw(membership=people[0].memberships.get(), scope=WithdrawalScope.PROGRAM)
    client.force_login(people[0])

    page = client.get(_url(cohort, "sprint"))
    response = client.post(_url(cohort, "invite"), {"partner": people[1].pk}, follow=True)

    assert "You have withdrawn from the program" in page.content.decode()
    assert 'action="/c/demo-test/sprint/invite/"' not in page.content.decode()
    assert [str(m) for m in response.context["messages"]] == [services.WITHDRAWN_MESSAGE]
    assert PairInvitation.objects.count() == 0


def test_refused_alternative_dates_keep_the_input_and_open_the_section(client, cohort, people):
    make_pair(cohort, people[0], people[1])
    late = cohort.sprint_end + timedelta(days=9)
    client.force_login(people[0])

    response = client.post(
        _url(cohort, "alternative_dates"),
        {
            f"start_{people[0].pk}": cohort.sprint_start.isoformat(),
            f"end_{people[0].pk}": late.isoformat(),
            f"start_{people[1].pk}": cohort.sprint_start.isoformat(),
            f"end_{people[1].pk}": cohort.sprint_end.isoformat(),
            "reason": "A wedding",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert DateShiftRequest.objects.count() == 0
    assert '<details open id="dates-details">' in html
    assert f'value="{late.isoformat()}"' in html
    assert "A wedding</textarea>" in html
    latest = cohort.sprint_end + timedelta(days=3)
    assert response.context["date_form"].errors == {
        f"end_{people[0].pk}": [
            f"{late:%-d %b} is more than 3 days after the sprint's official end "
            f"({cohort.sprint_end:%-d %b}): the latest possible end is {latest:%-d %b}."
        ]
    }
    assert f'id="id_end_{people[0].pk}_errors"' in html


def test_date_fields_are_iso_in_the_html(client, cohort, people):
    make_pair(cohort, people[0], people[1])
    client.force_login(people[0])

    html = client.get(_url(cohort, "sprint")).content.decode()

    assert (
        f'<input type="date" name="start_{people[0].pk}" value="{cohort.sprint_start:%Y-%m-%d}"'
        in html
    )


def test_refused_proposal_keeps_what_was_typed(client, cohort, people):
    make_pair(cohort, people[0], people[1])
    client.force_login(people[0])

    response = client.post(
        _url(cohort, "problem"), {"title": "Quotes", "question": "Which heads?", "why": ""}
    )

    assert response.status_code == 400
    assert response.context["problem_form"].errors == {
        "why": ["A proposal needs this."],
        "plan": ["A proposal needs this."],
    }
    html = response.content.decode()
    assert 'value="Quotes"' in html and "Which heads?</textarea>" in html
    assert '<details open id="problem-details">' in html


def test_dissolving_needs_the_confirmation(client, cohort, people):
    pair = make_pair(cohort, people[0], people[1])
    client.force_login(people[0])

    asked = client.post(_url(cohort, "dissolve"))
    pair.refresh_from_db()
    still_a_pair = pair.dissolved_at is None
    client.post(_url(cohort, "dissolve"), {"confirmed": "yes"})
    pair.refresh_from_db()

    assert asked.status_code == 200
    assert asked.context["title"] == "Dissolve your pair?"
    assert still_a_pair
    assert pair.dissolved_at is not None


def test_a_second_click_on_dissolve_says_it_is_done(client, cohort, people):
    make_pair(cohort, people[0], people[1])
    client.force_login(people[0])
    client.post(_url(cohort, "dissolve"), {"confirmed": "yes"})

    again = client.post(_url(cohort, "dissolve"), {"confirmed": "yes"}, follow=True)

    assert again.status_code == 200
    assert [str(m) for m in again.context["messages"]] == [
        "Your pair is dissolved.",
        "You are not in a sprint pair (any more).",
    ]
    assert Pair.objects.filter(dissolved_at__isnull=True).count() == 0


def test_cancelling_a_booking_needs_the_confirmation(client, cohort, people):
    pair = make_pair(cohort, people[0], people[1])
    booking = services.book_slot(slot_id=make_slot(cohort).pk, pair=pair, user=people[0])
    client.force_login(people[0])

    asked = client.post(_url(cohort, "cancel_booking", pk=booking.pk))
    booking.refresh_from_db()
    kept = booking.cancelled_at is None
    client.post(_url(cohort, "cancel_booking", pk=booking.pk), {"confirmed": "yes"})
    booking.refresh_from_db()

    assert asked.context["title"] == "Cancel this booking?"
    assert kept
    assert booking.cancelled_at is not None


def test_an_approved_problem_changes_before_the_sprint_after_a_confirmation(client, cohort, people):
    pair = make_pair(cohort, people[0], people[1])
    first, second = make_idea(cohort, title="First"), make_idea(cohort, title="Second")
    services.submit_problem(pair=pair, user=people[0], idea=first)
    client.force_login(people[1])

    asked = client.post(_url(cohort, "problem"), {"idea": second.pk})
    client.post(_url(cohort, "problem"), {"idea": second.pk, "confirmed": "yes"})
    pair.refresh_from_db()

    assert asked.context["consequences"][0] == "It replaces your approved problem, “First”."
    assert (pair.current_problem.title, pair.current_problem.state) == (
        "Second",
        ProblemState.APPROVED,
    )
    assert list(pair.problem_rounds.order_by("round").values_list("title", flat=True)) == [
        "First",
        "Second",
    ]


@pytest.mark.usefixtures("after_sprint_start")
def test_an_approved_problem_stays_once_the_sprint_has_started(cohort, people):
    pair = make_pair(cohort, people[0], people[1])
    services.submit_problem(pair=pair, user=people[0], idea=make_idea(cohort, title="First"))

    with pytest.raises(SprintError, match="The sprint has started"):
        services.submit_problem(pair=pair, user=people[0], idea=make_idea(cohort, title="Next"))

    assert Pair.objects.get(pk=pair.pk).current_problem.title == "First"


def test_ideas_page_offers_choose_this_idea_to_a_pair_only(client, cohort, people, make_member):
    from cohort.models import Role

    make_pair(cohort, people[0], people[1])
    idea = make_idea(cohort, title="Counting heads")
    button = 'Choose this idea<span class="visually-hidden">: Counting heads</span>'
    client.force_login(people[0])
    with_pair = client.get(_url(cohort, "ideas")).content.decode()
    client.force_login(people[2])
    without_pair = client.get(_url(cohort, "ideas")).content.decode()
    client.force_login(make_member(Role.MENTOR))
    mentor = client.get(_url(cohort, "ideas")).content.decode()

    assert button in with_pair
    assert f'<input type="hidden" name="idea" value="{idea.pk}">' in with_pair
    assert button not in without_pair
    assert button not in mentor


def test_slots_page_stops_offering_interviews_once_one_is_booked(client, cohort, people):
    pair = make_pair(cohort, people[0], people[1])
    first = make_slot(cohort)
    make_slot(cohort, starts_at=first.starts_at + timedelta(hours=2))
    client.force_login(people[0])
    before = client.get(_url(cohort, "slots")).context

    services.book_slot(slot_id=first.pk, pair=pair, user=people[0])
    after = client.get(_url(cohort, "slots"))

    assert before["can_book_interview"] is True
    assert after.context["can_book_interview"] is False
    assert after.content.decode().count('action="/c/demo-test/sprint/slots/') == 0
    assert "Your pair's interview is booked." in after.content.decode()
    assert Booking.objects.filter(kind=SlotKind.INTERVIEW).count() == 1
