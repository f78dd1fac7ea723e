from datetime import timedelta

import time_machine
from django.urls import reverse

from cohort.models import Role
from cohort.overview import overview_sections
from cohort.todo import todo_items
from participants import services
from participants.models import GoalsAnswer, Profile
from tests.factories.participants import (
    HelpRequestFactory,
    PartnerEntryFactory,
    TAAssignmentFactory,
)
from tests.participants.test_goals import ANSWERS


def _section(cohort):
    (section,) = [s for s in overview_sections(cohort) if s.title == "Participants"]
    return {row.label.split(",")[0]: (row.total, row.people) for row in section.rows}


def test_overview_counts_and_names(cohort, make_member, mentor):
    done = make_member(Role.PARTICIPANT, name="Dana Done")
    late = make_member(Role.PARTICIPANT, name="Lee Late")
    gone = make_member(Role.PARTICIPANT, name="Gus Gone")
    research = make_member(Role.PARTICIPANT, name="Rita Research")
    Profile.objects.create(
        membership=done.memberships.get(), bio="Hi", interests=",x,", photo="photos/a.png"
    )
    services.submit_goals(membership=done.memberships.get(), answers=ANSWERS)
    with time_machine.travel(cohort.end_of(cohort.goals_form_due) + timedelta(hours=1)):
        services.reopen_goals(membership=late.memberships.get(), by=mentor)
        services.submit_goals(membership=late.memberships.get(), answers=ANSWERS)
    PartnerEntryFactory(cohort=cohort, user=late)
    services.withdraw(membership=gone.memberships.get(), scope="program")
    services.withdraw(membership=research.memberships.get(), scope="research")

    rows = _section(cohort)

    assert rows["profile done"] == (1, ["Lee Late", "Rita Research"])
    assert rows["goals forms submitted on time"] == (1, ["Dana Done"])
    assert rows["goals forms submitted late"] == (1, ["Lee Late"])
    assert rows["goals forms not submitted yet"] == (1, ["Rita Research"])
    assert rows["on the partner board"] == (1, ["Lee Late"])
    assert rows["withdrawn from the program"] == (1, ["Gus Gone"])
    assert rows["withdrawn from research-phase consideration only"] == (1, ["Rita Research"])


def test_todo_goals_item_until_submitted(cohort, participant):
    membership = participant.memberships.get()

    before = todo_items(membership)[0]
    services.submit_goals(membership=membership, answers=ANSWERS)
    after = next(i for i in todo_items(membership) if i.url.endswith("/me/goals/"))

    assert (before.label, before.done, before.due) == (
        "Fill in your goals form",
        False,
        cohort.end_of(cohort.goals_form_due),
    )
    assert (after.label, after.done) == ("Goals form submitted", True)


def test_todo_lists_profile_and_intro_on_home(client, cohort, participant):
    client.force_login(participant)

    html = client.get(reverse("cohort:home", kwargs={"slug": cohort.slug})).content.decode()

    assert "Fill in your goals form" in html
    assert "Complete your profile slide" in html
    assert "Write your introduction" in html


def test_todo_ta_sees_waiting_requests(cohort, ta, participant):
    TAAssignmentFactory(cohort=cohort, participant=participant, ta=ta)
    HelpRequestFactory(cohort=cohort, requester=participant)
    HelpRequestFactory(cohort=cohort, requester=participant)

    labels = [i.label for i in todo_items(ta.memberships.get())]

    assert labels == ["2 help requests waiting for you"]


def test_todo_draft_is_mentioned(cohort, participant):
    membership = participant.memberships.get()
    services.save_goals_draft(membership=membership, data={"hopes": "half"})

    item = todo_items(membership)[0]

    assert item.detail == "A draft is saved; remember to submit it."
    assert GoalsAnswer.objects.get(membership=membership).submitted_at is None
