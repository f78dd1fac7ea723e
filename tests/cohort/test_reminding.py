"""Reminding from the overview: a Slack DM or an e-mail, an invitation again, once a day each."""

from datetime import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from cohort.models import PersonalReminder, Role, SlackAccount, SlackMessage
from tests.factories.cohort import CohortFactory, InvitationFactory, MembershipFactory, UserFactory


@pytest.fixture
def setup(db, cohort, make_member, other_cohort):
    mentor = make_member(Role.MENTOR, name="Maria Mentor")
    on_slack = make_member(Role.PARTICIPANT, name="Sol Slack")
    SlackAccount.objects.create(user=on_slack, slack_user_id="U123")
    by_mail = make_member(Role.PARTICIPANT, name="Erin Email")
    outsider = make_member(Role.PARTICIPANT, in_cohort=other_cohort, name="Otto Other")
    invitation = InvitationFactory(cohort=cohort, email="waiting@example.org")
    elsewhere = InvitationFactory(cohort=other_cohort, email="elsewhere@example.org")
    return {
        "mentor": mentor,
        "on_slack": on_slack,
        "by_mail": by_mail,
        "outsider": outsider,
        "invitation": invitation,
        "elsewhere": elsewhere,
    }


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Post the overview's remind form; what the view hands to `transaction.on_commit` (the
    e-mails) runs as a real commit would run it."""

    def post(client, cohort, *keys):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("cohort:remind", kwargs={"slug": cohort.slug}),
                {"person": list(keys)},
                follow=True,
            )

    return post


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def dms():
    return list(
        SlackMessage.objects.filter(purpose="personal_reminder").values_list(
            "recipient__name", flat=True
        )
    )


def test_remind_twice_sends_once_per_person(client, cohort, setup, remind):
    client.force_login(setup["mentor"])
    keys = (f"u{setup['on_slack'].pk}", f"u{setup['by_mail'].pk}")
    mail.outbox.clear()

    first = remind(client, cohort, *keys)
    second = remind(client, cohort, *keys)

    assert messages_of(first) == ["Reminded 2: Erin Email, Sol Slack."]
    assert messages_of(second) == ["Already reminded today, not sent again: Erin Email, Sol Slack."]
    assert dms() == ["Sol Slack"]
    assert [m.to for m in mail.outbox] == [[setup["by_mail"].email]]
    assert mail.outbox[0].subject == "A reminder from Maria Mentor (Test Cohort)"
    assert "Fill in your goals form (due " in mail.outbox[0].body
    assert sorted(PersonalReminder.objects.values_list("user__name", "via")) == [
        ("Erin Email", "email"),
        ("Sol Slack", "slack"),
    ]


def test_remind_again_the_next_day(client, cohort, setup, remind):
    key = f"u{setup['by_mail'].pk}"
    mail.outbox.clear()
    with time_machine.travel(datetime.fromisoformat("2027-01-10T23:30:00+00:00"), tick=False):
        client.force_login(setup["mentor"])
        remind(client, cohort, key)
    with time_machine.travel(datetime.fromisoformat("2027-01-11T00:30:00+00:00"), tick=False):
        client.force_login(setup["mentor"])
        remind(client, cohort, key)

    assert len(mail.outbox) == 2
    assert sorted(str(d) for d in PersonalReminder.objects.values_list("day", flat=True)) == [
        "2027-01-10",
        "2027-01-11",
    ]


def test_the_day_is_the_cohorts_day(client, setup, remind):
    """23:30 and 00:30 UTC on a January night are one day in New York: one reminder."""
    cohort = CohortFactory(slug="ny", name="NY", timezone="America/New_York")
    mentor = UserFactory()
    MembershipFactory(cohort=cohort, user=mentor, role=Role.MENTOR)
    person = UserFactory(name="Nia York")
    MembershipFactory(cohort=cohort, user=person, role=Role.PARTICIPANT)
    mail.outbox.clear()
    for moment in ("2027-01-10T23:30:00+00:00", "2027-01-11T00:30:00+00:00"):
        with time_machine.travel(datetime.fromisoformat(moment), tick=False):
            client.force_login(mentor)
            remind(client, cohort, f"u{person.pk}")

    assert len(mail.outbox) == 1
    assert [str(r.day) for r in PersonalReminder.objects.all()] == ["2027-01-10"]


def test_resend_invitation_twice_sends_it_once(client, cohort, setup, remind):
    client.force_login(setup["mentor"])
    mail.outbox.clear()
    key = f"i{setup['invitation'].pk}"

    first = remind(client, cohort, key)
    second = remind(client, cohort, key)

    assert messages_of(first) == ["Invitation sent again to 1: waiting@example.org."]
    assert messages_of(second) == [
        "Invitation already sent again today, not sent twice: waiting@example.org."
    ]
    assert [m.to for m in mail.outbox] == [["waiting@example.org"]]
    assert setup["invitation"].token in mail.outbox[0].body


def test_people_of_another_cohort_cannot_be_reminded(client, cohort, setup, remind):
    client.force_login(setup["mentor"])
    mail.outbox.clear()

    response = remind(client, cohort, f"u{setup['outsider'].pk}", f"i{setup['elsewhere'].pk}")

    assert messages_of(response) == [
        "Someone ticked is no longer on the list; reload the page and try again."
    ]
    assert (len(mail.outbox), PersonalReminder.objects.count(), dms()) == (0, 0, [])


@pytest.mark.parametrize("keys", [[], ["u\x00"], ["x" * 1_000_000], ["u99999999999999999999"]])
def test_bad_input_changes_nothing(client, cohort, setup, keys, remind):
    client.force_login(setup["mentor"])
    mail.outbox.clear()

    response = remind(client, cohort, *keys)

    assert response.status_code == 200
    assert len(messages_of(response)) == 1
    assert (len(mail.outbox), PersonalReminder.objects.count()) == (0, 0)


def test_the_overview_marks_who_was_reminded_today(client, cohort, setup, remind):
    client.force_login(setup["mentor"])
    remind(client, cohort, f"u{setup['by_mail'].pk}")

    response = client.get(reverse("cohort:overview", kwargs={"slug": cohort.slug}))

    marked = [row.name for row in response.context["rows"] if row.reminded_today]
    assert marked == ["Erin Email"]


def test_the_invitations_list_in_the_admin_resends_once_a_day(
    client, cohort, setup, django_capture_on_commit_callbacks
):
    client.force_login(setup["mentor"])
    mail.outbox.clear()
    url = reverse("admin:cohort_invitation_changelist")
    data = {"action": "resend", "_selected_action": [setup["invitation"].pk]}

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data, follow=True)
        second = client.post(url, data, follow=True)
    elsewhere = client.post(
        url, {"action": "resend", "_selected_action": [setup["elsewhere"].pk]}, follow=True
    )

    assert [str(m) for m in first.context["messages"]] == ["Sent again to waiting@example.org."]
    assert [str(m) for m in second.context["messages"]] == [
        "Already sent again today: waiting@example.org."
    ]
    assert [m.to for m in mail.outbox] == [["waiting@example.org"]]
    assert elsewhere.status_code == 200
    assert PersonalReminder.objects.filter(invitation=setup["elsewhere"]).count() == 0


def test_due_times_in_the_email_are_in_the_readers_timezone(client, cohort, setup, remind):
    from zoneinfo import ZoneInfo

    reader = UserFactory(name="Nora NY", timezone="America/New_York")
    MembershipFactory(cohort=cohort, user=reader, role=Role.PARTICIPANT)
    client.force_login(setup["mentor"])
    mail.outbox.clear()

    remind(client, cohort, f"u{reader.pk}")

    due = cohort.end_of(cohort.goals_form_due).astimezone(ZoneInfo("America/New_York"))
    assert f"- Fill in your goals form (due {due:%a %-d %b, %H:%M} America/New_York)" in (
        mail.outbox[0].body
    )
