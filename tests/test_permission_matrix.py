"""Every URL pattern of the portal, crossed with every kind of visitor.

A pattern that is missing from MATRIX fails `test_every_portal_url_is_in_the_matrix`, so each new
page must say who may open it. Statuses: 200 shown, 302 sent elsewhere (login, or the admin's
own login for non-staff), 403 a member whose role does not include the page, 404 not a member
of this cohort (its existence is not revealed).
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cohort.models import Role
from cohort.services import notify
from tests.factories.cohort import (
    AnnouncementFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)
from tests.factories.compute import ClaimFactory, TopUpFactory, make_receipt
from tests.factories.sprints import sprint_records

PORTAL_APPS = ("cohort", "participants", "sprints", "events", "compute")
VISITORS = ("anonymous", "participant", "ta", "mentor", "operations", "outsider")

# name: statuses for (anonymous, participant, ta, mentor, operations, outsider).
# The outsider is the mentor of another cohort: the strongest role that must still see nothing.
MATRIX: dict[str, tuple[int, int, int, int, int, int]] = {
    "healthz": (200, 200, 200, 200, 200, 200),
    "cohort:landing": (302, 302, 302, 302, 302, 302),
    "cohort:accept_invitation": (200, 302, 302, 302, 302, 302),
    "cohort:home": (302, 200, 200, 200, 200, 404),
    "cohort:announcements": (302, 200, 200, 200, 200, 404),
    "cohort:announcement": (302, 200, 200, 200, 200, 404),
    "cohort:resources": (302, 200, 200, 200, 200, 404),
    "cohort:faq": (302, 200, 200, 200, 200, 404),
    "cohort:overview": (302, 403, 403, 200, 403, 404),
    # The overview's work list as CSV, and its one action (POST only): remind or resend.
    "cohort:overview_csv": (302, 403, 403, 200, 403, 404),
    "cohort:remind": (302, 403, 403, 405, 403, 404),
    # A participant's page for staff: the mentor, and TAs for the people assigned to them (the
    # matrix's TA is not assigned to this participant: tests/cohort/test_work_list.py has both).
    "cohort:person": (302, 403, 403, 200, 403, 404),
    # POST only: a GET is refused (405) to members, and non-members never learn the cohort exists.
    "cohort:dismiss_notification": (302, 405, 405, 405, 405, 404),
    # The admin's own page for pasting a list of addresses: mentors only, of their cohorts.
    "admin:cohort_invitation_bulk": (302, 302, 302, 200, 302, 200),
    # Each member's own Slack notification switches (direct messages, reminders, digest).
    "cohort:notification_settings": (302, 200, 200, 200, 200, 404),
    # Each member's own data download (a zip); closing the cohort is the mentor's.
    "cohort:my_data": (302, 200, 200, 200, 200, 404),
    "cohort:close": (302, 403, 403, 200, 403, 404),
    # Slack's slash command: public but signed, POST only (tests/slack/test_command.py).
    "cohort:slack_command": (405, 405, 405, 405, 405, 405),
    # Participants: slides, introductions and the pairing board are for every member.
    "participants:people": (302, 200, 200, 200, 200, 404),
    "participants:slideshow": (302, 200, 200, 200, 200, 404),
    "participants:introductions": (302, 200, 200, 200, 200, 404),
    "participants:photo": (302, 200, 200, 200, 200, 404),
    "participants:thumbnail": (302, 200, 200, 200, 200, 404),
    "participants:edit_profile": (302, 200, 200, 200, 200, 404),
    "participants:edit_intro": (302, 200, 200, 200, 200, 404),
    "participants:pairing": (302, 200, 200, 200, 200, 404),
    "participants:pairing_join": (302, 405, 405, 405, 405, 404),
    "participants:pairing_remove": (302, 405, 405, 405, 405, 404),
    # A participant's own forms and requests.
    "participants:goals": (302, 200, 403, 403, 403, 404),
    "participants:goals_draft": (302, 405, 403, 403, 403, 404),
    "participants:help": (302, 200, 403, 403, 403, 404),
    "participants:withdraw": (302, 200, 403, 403, 403, 404),
    "participants:my_forms": (302, 200, 403, 403, 403, 404),
    # A participant answers and closes their own help requests (POST only).
    "participants:help_answer": (302, 405, 403, 403, 403, 404),
    "participants:help_close": (302, 405, 403, 403, 403, 404),
    "participants:partner_entry": (302, 200, 403, 403, 403, 404),
    "participants:partner_entry_remove": (302, 405, 403, 403, 403, 404),
    "participants:partner_interest": (302, 405, 403, 403, 403, 404),
    "participants:partner_board_interest": (302, 405, 403, 403, 403, 404),
    # The partner board is browsed by participants and by the TAs and mentor who help them.
    "participants:partners": (302, 200, 200, 200, 403, 404),
    # The TA dashboard and its actions: TAs (their people) and the mentor (everyone).
    "participants:ta_dashboard": (302, 403, 200, 200, 403, 404),
    "participants:help_claim": (302, 403, 405, 405, 403, 404),
    "participants:help_comment": (302, 403, 405, 405, 403, 404),
    "participants:help_resolve": (302, 403, 405, 405, 403, 404),
    "participants:help_reopen": (302, 403, 405, 405, 403, 404),
    "participants:help_undo_resolve": (302, 403, 405, 405, 403, 404),
    "admin:participants_taassignment_spread": (302, 302, 302, 200, 302, 200),
    # sprints: ideas and mini-project logs are for the whole cohort; logging is for participants.
    "sprints:ideas": (302, 200, 200, 200, 200, 404),
    "sprints:mini_projects": (302, 200, 200, 200, 200, 404),
    "sprints:mini_project_new": (302, 200, 403, 403, 403, 404),
    # sprints: the sprint page, the booking page and their POST-only actions are participants'.
    "sprints:sprint": (302, 200, 403, 403, 403, 404),
    "sprints:slots": (302, 200, 403, 403, 403, 404),
    "sprints:invite": (302, 405, 403, 403, 403, 404),
    "sprints:accept": (302, 405, 403, 403, 403, 404),
    "sprints:decline": (302, 405, 403, 403, 403, 404),
    "sprints:cancel_invitation": (302, 405, 403, 403, 403, 404),
    "sprints:solo": (302, 405, 403, 403, 403, 404),
    "sprints:dissolve": (302, 405, 403, 403, 403, 404),
    "sprints:problem": (302, 405, 403, 403, 403, 404),
    "sprints:alternative_dates": (302, 405, 403, 403, 403, 404),
    "sprints:writeup": (302, 405, 403, 403, 403, 404),
    "sprints:book": (302, 405, 403, 403, 403, 404),
    "sprints:cancel_booking": (302, 405, 403, 403, 403, 404),
    # sprints: the mentor's partner suggestions.
    "sprints:partner_suggestions": (302, 403, 403, 200, 403, 404),
    # sprints: the admin's page publishing a block of slots: mentors only, of their cohorts.
    "admin:sprints_slot_publish": (302, 302, 302, 200, 302, 200),
    # sprints: the admin's list of pairs (its rows kept drawn, cohort/admin/lists.py): mentors,
    # each of their own cohort's pairs only (tests/admin/test_cached_rows.py).
    "admin:sprints_pair_changelist": (302, 302, 302, 200, 403, 200),
    # events: the schedule, an event, a lightning round's run sheet: every member.
    "events:schedule": (302, 200, 200, 200, 200, 404),
    "events:event": (302, 200, 200, 200, 200, 404),
    "events:run_sheet": (302, 200, 200, 200, 200, 404),
    # events: the personal feed is public but needs the member's secret token.
    "events:feed": (200, 200, 200, 200, 200, 200),
    # events, POST only: opting out of recording and resetting one's feed are for every member;
    # "I attended" and lightning slots for participants; the register for hosts (mentor, TAs).
    "events:recording_opt_out": (302, 405, 405, 405, 405, 404),
    "events:recording_opt_out_all": (302, 405, 405, 405, 405, 404),
    "events:reset_feed": (302, 405, 405, 405, 405, 404),
    "events:mark_attended": (302, 405, 403, 403, 403, 404),
    "events:take_slot": (302, 405, 403, 403, 403, 404),
    "events:release_slot": (302, 405, 403, 403, 403, 404),
    "events:attendance_register": (302, 403, 405, 405, 403, 404),
    # Compute: the participant's own budget and forms; records are the participant's own.
    "compute:ledger": (302, 200, 403, 403, 403, 404),
    "compute:claim_new": (302, 200, 403, 403, 403, 404),
    "compute:claim": (302, 200, 403, 200, 200, 404),
    "compute:claim_edit": (302, 200, 403, 403, 403, 404),
    "compute:claim_submit": (302, 405, 403, 403, 403, 404),
    "compute:claim_approve": (302, 403, 403, 405, 405, 404),
    "compute:claim_reject": (302, 403, 403, 405, 405, 404),
    "compute:receipt": (302, 200, 403, 200, 200, 404),
    "compute:receipt_inline": (302, 403, 403, 200, 200, 404),
    # The receipt viewer page (an image shown, a PDF opened in the browser's viewer): reviewers.
    "compute:receipt_viewer": (302, 403, 403, 200, 200, 404),
    "compute:receipt_delete": (302, 405, 403, 403, 403, 404),
    "compute:review": (302, 403, 403, 200, 200, 404),
    "compute:review_export": (302, 403, 403, 200, 200, 404),
    "compute:review_mark_paid": (302, 403, 403, 405, 405, 404),
    "compute:top_up_new": (302, 200, 403, 403, 403, 404),
    "compute:top_up": (302, 200, 403, 200, 200, 404),
    "compute:top_up_decide": (302, 403, 403, 405, 405, 404),
    # compute: the admin's list of claims (rows kept drawn, as the pairs'): mentors and
    # operations, of their own cohorts.
    "admin:compute_claim_changelist": (302, 302, 302, 200, 200, 200),
}


@dataclass
class World:
    cohort: object
    users: dict
    announcement: object
    invitation: object
    notification: object
    profile: object = None
    partner_entry: object = None
    pairing_topic: object = None
    help_request: object = None
    pair_invitation: object = None
    slot: object = None
    booking: object = None
    event: object = None
    lightning_round: object = None
    feed_token: str = ""
    claim: object = None
    receipt: object = None
    top_up: object = None


@pytest.fixture
def world(cohort, other_cohort, make_member, settings, tmp_path):
    from events.services import feed_token_for
    from tests.factories.events import EventFactory, LightningRoundFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    users = {
        "anonymous": None,
        "participant": make_member(Role.PARTICIPANT),
        "ta": make_member(Role.TA),
        "mentor": make_member(Role.MENTOR),
        "operations": make_member(Role.OPERATIONS),
        "outsider": make_member(Role.MENTOR, in_cohort=other_cohort),
    }
    sprint = sprint_records(cohort, users["participant"], make_member)
    claim = ClaimFactory(cohort=cohort, owner=users["participant"])
    return World(
        cohort=cohort,
        users=users,
        claim=claim,
        receipt=make_receipt(claim),
        top_up=TopUpFactory(cohort=cohort, owner=users["participant"]),
        announcement=AnnouncementFactory(cohort=cohort),
        invitation=InvitationFactory(cohort=cohort, email="newcomer@example.org"),
        notification=notify(cohort=cohort, user=users["participant"], kind="test", title="Hello"),
        **participants_records(cohort, users),
        **sprint,
        event=EventFactory(cohort=cohort),
        lightning_round=LightningRoundFactory(cohort=cohort),
        feed_token=feed_token_for(
            membership=users["participant"].memberships.get(cohort=cohort)
        ).token,
    )


def participants_records(cohort, users) -> dict:
    """A slide with a photo, a partner entry, a pairing topic and a help request to open."""
    from participants import thumbnails
    from participants.images import placeholder_avatar
    from participants.models import HelpRequest, PairingTopic, PartnerEntry, Profile

    member = users["participant"]
    profile = Profile.objects.create(membership=member.memberships.get())
    profile.photo.save("a.png", placeholder_avatar(initials="P", seed=1))
    thumbnails.ensure(profile)
    other = UserFactory(name="Board Person")
    MembershipFactory(cohort=cohort, user=other, role=Role.PARTICIPANT)
    return {
        "profile": profile,
        "partner_entry": PartnerEntry.objects.create(
            cohort=cohort,
            user=other,
            want_to_work_on="x",
            interests=",x,",
            available_from=9,
            available_to=17,
        ),
        "pairing_topic": PairingTopic.objects.create(cohort=cohort, owner=other, title="Hooks"),
        "help_request": HelpRequest.objects.create(cohort=cohort, requester=member, topic="Stuck"),
    }


def url_kwargs(world: World) -> dict[str, dict]:
    """How to fill in each pattern's arguments with records of the cohort under test."""
    slug = {"slug": world.cohort.slug}
    return {
        "cohort:accept_invitation": {"token": world.invitation.token},
        "cohort:announcement": {**slug, "pk": world.announcement.pk},
        "cohort:dismiss_notification": {**slug, "pk": world.notification.pk},
        "cohort:person": {**slug, "user_id": world.users["participant"].pk},
        "participants:photo": {**slug, "pk": world.profile.pk},
        "participants:thumbnail": {
            **slug,
            "pk": world.profile.pk,
            "version": world.profile.thumbnail.name.rsplit("/", 1)[-1].split(".")[0],
        },
        "participants:partner_interest": {**slug, "pk": world.partner_entry.pk},
        "participants:pairing_join": {**slug, "pk": world.pairing_topic.pk},
        "participants:pairing_remove": {**slug, "pk": world.pairing_topic.pk},
        "participants:help_claim": {**slug, "pk": world.help_request.pk},
        "participants:help_comment": {**slug, "pk": world.help_request.pk},
        "participants:help_resolve": {**slug, "pk": world.help_request.pk},
        "participants:help_reopen": {**slug, "pk": world.help_request.pk},
        "participants:help_undo_resolve": {**slug, "pk": world.help_request.pk},
        "participants:help_answer": {**slug, "pk": world.help_request.pk},
        "participants:help_close": {**slug, "pk": world.help_request.pk},
        "sprints:accept": {**slug, "pk": world.pair_invitation.pk},
        "sprints:decline": {**slug, "pk": world.pair_invitation.pk},
        "sprints:cancel_invitation": {**slug, "pk": world.pair_invitation.pk},
        "sprints:book": {**slug, "pk": world.slot.pk},
        "sprints:cancel_booking": {**slug, "pk": world.booking.pk},
        "events:event": {**slug, "pk": world.event.pk},
        "events:recording_opt_out": {**slug, "pk": world.event.pk},
        "events:mark_attended": {**slug, "pk": world.event.pk},
        "events:attendance_register": {**slug, "pk": world.event.pk},
        "events:run_sheet": {**slug, "pk": world.lightning_round.pk},
        "events:take_slot": {**slug, "pk": world.lightning_round.pk},
        "events:release_slot": {**slug, "pk": world.lightning_round.pk},
        "events:feed": {**slug, "token": world.feed_token},
        **{
            f"compute:{name}": {**slug, "pk": world.claim.pk}
            for name in ("claim", "claim_edit", "claim_submit", "claim_approve", "claim_reject")
        },
        **{
            f"compute:{name}": {**slug, "pk": world.receipt.pk}
            for name in ("receipt", "receipt_inline", "receipt_viewer", "receipt_delete")
        },
        "compute:top_up": {**slug, "pk": world.top_up.pk},
        "compute:top_up_decide": {**slug, "pk": world.top_up.pk},
    }


