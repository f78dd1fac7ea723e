"""The seams between apps: partner board and sprint pairs, reminders, the calendar feed, Slack."""

from datetime import datetime, timedelta

import icalendar
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cohort.models import NotificationPreference, Role
from cohort.notifications import command, reminders
from events.providers import daily_digest, next_event_line
from events.services import feed_token_for
from participants import services as participant_services
from participants.models import GoalsAnswer, PartnerEntry, WithdrawalScope
from sprints import services as sprint_services
from sprints.hooks import interview_not_booked, sprint_pair_members, still_without_partner
from sprints.matching import matching_inputs
from sprints.models import Booking
from sprints.queries import invitable_participants
from tests.factories.events import EventFactory
from tests.factories.sprints import make_pair, make_slot

BOARD = {
    "want_to_work_on": "Sparse autoencoders on small models",
    "interests": "saes,circuits",
    "available_from": 9,
    "available_to": 17,
}


def _on_board(cohort, user, **fields):
    return participant_services.save_partner_entry(
        cohort=cohort, user=user, fields={**BOARD, **fields}
    )


def test_forming_a_pair_takes_both_off_the_board_and_dissolving_puts_them_back(
    cohort, make_member, django_capture_on_commit_callbacks
):
    ada, ben, cleo = (make_member(Role.PARTICIPANT) for _ in range(3))
    for person in (ada, ben, cleo):
        _on_board(cohort, person)

    invitation = sprint_services.invite_partner(cohort=cohort, from_user=ada, to_user=ben)
    with django_capture_on_commit_callbacks(execute=True):
        pair = sprint_services.accept_invitation(invitation_id=invitation.pk, user=ben)
    on_board_while_paired = _board_users(cohort)
    with django_capture_on_commit_callbacks(execute=True):
        sprint_services.dissolve_pair(pair=pair, by=ada)

    assert on_board_while_paired == {cleo.pk}
    assert _board_users(cohort) == {ada.pk, ben.pk, cleo.pk}
    assert PartnerEntry.objects.get(user=ada).want_to_work_on == BOARD["want_to_work_on"]


def _board_users(cohort):
    from participants.queries import partner_user_ids

    return partner_user_ids(cohort)


def test_withdrawn_participant_cannot_be_invited(cohort, make_member):
    ada, ben = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
    participant_services.withdraw(
        membership=ben.memberships.get(cohort=cohort), scope=WithdrawalScope.PROGRAM
    )

    invitable = set(invitable_participants(cohort).values_list("pk", flat=True))

    assert invitable == {ada.pk}


def test_research_only_withdrawal_can_still_pair_for_the_sprint(cohort, make_member):
    ada = make_member(Role.PARTICIPANT)
    participant_services.withdraw(
        membership=ada.memberships.get(cohort=cohort), scope=WithdrawalScope.RESEARCH
    )

    assert list(invitable_participants(cohort)) == [ada]


def test_partner_board_invite_button_sends_a_sprint_invitation(client, cohort, make_member):
    ada, ben = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT, name="Ben Board")
    _on_board(cohort, ben)
    client.force_login(ada)
    board_url = reverse("participants:partners", kwargs={"slug": cohort.slug})

    html = client.get(board_url).content.decode()
    response = client.post(
        reverse("sprints:invite", kwargs={"slug": cohort.slug}),
        {"partner": ben.pk, "next": board_url},
    )

    assert "Invite as sprint partner" in html
    assert response.status_code == 302
    assert cohort.pair_invitations.get(to_user=ben).from_user == ada


def test_matching_uses_board_interests_hours_and_wishes(cohort, make_member):
    ada, ben = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
    entry = _on_board(cohort, ben, interests="circuits,probing", available_from=14)
    _on_board(cohort, ada)
    participant_services.mark_interest(entry=entry, user=ada, note="Let's talk")

    people = {p.id: p for p in matching_inputs(cohort)}

    assert people[ben.pk].interests == {"circuits", "probing"}
    assert people[ada.pk].wishes == {ben.pk}
    assert min(people[ben.pk].hours) == 14  # Europe/London in winter: local is UTC


def test_feed_includes_the_pairs_interview_booking(client, cohort, make_member):
    ada, ben = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
    pair = make_pair(cohort, ada, ben)
    slot = make_slot(cohort)
    Booking.objects.create(slot=slot, pair=pair, kind=slot.kind, booked_by=ada)
    token = feed_token_for(membership=ada.memberships.get(cohort=cohort)).token

    response = client.get(reverse("events:feed", kwargs={"slug": cohort.slug, "token": token}))

    calendar = icalendar.Calendar.from_ical(response.content)
    titles = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert titles == ["Final interview with the mentor"]


