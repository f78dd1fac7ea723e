"""The TA dashboard as a help desk: claimed by me, my pairs, resolved history, undo, reopen."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from cohort.models import Role
from participants.models import HelpRequest, HelpState
from tests.factories.participants import HelpRequestFactory, TAAssignmentFactory
from tests.factories.sprints import make_pair


def _url(cohort, name, **kwargs):
    return reverse(f"participants:{name}", kwargs={"slug": cohort.slug, **kwargs})


def _dashboard(client, cohort):
    response = client.get(_url(cohort, "ta_dashboard"))
    assert response.status_code == 200
    return response.context


def _topics(items):
    return [r.topic for r in items]


def test_sections_of_the_dashboard(client, cohort, make_member, ta, other_cohort):
    mine_person, their_person = make_member(name="Mina"), make_member(name="Theo")
    other_ta = make_member(Role.TA)
    TAAssignmentFactory(cohort=cohort, participant=mine_person, ta=ta)
    TAAssignmentFactory(cohort=cohort, participant=their_person, ta=other_ta)
    partner = make_member(name="Pat Partner")
    make_pair(cohort, mine_person, partner)
    stranger_a, stranger_b = make_member(name="S1"), make_member(name="S2")
    make_pair(cohort, stranger_a, stranger_b, ta=ta)
    make_pair(cohort, their_person, make_member(name="Other pair"))
    outsider = make_member(in_cohort=other_cohort)
    HelpRequestFactory(cohort=other_cohort, requester=outsider, topic="Elsewhere")
    HelpRequestFactory(cohort=cohort, requester=mine_person, topic="Open one")
    HelpRequestFactory(
        cohort=cohort,
        requester=mine_person,
        topic="Claimed by me",
        state=HelpState.CLAIMED,
        claimed_by=ta,
        claimed_at=timezone.now(),
    )
    HelpRequestFactory(
        cohort=cohort,
        requester=mine_person,
        topic="Done long ago",
        state=HelpState.RESOLVED,
        claimed_by=ta,
        claimed_at=timezone.now() - timedelta(days=2),
        resolved_at=timezone.now() - timedelta(days=1),
    )
    HelpRequestFactory(cohort=cohort, requester=their_person, topic="Not mine")
    client.force_login(ta)

    context = _dashboard(client, cohort)

    assert _topics(context["queue"]) == ["Open one"]
    assert _topics(context["mine"]) == ["Claimed by me"]
    assert _topics(context["resolved"]) == ["Done long ago"]
    assert _topics(context["just_resolved"]) == []
    assert sorted(
        " & ".join(seat.user.display_name for seat in pair.seats) for pair in context["pairs"]
    ) == ["Mina & Pat Partner", "S1 & S2"]
    html = client.get(_url(cohort, "ta_dashboard")).content.decode()
    person_url = reverse("cohort:person", kwargs={"slug": cohort.slug, "user_id": mine_person.pk})
    assert f'<a href="{person_url}">Mina</a>' in html
    assert f'<a href="{person_url}#pair">pair: with Pat Partner</a>' in html
    assert html.count('class="compact-reply"') == 2


def test_claim_resolve_undo_within_a_minute(client, cohort, make_member, ta):
    person = make_member(name="Mina")
    TAAssignmentFactory(cohort=cohort, participant=person, ta=ta)
    item = HelpRequestFactory(cohort=cohort, requester=person, topic="Hooks")
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        client.force_login(ta)
        client.post(_url(cohort, "help_claim", pk=item.pk))
        client.post(_url(cohort, "help_resolve", pk=item.pk))
        just = _topics(_dashboard(client, cohort)["just_resolved"])
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        undone = client.post(_url(cohort, "help_undo_resolve", pk=item.pk), follow=True)
    item.refresh_from_db()

    assert just == ["Hooks"]
    assert [str(m) for m in undone.context["messages"]] == [
        "Undone: “Hooks” is claimed by you again."
    ]
    assert (item.state, item.claimed_by, item.resolved_at) == (HelpState.CLAIMED, ta, None)


def test_undo_is_refused_after_a_minute_and_reopen_works(client, cohort, make_member, ta):
    person = make_member(name="Mina")
    TAAssignmentFactory(cohort=cohort, participant=person, ta=ta)
    item = HelpRequestFactory(cohort=cohort, requester=person, topic="Hooks")
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        client.force_login(ta)
        client.post(_url(cohort, "help_resolve", pk=item.pk), follow=True)
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        late = client.post(_url(cohort, "help_undo_resolve", pk=item.pk), follow=True)
        state_after_late_undo = HelpRequest.objects.get(pk=item.pk).state
        # The body may come from the cache (it was rendered a moment ago): read the page.
        page = client.get(_url(cohort, "ta_dashboard")).content.decode()
        history = page[page.index('id="resolved-heading"') :].count("<h3>Hooks</h3>")
        once = client.post(_url(cohort, "help_reopen", pk=item.pk), follow=True)
        twice = client.post(_url(cohort, "help_reopen", pk=item.pk), follow=True)
    item.refresh_from_db()

    assert state_after_late_undo == HelpState.RESOLVED
    assert [str(m) for m in late.context["messages"]] == [
        "Too late to undo “Hooks” (a minute has passed, or it was not your resolve); "
        "reopen it from the resolved list instead."
    ]
    assert history == 1
    assert (item.state, item.claimed_by, item.resolved_at) == (HelpState.CLAIMED, ta, None)
    assert [str(m) for m in once.context["messages"]] == [
        "“Hooks” is open again and claimed by you."
    ]
    assert [str(m) for m in twice.context["messages"]] == [
        "“Hooks” was not resolved, so nothing changed."
    ]


def test_a_ta_cannot_undo_or_reopen_requests_of_people_not_theirs(
    client, cohort, make_member, ta, other_cohort
):
    other_ta = make_member(Role.TA)
    person = make_member(name="Theo")
    TAAssignmentFactory(cohort=cohort, participant=person, ta=other_ta)
    item = HelpRequestFactory(
        cohort=cohort,
        requester=person,
        state=HelpState.RESOLVED,
        claimed_by=other_ta,
        claimed_at=timezone.now(),
        resolved_at=timezone.now(),
    )
    client.force_login(ta)

    statuses = [
        client.post(_url(cohort, name, pk=item.pk)).status_code
        for name in ("help_reopen", "help_undo_resolve")
    ]
    item.refresh_from_db()

    assert statuses == [404, 404]
    assert item.state == HelpState.RESOLVED