def portal_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = getattr(pattern.callback, "__module__", "")
                if module.split(".")[0] in PORTAL_APPS:
                    names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_portal_url_is_in_the_matrix():
    names = portal_url_names()
    assert names - MATRIX.keys() == set(), "add these URL patterns to MATRIX"
    assert MATRIX.keys() - names == set(), "these MATRIX rows name no URL pattern"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, world, name):
    kwargs = url_kwargs(world).get(name)
    if kwargs is None:
        kwargs = {"slug": world.cohort.slug} if "<slug" in _route_of(name) else {}
    url = reverse(name, kwargs=kwargs)
    seen = {}
    for visitor, _expected in zip(VISITORS, MATRIX[name], strict=True):
        client.logout()
        user = world.users[visitor]
        if user is not None:
            client.force_login(user)
        seen[visitor] = client.get(url).status_code
    assert seen == dict(zip(VISITORS, MATRIX[name], strict=True))


def _route_of(name: str) -> str:
    return dict(_all_routes(get_resolver().url_patterns, ""))[name]


def _all_routes(patterns, namespace, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _all_routes(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif pattern.name:
            yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern)


def test_outsider_membership_is_real(world):
    """The outsider really is a mentor somewhere, so their 404s are not for lack of an account."""
    outsider = world.users["outsider"]
    assert outsider.memberships.get().role == Role.MENTOR
    assert outsider.is_staff is True


def test_member_of_two_cohorts_sees_each_with_its_own_role(client, cohort, other_cohort):
    user = UserFactory()
    MembershipFactory(cohort=cohort, user=user, role=Role.PARTICIPANT)
    MembershipFactory(cohort=other_cohort, user=user, role=Role.MENTOR)
    client.force_login(user)

    here = client.get(reverse("cohort:overview", kwargs={"slug": cohort.slug})).status_code
    there = client.get(reverse("cohort:overview", kwargs={"slug": other_cohort.slug})).status_code

    assert (here, there) == (403, 200)
