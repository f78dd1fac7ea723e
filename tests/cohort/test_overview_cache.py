"""The overview kept in the cache (cohort/overview_page.py): a write through a service or the
admin shows at once, the clock moves it within a minute, and only its viewers ever get it."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import strip_tags

from cohort import services as cohort_services
from cohort.models import Role
from compute.models import ClaimState
from events import services as event_services
from participants import services as participant_services
from participants.models import HelpRequest, HelpState, WithdrawalScope
from sprints import services as sprint_services
from tests.cohort.work_list_helpers import at, join
from tests.factories.cohort import InvitationFactory, UserFactory
from tests.factories.compute import ClaimFactory
from tests.factories.events import EventFactory
from tests.factories.sprints import make_pair

BOARD_ENTRY = {
    "want_to_work_on": "Circuits in small models",
    "interests": ",circuits,",
    "available_from": 9,
    "available_to": 17,
}
NOW = at("2027-02-10")  # after the goals deadline (3 Feb), before the partner deadline (19 Feb)


def _login(client):
    """The mentor's session, made at the travelled time (an earlier one would have expired)."""
    client.force_login(client.mentor)
    return client


def _overview(client, cohort, **params):
    if hasattr(client, "mentor"):
        _login(client)
    response = client.get(reverse("cohort:overview", kwargs={"slug": cohort.slug}), params)
    assert response.status_code == 200
    return response.content.decode()


def _row(html: str, key: str) -> str:
    """A work-list row as the mentor reads it: its cells' text, separated by " | "."""
    found = re.search(rf'<tr id="row-{key}"[^>]*>(.*?)</tr>', html, re.S)
    if found is None:
        return ""
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", found.group(1), re.S)
    return " | ".join(" ".join(strip_tags(c.replace("<br>", " ")).split()) for c in cells[1:])


def _figure(html: str, label: str) -> str:
    """The count in front of a figure's label in the figures section."""
    text = " ".join(strip_tags(html.split("<h2>Figures</h2>", 1)[1]).split())
    found = re.search(rf"(\d+) {re.escape(label)}", text)
    return found.group(1) if found else ""


@pytest.fixture
def mentor_client(client, round_cohort, make_member):
    client.mentor = make_member(Role.MENTOR, in_cohort=round_cohort)
    return client


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_a_submitted_goals_form_shows_at_once(mentor_client, round_cohort):
    ada = join(round_cohort, "Ada Byron")
    with time_machine.travel(at("2027-02-02"), tick=False):
        before = _row(_overview(mentor_client, round_cohort), f"u{ada.pk}")
        participant_services.submit_goals(
            membership=ada.memberships.get(), answers={"hopes": "Learn"}
        )
        after = _row(_overview(mentor_client, round_cohort), f"u{ada.pk}")

    assert before.startswith("Ada Byron | yes | not yet | unfinished")
    assert after.startswith("Ada Byron | yes | submitted | unfinished")


def test_a_new_name_and_a_withdrawal_show_at_once(mentor_client, round_cohort, clock):
    ada = join(round_cohort, "Ada Byron")
    _overview(mentor_client, round_cohort)

    ada.name = "Ada Lovelace"
    ada.save()
    renamed = _row(_overview(mentor_client, round_cohort), f"u{ada.pk}")
    participant_services.withdraw(membership=ada.memberships.get(), scope=WithdrawalScope.PROGRAM)
    withdrawn = _overview(mentor_client, round_cohort)

    assert renamed.startswith("Ada Lovelace | yes | missing")
    assert 'class="inactive"' in re.search(rf'<tr id="row-u{ada.pk}"[^>]*>', withdrawn).group(0)
    assert _row(withdrawn, f"u{ada.pk}").endswith("withdrawn (From the whole program) | —")