def test_reminder_audiences_name_exactly_the_right_people(cohort, make_member):
    submitted, missing, paired_a, paired_b, booked_a, booked_b = (
        make_member(Role.PARTICIPANT) for _ in range(6)
    )
    GoalsAnswer.objects.filter(membership__user=submitted).update(submitted_at=timezone.now())
    GoalsAnswer.objects.filter(
        membership__user__in=[paired_a, paired_b, booked_a, booked_b]
    ).update(submitted_at=timezone.now())
    make_pair(cohort, paired_a, paired_b)
    booked = make_pair(cohort, booked_a, booked_b)
    slot = make_slot(cohort)
    Booking.objects.create(slot=slot, pair=booked, kind=slot.kind, booked_by=booked_a)

    goals = reminders._audiences[reminders.GOALS_FORM_NOT_SUBMITTED](cohort)

    assert set(goals) == {missing.pk}
    assert set(still_without_partner(cohort)) == {submitted.pk, missing.pk}
    assert set(sprint_pair_members(cohort)) == {paired_a.pk, paired_b.pk, booked_a.pk, booked_b.pk}
    assert set(interview_not_booked(cohort)) == {paired_a.pk, paired_b.pk}


def test_daily_digest_lists_todays_events_for_subscribers_once_a_day(cohort, make_member):
    keen, quiet = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
    NotificationPreference.objects.update_or_create(
        membership=keen.memberships.get(cohort=cohort), defaults={"daily_digest": True}
    )
    morning = datetime.combine(cohort.preparation_start, datetime.min.time()).replace(
        hour=8, tzinfo=cohort.tzinfo
    )
    EventFactory(
        cohort=cohort,
        title="Paper club",
        starts_at=morning + timedelta(hours=8),
        ends_at=morning + timedelta(hours=9),
    )
    EventFactory(
        cohort=cohort,
        title="Tomorrow's talk",
        starts_at=morning + timedelta(days=1),
        ends_at=morning + timedelta(days=1, hours=1),
    )

    due = daily_digest(cohort, morning)
    too_early = daily_digest(cohort, morning - timedelta(hours=2))

    assert [(d.user_id, d.key) for d in due] == [
        (keen.pk, f"events-digest:{cohort.preparation_start.isoformat()}")
    ]
    assert "16:00 Paper club" in due[0].body and "Tomorrow" not in due[0].body
    assert too_early == []
    assert quiet.pk not in [d.user_id for d in due]


def test_slash_command_names_the_next_event(cohort, participant):
    start = timezone.now() + timedelta(hours=3)
    EventFactory(
        cohort=cohort,
        title="Q&A with the mentor",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )

    with time_machine.travel(timezone.now(), tick=False):
        line = next_event_line(participant.memberships.get(cohort=cohort), timezone.now())

    assert line.startswith("Next event: Q&A with the mentor, ")
    assert next_event_line in command._sections


def test_ta_dashboard_shows_who_is_paired_with_whom(client, cohort, make_member):
    from participants.models import TAAssignment

    ta = make_member(Role.TA)
    ada, ben, solo, alone = (make_member(Role.PARTICIPANT) for _ in range(4))
    for person in (ada, ben, solo, alone):
        TAAssignment.objects.create(cohort=cohort, participant=person, ta=ta)
    make_pair(cohort, ada, ben)
    make_pair(cohort, solo)
    client.force_login(ta)

    response = client.get(reverse("participants:ta_dashboard", kwargs={"slug": cohort.slug}))

    status = {m.user_id: m.sprint_pair for m in response.context["people"]}
    assert status == {
        ada.pk: f"with {ben.display_name}",
        ben.pk: f"with {ada.display_name}",
        solo.pk: "solo",
        alone.pk: "",
    }


def test_sprint_page_shows_a_members_own_ta_until_the_pair_has_one(client, cohort, make_member):
    from participants.models import TAAssignment

    own_ta, pair_ta = make_member(Role.TA, name="Tara Own"), make_member(Role.TA, name="Pia Pair")
    ada, ben = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
    TAAssignment.objects.create(cohort=cohort, participant=ada, ta=own_ta)
    pair = make_pair(cohort, ada, ben)
    client.force_login(ben)
    url = reverse("sprints:sprint", kwargs={"slug": cohort.slug})

    before = client.get(url).context["pair_ta"]
    pair.ta = pair_ta
    pair.save()
    after = client.get(url).context["pair_ta"]

    assert (before, after) == (own_ta, pair_ta)


def test_someone_in_a_pair_cannot_join_the_partner_board(cohort, make_member):
    ada, ben = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
    make_pair(cohort, ada, ben)

    with pytest.raises(ValidationError, match="You are in a sprint pair already"):
        _on_board(cohort, ada)

    assert PartnerEntry.objects.filter(user=ada).exists() is False
