from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from cohort.models import Role
from participants import services
from participants.models import GoalsAnswer

ANSWERS = {
    "hopes": "Learn to run an experiment end to end.",
    "hours_per_week": "20",
    "experience": "some",
    "topics": "circuits, probing",
    "wants_partner": "yes",
    "sprint_hopes": "A replication with a twist.",
}


def _goals_url(cohort, name="goals"):
    return reverse(f"participants:{name}", kwargs={"slug": cohort.slug})


def _deadline(cohort):
    return cohort.end_of(cohort.goals_form_due)


@pytest.mark.parametrize(
    ("offset", "submitted", "late"),
    [
        (timedelta(hours=-1), True, False),
        (timedelta(0), True, False),
        (timedelta(microseconds=1), False, False),
        (timedelta(days=2), False, False),
    ],
    ids=["before", "at", "just-after", "days-after"],
)
def test_goals_submission_around_the_deadline(client, cohort, participant, offset, submitted, late):
    client.force_login(participant)

    with time_machine.travel(_deadline(cohort) + offset, tick=False):
        response = client.post(_goals_url(cohort), ANSWERS, follow=True)

    answer = GoalsAnswer.objects.get(membership__user=participant)
    assert (answer.submitted_at is not None, answer.is_late) == (submitted, late)
    if not submitted:
        assert "The goals form has closed, so this was not submitted." in response.content.decode()
        assert answer.draft["hopes"] == ANSWERS["hopes"]  # nothing typed is lost


def test_goals_late_submission_only_after_reopening(client, cohort, participant, mentor):
    client.force_login(participant)
    membership = participant.memberships.get()
    after = _deadline(cohort) + timedelta(hours=5)

    with time_machine.travel(after, tick=False):
        client.post(_goals_url(cohort), ANSWERS)
        refused = GoalsAnswer.objects.get(membership=membership).submitted_at
        services.reopen_goals(membership=membership, by=mentor)
        response = client.post(_goals_url(cohort), ANSWERS, follow=True)

    answer = GoalsAnswer.objects.get(membership=membership)
    assert refused is None
    assert (answer.submitted_at, answer.is_late) == (after, True)
    assert "Your goals form is submitted (marked late)." in response.content.decode()


def test_goals_edit_before_deadline_replaces_answer_on_time(client, cohort, participant):
    client.force_login(participant)
    with time_machine.travel(_deadline(cohort) - timedelta(days=1), tick=False):
        client.post(_goals_url(cohort), ANSWERS)
        client.post(_goals_url(cohort), {**ANSWERS, "hopes": "Changed my mind."})

    answer = GoalsAnswer.objects.get(membership__user=participant)
    assert (answer.hopes, answer.is_late) == ("Changed my mind.", False)


def test_goals_page_shows_time_left_in_viewer_timezone(client, cohort, make_member):
    person = make_member(Role.PARTICIPANT, timezone="Asia/Kolkata")
    client.force_login(person)

    with time_machine.travel(_deadline(cohort) - timedelta(hours=26, minutes=30), tick=False):
        html = client.get(_goals_url(cohort)).content.decode()

    assert 'Closes in <strong class="countdown-value">1 day 2 hours</strong>' in html
    assert "IST" in html  # the participant's own timezone, with the cohort's beside it
    assert "GMT" in html or "BST" in html


def test_goals_draft_saved_explicitly_keeps_submitted_answer(client, cohort, participant):
    client.force_login(participant)
    with time_machine.travel(_deadline(cohort) - timedelta(days=1), tick=False):
        client.post(_goals_url(cohort), ANSWERS)
        response = client.post(
            _goals_url(cohort), {**ANSWERS, "hopes": "Half a new thought", "save_draft": "1"}
        )
        page = client.get(_goals_url(cohort)).content.decode()

    answer = GoalsAnswer.objects.get(membership__user=participant)
    assert response.status_code == 302
    assert answer.hopes == ANSWERS["hopes"]  # the mentor still sees the submitted answer
    assert answer.draft["hopes"] == "Half a new thought"
    assert "Half a new thought" in page


def test_goals_autosave_keeps_draft_after_deadline(client, cohort, participant):
    client.force_login(participant)

    with time_machine.travel(_deadline(cohort) + timedelta(minutes=3), tick=False):
        response = client.post(_goals_url(cohort, "goals_draft"), {"hopes": "typed at 23:59"})

    answer = GoalsAnswer.objects.get(membership__user=participant)
    assert response.status_code == 200
    assert response.json() == {"saved_at": answer.draft_saved_at.isoformat()}
    assert (answer.draft["hopes"], answer.submitted_at) == ("typed at 23:59", None)


def test_goals_invalid_submission_is_kept_as_draft(client, cohort, participant):
    client.force_login(participant)

    response = client.post(_goals_url(cohort), {**ANSWERS, "sprint_hopes": ""})

    answer = GoalsAnswer.objects.get(membership__user=participant)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert (answer.submitted_at, answer.draft["hopes"]) == (None, ANSWERS["hopes"])


def test_goals_autosave_after_session_expired_redirects_to_login(client, cohort, participant):
    response = client.post(_goals_url(cohort, "goals_draft"), {"hopes": "lost?"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert GoalsAnswer.objects.get(membership__user=participant).draft == {}


def test_goals_participant_cannot_read_or_change_anothers(client, cohort, make_member):
    alice = make_member(Role.PARTICIPANT, name="Alice")
    bob = make_member(Role.PARTICIPANT, name="Bob")
    services.submit_goals(
        membership=alice.memberships.get(), answers={**ANSWERS, "hopes": "Alice's private hopes"}
    )
    services.save_goals_draft(membership=alice.memberships.get(), data={"hopes": "Alice draft"})
    client.force_login(bob)

    page = client.get(_goals_url(cohort)).content.decode()
    client.post(_goals_url(cohort), {**ANSWERS, "hopes": "Bob's"})
    client.post(_goals_url(cohort, "goals_draft"), {"hopes": "Bob draft"})

    alice_answer = GoalsAnswer.objects.get(membership__user=alice)
    assert "Alice's private hopes" not in page and "Alice draft" not in page
    assert (alice_answer.hopes, alice_answer.draft) == (
        "Alice's private hopes",
        {
            "hopes": "Alice draft",
            "hours_per_week": "",
            "experience": "",
            "topics": "",
            "wants_partner": "",
            "sprint_hopes": "",
        },
    )
    assert GoalsAnswer.objects.get(membership__user=bob).hopes == "Bob's"


def test_goals_row_exists_for_every_new_participant(cohort, make_member):
    person = make_member(Role.PARTICIPANT)
    make_member(Role.TA)

    assert list(GoalsAnswer.objects.values_list("membership__user", flat=True)) == [person.pk]