def test_an_invitation_made_and_sent_shows_at_once(
    mentor_client, round_cohort, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        _overview(mentor_client, round_cohort)
        with django_capture_on_commit_callbacks(execute=False):
            (invitation,) = cohort_services.invite_people(
                cohort=round_cohort,
                emails=["new@example.org"],
                role=Role.PARTICIPANT,
                invited_by=None,
            ).created
        invited = _row(_overview(mentor_client, round_cohort), f"i{invitation.pk}")
        cohort_services.send_invitation(invitation=invitation)
        sent = _row(_overview(mentor_client, round_cohort), f"i{invitation.pk}")
    assert invited.startswith("new@example.org | invited, not yet |")
    assert sent.startswith("new@example.org | invited, not yet (e-mail sent) |")


def test_an_accepted_invitation_becomes_a_signed_up_row(mentor_client, round_cohort, clock):
    invitation = InvitationFactory(cohort=round_cohort, email="nia@example.org")
    before = _overview(mentor_client, round_cohort)
    nia = UserFactory(name="Nia New", email="nia@example.org")
    cohort_services.accept_pending_invitations(user=nia)
    after = _overview(mentor_client, round_cohort)

    assert _row(before, f"i{invitation.pk}").startswith("nia@example.org | invited, not yet")
    assert (_row(after, f"i{invitation.pk}"), _row(after, f"u{nia.pk}")[:15]) == (
        "",
        "Nia New | yes |",
    )


def test_a_reminder_just_sent_is_marked(mentor_client, round_cohort, clock):
    ada = join(round_cohort, "Ada Byron")
    url = reverse("cohort:remind", kwargs={"slug": round_cohort.slug})
    before = _row(_overview(mentor_client, round_cohort), f"u{ada.pk}")

    _login(mentor_client).post(url, {"person": [f"u{ada.pk}"]})
    after = _row(_overview(mentor_client, round_cohort), f"u{ada.pk}")

    assert before.startswith("Ada Byron | yes")
    assert after.startswith("Ada Byron reminded today | yes")


def test_help_answered_leaves_the_risk_at_once(mentor_client, round_cohort, make_member):
    ada = join(round_cohort, "Ada Byron")
    ta = make_member(Role.TA, in_cohort=round_cohort)
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        request = participant_services.ask_for_help(
            membership=ada.memberships.get(), topic="Stuck", tried="Everything", urgency="low"
        )
    with time_machine.travel(NOW, tick=False):
        before = _row(_overview(mentor_client, round_cohort), f"u{ada.pk}")
        participant_services.resolve_help_request(request=request, ta=ta)
        after = _row(_overview(mentor_client, round_cohort), f"u{ada.pk}")

    assert before.endswith("help waiting")
    assert not after.endswith("help waiting")


def test_the_partner_board_and_pairs_show_at_once(mentor_client, round_cohort, clock):
    ada, bob = join(round_cohort, "Ada Byron"), join(round_cohort, "Bob Babbage")
    partner = lambda: _row(_overview(mentor_client, round_cohort), f"u{ada.pk}").split(" | ")[4]  # noqa: E731

    alone = partner()
    participant_services.save_partner_entry(cohort=round_cohort, user=ada, fields=BOARD_ENTRY)
    on_board = partner()
    invitation = sprint_services.invite_partner(cohort=round_cohort, from_user=bob, to_user=ada)
    invited = partner()
    sprint_services.accept_invitation(invitation_id=invitation.pk, user=ada)
    paired = partner()

    assert (alone, on_board, invited, paired) == (
        "none",
        "on the board",
        "invitation pending",
        "with Bob Babbage",
    )


def test_alternative_dates_asked_and_approved_show_at_once(mentor_client, round_cohort, clock):
    ada, bob = join(round_cohort, "Ada Byron"), join(round_cohort, "Bob Babbage")
    pair = make_pair(round_cohort, ada, bob)
    dates = lambda: _row(_overview(mentor_client, round_cohort), f"u{ada.pk}").split(" | ")[6]  # noqa: E731
    start = round_cohort.sprint_start + timedelta(days=2)
    end = round_cohort.sprint_end + timedelta(days=2)

    official = dates()
    request = sprint_services.request_alternative_dates(
        pair=pair, user=ada, dates={ada.pk: (start, end), bob.pk: (start, end)}
    )
    asked = dates()
    sprint_services.decide_alternative_dates(request=request, approve=True)
    approved = dates()

    assert (official, asked, approved) == (
        "official",
        "alternative: waiting for the mentor",
        "alternative: approved",
    )


def test_attendance_and_a_cancelled_event_show_at_once(
    mentor_client, round_cohort, make_member, clock
):
    ada = join(round_cohort, "Ada Byron")
    host = make_member(Role.MENTOR, in_cohort=round_cohort)
    event = EventFactory(cohort=round_cohort, starts_at=NOW - timedelta(days=1))
    attendance = lambda: _row(_overview(mentor_client, round_cohort), f"u{ada.pk}").split(" | ")[7]  # noqa: E731

    absent = attendance()
    event_services.set_attendance_list(event=event, present_ids={ada.pk}, marked_by=host)
    present = attendance()
    event_services.set_cancelled(event=event, cancelled=True)
    cancelled = attendance()

    assert (absent, present, cancelled) == ("0% (0 of 1)", "100% (1 of 1)", "no events yet")


def test_a_recording_opt_out_and_a_submitted_claim_show_in_the_figures(
    mentor_client, round_cohort, clock
):
    ada = join(round_cohort, "Ada Byron")

    def figures():
        html = _overview(mentor_client, round_cohort)
        return (_figure(html, "opted out of every recording"), _figure(html, "claims waiting"))

    before = figures()
    event_services.set_recording_opt_out(cohort=round_cohort, user=ada, event=None, opted_out=True)
    opted_out = figures()
    ClaimFactory(cohort=round_cohort, owner=ada, state=ClaimState.SUBMITTED)
    claimed = figures()

    assert (before, opted_out, claimed) == (("0", "0"), ("1", "0"), ("1", "1"))


def test_a_changed_deadline_in_the_admin_shows_at_once(mentor_client, round_cohort, clock):
    join(round_cohort, "Ada Byron")
    before = _overview(mentor_client, round_cohort)

    round_cohort.partner_deadline = NOW.date() - timedelta(days=1)
    round_cohort.save()
    after = _overview(mentor_client, round_cohort)

    assert _figure(before, "without a partner yet") == "1"
    assert _figure(after, "unpaired after the partner deadline") == "1"


def test_time_alone_moves_the_overview_within_a_minute(mentor_client, round_cohort):
    ada = join(round_cohort, "Ada Byron")
    with time_machine.travel(NOW - timedelta(days=1) + timedelta(seconds=40), tick=False):
        participant_services.ask_for_help(
            membership=ada.memberships.get(), topic="Stuck", tried="Everything", urgency="low"
        )
    risk = lambda: _row(_overview(mentor_client, round_cohort), f"u{ada.pk}").endswith(  # noqa: E731
        "help waiting"
    )

    with time_machine.travel(NOW + timedelta(seconds=30), tick=False) as traveller:
        young = risk()
        traveller.move_to(NOW + timedelta(seconds=59))
        same_minute = risk()
        traveller.move_to(NOW + timedelta(minutes=1))
        next_minute = risk()

    assert HelpRequest.objects.get().state == HelpState.OPEN
    assert (young, same_minute, next_minute) == (False, False, True)


def test_today_ends_at_midnight_in_the_cohort_zone(mentor_client, round_cohort):
    round_cohort.timezone = "Asia/Tokyo"  # midnight there is 15:00 UTC
    round_cohort.save()
    ada = join(round_cohort, "Ada Byron")
    url = reverse("cohort:remind", kwargs={"slug": round_cohort.slug})

    with time_machine.travel(at("2027-02-10", "14:59:10+00:00"), tick=False) as traveller:
        _login(mentor_client).post(url, {"person": [f"u{ada.pk}"]})
        late_evening = _row(_overview(mentor_client, round_cohort), f"u{ada.pk}")
        traveller.move_to(at("2027-02-10", "15:00:00+00:00"))
        after_midnight = _row(_overview(mentor_client, round_cohort), f"u{ada.pk}")

    assert late_evening.startswith("Ada Byron reminded today |")
    assert after_midnight.startswith("Ada Byron | yes")


def test_the_cached_overview_reaches_only_its_viewers(
    client, round_cohort, second_cohort, make_member, clock
):
    join(round_cohort, "Ada Byron")
    mentor = make_member(Role.MENTOR, in_cohort=round_cohort)
    ta = make_member(Role.TA, in_cohort=round_cohort)
    participant = round_cohort.memberships.get(user__name="Ada Byron").user
    their_mentor = make_member(Role.MENTOR, in_cohort=second_cohort)
    client.force_login(mentor)
    assert "Ada Byron" in _overview(client, round_cohort)
    url = reverse("cohort:overview", kwargs={"slug": round_cohort.slug})
    csv_url = reverse("cohort:overview_csv", kwargs={"slug": round_cohort.slug})

    refused = []
    for viewer in (ta, participant, their_mentor):
        client.force_login(viewer)
        refused.append((client.get(url).status_code, client.get(csv_url).status_code))
    theirs = _overview(client, second_cohort)

    assert refused == [(403, 403), (403, 403), (404, 404)]
    assert "Ada Byron" not in theirs


def test_the_csv_agrees_with_the_page_after_a_write(mentor_client, round_cohort, clock):
    ada = join(round_cohort, "Ada Byron")
    csv_url = reverse("cohort:overview_csv", kwargs={"slug": round_cohort.slug})
    _login(mentor_client).get(csv_url)

    participant_services.save_partner_entry(cohort=round_cohort, user=ada, fields=BOARD_ENTRY)
    lines = _login(mentor_client).get(csv_url).content.decode("utf-8-sig").splitlines()
    page = _row(_overview(mentor_client, round_cohort), f"u{ada.pk}")

    assert lines[1].split(",")[5] == page.split(" | ")[4] == "on the board"
