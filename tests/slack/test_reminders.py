"""Reminders: with time frozen, each goes to exactly the people it should, once."""

from datetime import timedelta

import pytest
import time_machine

from cohort.models import NotificationPreference, ReminderSent, Role, SlackMessage
from cohort.notifications import reminders
from cohort.notifications.reminders import GOALS_FORM_NOT_SUBMITTED, send_due_reminders


def restore_audience(name, registered):
    """Put back the audience an app registered in its ready(), so later tests still have it."""
    if registered is None:
        reminders.unregister_audience(name)
    else:
        reminders.register_audience(name, registered)


@pytest.fixture
def not_submitted():
    """Stands in for the participants app's hook: the test says who has not submitted in the
    cohort under test (and, to check the core's own scoping, names someone from elsewhere)."""
    people: set[int] = set()
    registered = reminders._audiences.get(GOALS_FORM_NOT_SUBMITTED)
    reminders.register_audience(
        GOALS_FORM_NOT_SUBMITTED,
        lambda cohort: set(people) if cohort.slug == "demo-test" else set(),
    )
    yield people
    restore_audience(GOALS_FORM_NOT_SUBMITTED, registered)


@pytest.fixture
def no_goals_audience():
    """As if the participants app had registered no goals-form audience (restored after)."""
    registered = reminders._audiences.get(GOALS_FORM_NOT_SUBMITTED)
    reminders.unregister_audience(GOALS_FORM_NOT_SUBMITTED)
    yield
    restore_audience(GOALS_FORM_NOT_SUBMITTED, registered)


@pytest.fixture
def people(cohort, other_cohort, make_member):
    return {
        "late": make_member(Role.PARTICIPANT, name="Late One"),
        "late_quiet": make_member(Role.PARTICIPANT, name="Late Quiet"),
        "done": make_member(Role.PARTICIPANT, name="Done Already"),
        "ta": make_member(Role.TA, name="A TA"),
        "elsewhere": make_member(Role.PARTICIPANT, in_cohort=other_cohort, name="Elsewhere"),
    }


def reminded(key):
    return set(ReminderSent.objects.filter(key=key).values_list("user__name", flat=True))


def test_goals_form_reminders_go_to_exactly_the_right_people_once(
    cohort, people, not_submitted, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        membership=people["late_quiet"].memberships.get(), reminders=False
    )
    not_submitted.update({people[n].pk for n in ("late", "late_quiet", "ta", "elsewhere")})
    due = cohort.end_of(cohort.goals_form_due)

    with (
        time_machine.travel(due - timedelta(hours=47), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = send_due_reminders()
        second = send_due_reminders()

    assert (first, second) == (1, 0)
    assert reminded("goals_form:48h") == {"Late One"}
    message = SlackMessage.objects.get()
    assert (message.recipient, message.purpose) == (people["late"], "reminder:goals_form:48h")
    assert "goals form" in message.text


def test_goals_form_six_hour_reminder_is_separate_and_also_once(
    cohort, people, not_submitted, django_capture_on_commit_callbacks
):
    not_submitted.add(people["late"].pk)
    due = cohort.end_of(cohort.goals_form_due)

    for hours_before in (47, 30, 5, 1):
        with time_machine.travel(due - timedelta(hours=hours_before), tick=False):
            send_due_reminders()
            send_due_reminders()

    assert sorted(ReminderSent.objects.values_list("key", flat=True)) == [
        "goals_form:48h",
        "goals_form:6h",
    ]
    assert SlackMessage.objects.filter(recipient=people["late"]).count() == 2


def test_goals_form_reminders_outside_windows_send_nothing(cohort, people, not_submitted):
    not_submitted.add(people["late"].pk)
    due = cohort.end_of(cohort.goals_form_due)

    for moment in (due - timedelta(hours=49), due + timedelta(minutes=1)):
        with time_machine.travel(moment, tick=False):
            assert send_due_reminders() == 0

    assert ReminderSent.objects.count() == 0


def test_goals_form_reminders_without_audience_hook_send_nothing(cohort, people, no_goals_audience):
    due = cohort.end_of(cohort.goals_form_due)

    with time_machine.travel(due - timedelta(hours=47), tick=False):
        assert send_due_reminders() == 0

    assert SlackMessage.objects.count() == 0


def test_registered_provider_is_asked_and_claimed_once(cohort, people, monkeypatch):
    def provider(c, now):
        return [reminders.DueReminder(user_id=people["ta"].pk, key="test:ping", title="Ping")]

    # Only this provider: the apps' own reminders may be due today too.
    monkeypatch.setattr(reminders, "_providers", [])
    reminders.register(provider)
    counts = [send_due_reminders(), send_due_reminders()]

    assert counts == [1, 0]
    assert reminded("test:ping") == {"A TA"}


def test_digest_subscribers_are_only_those_who_opted_in(cohort, people):
    NotificationPreference.objects.create(
        membership=people["done"].memberships.get(), daily_digest=True
    )
    NotificationPreference.objects.create(
        membership=people["late"].memberships.get(), daily_digest=False
    )

    assert reminders.digest_subscribers(cohort) == {people["done"].pk}


@pytest.mark.parametrize(
    ("audience", "deadline", "before", "key"),
    [
        (
            reminders.PARTNER_NOT_FOUND,
            "partner_deadline",
            timedelta(hours=30),
            "partner_deadline:72h",
        ),
        (
            reminders.PARTNER_NOT_FOUND,
            "partner_deadline",
            timedelta(hours=2),
            "partner_deadline:24h",
        ),
        (reminders.SPRINT_PAIR_MEMBERS, "sprint_start", timedelta(hours=20), "sprint_start:24h"),
        (
            reminders.INTERVIEW_NOT_BOOKED,
            "interview_start",
            timedelta(days=3),
            "interview_booking:5d",
        ),
    ],
)
def test_deadline_reminders_use_their_audience_hook_once(
    cohort, people, audience, deadline, before, key
):
    registered = reminders._audiences.get(audience)
    reminders.register_audience(audience, lambda c: {people["late"].pk, people["ta"].pk})
    day = getattr(cohort, deadline)
    moment = cohort.end_of(day) if deadline == "partner_deadline" else cohort.start_of(day)
    try:
        with time_machine.travel(moment - before, tick=False):
            counts = [send_due_reminders(), send_due_reminders()]
    finally:
        restore_audience(audience, registered)

    assert counts == [1, 0]
    assert reminded(key) == {"Late One"}
