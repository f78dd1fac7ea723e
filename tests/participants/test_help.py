from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from cohort.models import Notification, Role
from participants import services
from participants.models import HelpComment, HelpRequest, HelpState, TAAssignment
from tests.factories.participants import HelpRequestFactory, TAAssignmentFactory


def _url(cohort, name, **kwargs):
    return reverse(f"participants:{name}", kwargs={"slug": cohort.slug, **kwargs})


def test_help_request_notifies_assigned_ta(
    client, cohort, participant, ta, django_capture_on_commit_callbacks
):
    TAAssignmentFactory(cohort=cohort, participant=participant, ta=ta)
    client.force_login(participant)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _url(cohort, "help"),
            {"topic": "Hooks never fire", "tried": "docs", "urgency": "urgent"},
        )

    request = HelpRequest.objects.get()
    note = Notification.objects.get(user=ta)
    assert (request.requester, request.state, request.urgency) == (participant, "open", "urgent")
    assert (note.kind, note.title, note.body) == (
        "participants.help_requested",
        "Pat Participant asks for help: Hooks never fire",
        "I'm blocked",
    )


def test_help_request_without_ta_notifies_mentor(
    cohort, participant, mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_for_help(
            membership=participant.memberships.get(), topic="Setup", tried="", urgency="low"
        )

    assert list(Notification.objects.values_list("user", flat=True)) == [mentor.pk]


def test_help_participant_sees_only_own_requests(client, cohort, participant, make_member):
    other = make_member(Role.PARTICIPANT)
    HelpRequestFactory(cohort=cohort, requester=other, topic="Other person's secret trouble")
    HelpRequestFactory(cohort=cohort, requester=participant, topic="My own trouble")
    client.force_login(participant)

    html = client.get(_url(cohort, "help")).content.decode()

    assert "My own trouble" in html
    assert "Other person&#x27;s secret trouble" not in html and "secret trouble" not in html


def test_ta_dashboard_shows_only_assigned_people_and_requests(client, cohort, ta, make_member):
    mine = make_member(Role.PARTICIPANT, name="Mina Mine")
    theirs = make_member(Role.PARTICIPANT, name="Theo Theirs")
    other_ta = make_member(Role.TA)
    TAAssignmentFactory(cohort=cohort, participant=mine, ta=ta)
    TAAssignmentFactory(cohort=cohort, participant=theirs, ta=other_ta)
    HelpRequestFactory(cohort=cohort, requester=mine, topic="Mine asks")
    hidden = HelpRequestFactory(cohort=cohort, requester=theirs, topic="Theirs asks")
    client.force_login(ta)

    response = client.get(_url(cohort, "ta_dashboard"))
    claim = client.post(_url(cohort, "help_claim", pk=hidden.pk))

    html = response.content.decode()
    assert [m.user.name for m in response.context["people"]] == ["Mina Mine"]
    assert [r.topic for r in response.context["queue"]] == ["Mine asks"]
    assert "Theo Theirs" not in html and "Theirs asks" not in html
    assert claim.status_code == 404
    assert HelpRequest.objects.get(pk=hidden.pk).state == HelpState.OPEN


def test_ta_dashboard_mentor_sees_everyone(client, cohort, mentor, ta, make_member):
    a = make_member(Role.PARTICIPANT, name="A Person")
    make_member(Role.PARTICIPANT, name="B Person")
    TAAssignmentFactory(cohort=cohort, participant=a, ta=ta)
    client.force_login(mentor)

    response = client.get(_url(cohort, "ta_dashboard"))

    assert [m.user.name for m in response.context["people"]] == ["A Person", "B Person"]
    assert "Tara Assistant" in response.content.decode()


def test_ta_claims_comments_and_resolves(client, cohort, ta, participant):
    TAAssignmentFactory(cohort=cohort, participant=participant, ta=ta)
    request = HelpRequestFactory(cohort=cohort, requester=participant)
    client.force_login(ta)

    client.post(_url(cohort, "help_claim", pk=request.pk))
    claimed = HelpRequest.objects.get(pk=request.pk)
    client.post(_url(cohort, "help_comment", pk=request.pk), {"body": "Try hook_points."})
    client.post(_url(cohort, "help_resolve", pk=request.pk))
    resolved = HelpRequest.objects.get(pk=request.pk)

    assert (claimed.state, claimed.claimed_by) == (HelpState.CLAIMED, ta)
    assert list(HelpComment.objects.values_list("body", flat=True)) == ["Try hook_points."]
    assert (resolved.state, resolved.resolved_at is not None) == (HelpState.RESOLVED, True)
    client.force_login(participant)
    assert "Try hook_points." in client.get(_url(cohort, "help")).content.decode()


def test_help_claim_twice_keeps_first_claimant(cohort, ta, make_member, participant):
    second = make_member(Role.TA)
    request = HelpRequestFactory(cohort=cohort, requester=participant)

    first_won = services.claim_help_request(request=request, ta=ta)
    second_won = services.claim_help_request(request=request, ta=second)

    assert (first_won, second_won) == (True, False)
    assert HelpRequest.objects.get(pk=request.pk).claimed_by == ta


def test_ta_dashboard_highlights_requests_unclaimed_for_a_day(client, cohort, ta, participant):
    TAAssignmentFactory(cohort=cohort, participant=participant, ta=ta)
    now = timezone.now()
    HelpRequestFactory(
        cohort=cohort, requester=participant, topic="Old", created_at=now - timedelta(hours=25)
    )
    HelpRequestFactory(
        cohort=cohort, requester=participant, topic="New", created_at=now - timedelta(hours=23)
    )
    client.force_login(ta)

    with time_machine.travel(now, tick=False):
        response = client.get(_url(cohort, "ta_dashboard"))

    assert [(r.topic, r.is_stale) for r in response.context["queue"]] == [
        ("Old", True),
        ("New", False),
    ]
    assert response.content.decode().count("Waiting more than a day") == 1


def test_spread_evenly_balances_and_notifies_each_ta_once(
    cohort, make_member, django_capture_on_commit_callbacks
):
    tas = [make_member(Role.TA, name=f"TA {n}") for n in range(3)]
    people = [make_member(Role.PARTICIPANT, name=f"P{n:02d}") for n in range(7)]
    TAAssignmentFactory(cohort=cohort, participant=people[0], ta=tas[0])
    withdrawn = people[6]
    services.withdraw(membership=withdrawn.memberships.get(), scope="program")

    with django_capture_on_commit_callbacks(execute=True):
        changed = services.spread_participants_evenly(cohort=cohort)

    loads = sorted(TAAssignment.objects.filter(ta__in=tas).values_list("ta__name", flat=True))
    assert len(changed) == 5
    assert loads == ["TA 0", "TA 0", "TA 1", "TA 1", "TA 2", "TA 2"]
    assert TAAssignment.objects.filter(participant=withdrawn).exists() is False
    assert sorted(Notification.objects.values_list("user__name", flat=True)) == [
        "TA 0",
        "TA 1",
        "TA 2",
    ]


def test_assign_ta_notifies_the_ta(cohort, ta, participant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_ta(cohort=cohort, participant=participant, ta=ta)

    note = Notification.objects.get()
    assert (note.user, note.kind, note.title) == (
        ta,
        "participants.ta_assigned",
        "You are now the TA of Pat Participant",
    )


def test_help_comment_by_ta_notifies_requester(
    cohort, ta, participant, django_capture_on_commit_callbacks
):
    request = HelpRequestFactory(cohort=cohort, requester=participant, topic="Hooks")

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_on_help_request(request=request, author=ta, body="Try hook_points.")
        services.comment_on_help_request(request=request, author=participant, body="Thanks!")

    note = Notification.objects.get()
    assert (note.user, note.kind, note.title, note.body) == (
        participant,
        "participants.help_commented",
        "Tara Assistant replied to “Hooks”",
        "Try hook_points.",
    )
