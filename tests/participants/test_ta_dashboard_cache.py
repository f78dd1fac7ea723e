"""The TA dashboard's body is cached per viewer (participants/dashboard.py): every change shows
on the next view, the clock's changes too, and nothing of one TA, cohort or zone reaches
another."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from cohort.models import Role
from participants import services
from tests.factories.participants import HelpRequestFactory, TAAssignmentFactory
from tests.factories.sprints import make_pair


def _page(client, cohort, who):
    client.force_login(who)
    response = client.get(reverse("participants:ta_dashboard", kwargs={"slug": cohort.slug}))
    assert response.status_code == 200
    return response.content.decode()


def _section(page, heading_id):
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def test_ta_dashboard_cache_shows_new_claimed_and_commented_requests(
    client, cohort, make_member, ta
):
    person = make_member(name="Mina")
    TAAssignmentFactory(cohort=cohort, participant=person, ta=ta)
    first = HelpRequestFactory(cohort=cohort, requester=person, topic="Hooks")
    before = _page(client, cohort, ta)

    services.ask_for_help(
        membership=person.memberships.get(), topic="Attention sinks", tried="", urgency="normal"
    )
    with_new = _page(client, cohort, ta)
    services.claim_help_request(request=first, ta=ta)
    services.comment_on_help_request(request=first, author=ta, body="Looking now")
    claimed = _page(client, cohort, ta)

    assert ("Attention sinks" in before, "Attention sinks" in with_new) == (False, True)
    assert "Hooks" in _section(claimed, "mine-heading")
    assert "Hooks" not in _section(claimed, "queue-heading")
    assert "Looking now" in claimed


def test_ta_dashboard_cache_shows_a_pair_formed_and_a_rename(client, cohort, make_member, ta):
    person, partner = make_member(name="Mina"), make_member(name="Pat")
    TAAssignmentFactory(cohort=cohort, participant=person, ta=ta)
    before = _page(client, cohort, ta)

    make_pair(cohort, person, partner)
    paired = _page(client, cohort, ta)
    person.name = "Mina Renamed"
    person.save()
    renamed = _page(client, cohort, ta)

    assert "with Pat" not in before
    assert "with Pat" in paired
    assert "Mina Renamed" in renamed


def test_ta_dashboard_cache_is_per_ta_and_per_cohort(client, cohort, other_cohort, make_member, ta):
    other_ta = make_member(Role.TA)
    mine, theirs = make_member(name="Mina Mine"), make_member(name="Theo Theirs")
    TAAssignmentFactory(cohort=cohort, participant=mine, ta=ta)
    TAAssignmentFactory(cohort=cohort, participant=theirs, ta=other_ta)
    claimed = HelpRequestFactory(cohort=cohort, requester=mine, topic="Mine to claim")
    services.claim_help_request(request=claimed, ta=ta)
    HelpRequestFactory(cohort=cohort, requester=theirs, topic="Theirs open")
    elsewhere_ta = make_member(Role.TA, in_cohort=other_cohort)
    outsider = make_member(name="Olly Outsider", in_cohort=other_cohort)
    TAAssignmentFactory(cohort=other_cohort, participant=outsider, ta=elsewhere_ta)
    HelpRequestFactory(cohort=other_cohort, requester=outsider, topic="Elsewhere")

    pages = {who: [_page(client, cohort, who) for _ in range(2)] for who in (ta, other_ta)}
    there = _page(client, other_cohort, elsewhere_ta)

    for page in pages[ta]:
        assert "Mine to claim" in _section(page, "mine-heading")
        assert ("Theirs open" in page, "Elsewhere" in page) == (False, False)
    for page in pages[other_ta]:
        assert ("Mine to claim" in page, "Theirs open" in page) == (False, True)
        assert "Nothing claimed by you right now." in _section(page, "mine-heading")
    assert ("Elsewhere" in there, "Mina Mine" in there, "Mine to claim" in there) == (
        True,
        False,
        False,
    )


def test_ta_dashboard_cache_follows_the_viewers_zone(client, cohort, make_member, ta):
    person = make_member(name="Mina")
    TAAssignmentFactory(cohort=cohort, participant=person, ta=ta)
    HelpRequestFactory(cohort=cohort, requester=person, topic="Hooks")
    london = _page(client, cohort, ta)

    ta.timezone = "America/New_York"
    ta.save()
    new_york = _page(client, cohort, ta)

    assert ("EST" in london or "EDT" in london) is False
    assert "EST" in new_york or "EDT" in new_york


def test_ta_dashboard_cache_turns_stale_and_ends_undo_with_the_clock(
    client, cohort, make_member, ta
):
    person = make_member(name="Mina")
    TAAssignmentFactory(cohort=cohort, participant=person, ta=ta)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        HelpRequestFactory(cohort=cohort, requester=person, topic="Waiting")
        done = HelpRequestFactory(cohort=cohort, requester=person, topic="Done")
        services.resolve_help_request(request=done, ta=ta)
        fresh = _page(client, cohort, ta)
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        after_minute = _page(client, cohort, ta)
    with time_machine.travel(start + timedelta(days=1, seconds=1), tick=False):
        next_day = _page(client, cohort, ta)

    assert ('id="just-resolved"' in fresh, "Waiting more than a day" in fresh) == (True, False)
    assert 'id="just-resolved"' not in after_minute
    assert "Waiting more than a day" in next_day


def test_ta_dashboard_body_holds_no_token(client, cohort, make_member, ta):
    person = make_member(name="Mina")
    TAAssignmentFactory(cohort=cohort, participant=person, ta=ta)
    HelpRequestFactory(cohort=cohort, requester=person, topic="Hooks")

    page = _page(client, cohort, ta)

    body = page[page.index("<h1>TA dashboard</h1>") :]
    assert ("csrfmiddlewaretoken" in body, "once_token" in body) == (False, False)


def test_ta_dashboard_reply_sends_the_text_of_the_pressed_card(client, cohort, make_member, ta):
    person = make_member(name="Mina")
    TAAssignmentFactory(cohort=cohort, participant=person, ta=ta)
    a = HelpRequestFactory(cohort=cohort, requester=person, topic="A")
    b = HelpRequestFactory(cohort=cohort, requester=person, topic="B")
    client.force_login(ta)

    client.post(
        reverse("participants:help_comment", kwargs={"slug": cohort.slug, "pk": b.pk}),
        {f"body-{a.pk}": "", f"body-{b.pk}": "Try hooks on the MLP"},
    )

    assert (a.comments.count(), list(b.comments.values_list("body", flat=True))) == (
        0,
        ["Try hooks on the MLP"],
    )


def test_a_login_renews_only_the_last_seen_column(client, cohort, make_member):
    from cohort import fragments

    person = make_member(Role.PARTICIPANT, name="Lou Login", password="pw-for-login-1")
    before = fragments.generations(cohort.pk, ["people", "last-seen"])

    assert client.login(username=person.email, password="pw-for-login-1")

    after = fragments.generations(cohort.pk, ["people", "last-seen"])
    assert after["people"] == before["people"]
    assert after["last-seen"] != before["last-seen"]
