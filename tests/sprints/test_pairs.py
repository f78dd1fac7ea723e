import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cohort.models import Notification, Role
from sprints import queries, services
from sprints.models import InvitationState, Pair, PairInvitation, PairMember
from sprints.services import SprintError
from sprints.signals import pair_dissolved, pair_formed
from tests.factories.sprints import make_pair


def _invite(cohort, a, b):
    return services.invite_partner(cohort=cohort, from_user=a, to_user=b)


def test_accept_forms_a_pair_of_exactly_the_two(cohort, people):
    a, b = people[:2]
    invitation = _invite(cohort, a, b)

    pair = services.accept_invitation(invitation_id=invitation.pk, user=b)

    seats = list(pair.members.order_by("slot").values_list("user_id", "slot", "active"))
    assert seats == [(a.pk, 1, True), (b.pk, 2, True)]
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED


def test_accept_cancels_every_other_pending_invitation_of_both(cohort, people):
    a, b, c, d, e = people[:5]
    chosen = _invite(cohort, a, b)
    others = [
        _invite(cohort, a, c),
        _invite(cohort, d, a),
        _invite(cohort, b, e),
        _invite(cohort, d, b),
    ]
    unrelated = _invite(cohort, c, d)

    services.accept_invitation(invitation_id=chosen.pk, user=b)

    states = {i.pk: i.state for i in PairInvitation.objects.all()}
    assert [states[i.pk] for i in others] == [InvitationState.CANCELLED] * 4
    assert states[unrelated.pk] == InvitationState.PENDING


def test_accept_refused_when_the_inviter_is_paired_meanwhile(cohort, people):
    a, b, c = people[:3]
    to_b = _invite(cohort, a, b)
    to_c = _invite(cohort, a, c)
    services.accept_invitation(invitation_id=to_b.pk, user=b)

    with pytest.raises(SprintError, match="no longer open"):
        services.accept_invitation(invitation_id=to_c.pk, user=c)

    assert PairMember.objects.filter(user=c).count() == 0


def test_accept_of_someone_elses_invitation_is_refused(cohort, people):
    a, b, c = people[:3]
    invitation = _invite(cohort, a, b)

    with pytest.raises(SprintError, match="not addressed to you"):
        services.accept_invitation(invitation_id=invitation.pk, user=c)

    assert Pair.objects.count() == 0


def test_view_accept_of_another_persons_invitation_is_404(client, cohort, people):
    a, b, c = people[:3]
    invitation = _invite(cohort, a, b)
    client.force_login(c)

    url = reverse("sprints:accept", kwargs={"slug": cohort.slug, "pk": invitation.pk})
    responses = [
        client.post(url).status_code,
        client.post(
            reverse("sprints:decline", kwargs={"slug": cohort.slug, "pk": invitation.pk})
        ).status_code,
        client.post(
            reverse("sprints:cancel_invitation", kwargs={"slug": cohort.slug, "pk": invitation.pk})
        ).status_code,
    ]

    assert responses == [404, 404, 404]
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


def test_inviter_cannot_accept_their_own_invitation(client, cohort, people):
    a, b = people[:2]
    invitation = _invite(cohort, a, b)
    client.force_login(a)

    client.post(reverse("sprints:accept", kwargs={"slug": cohort.slug, "pk": invitation.pk}))

    assert Pair.objects.count() == 0


def test_database_refuses_a_person_in_two_active_pairs(cohort, people):
    a, b = people[:2]
    make_pair(cohort, a, b)
    other = Pair.objects.create(cohort=cohort)

    with pytest.raises(IntegrityError), transaction.atomic():
        PairMember.objects.create(pair=other, cohort=cohort, user=a, slot=1)


def test_database_refuses_a_third_member(cohort, people):
    a, b, c = people[:3]
    pair = make_pair(cohort, a, b)

    with pytest.raises(IntegrityError), transaction.atomic():
        PairMember.objects.create(pair=pair, cohort=cohort, user=c, slot=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        PairMember.objects.create(pair=pair, cohort=cohort, user=c, slot=2)


def test_dissolved_seat_does_not_block_a_new_pair(cohort, people):
    a, b, c = people[:3]
    pair = make_pair(cohort, a, b)
    services.dissolve_pair(pair=pair, by=a)

    new = services.accept_invitation(invitation_id=_invite(cohort, c, a).pk, user=a)

    assert PairMember.objects.filter(user=a, active=True).get().pair == new


def test_paired_person_cannot_be_invited_and_cannot_invite(cohort, people):
    a, b, c = people[:3]
    make_pair(cohort, a, b)

    with pytest.raises(SprintError, match="cannot be invited"):
        _invite(cohort, c, a)
    with pytest.raises(SprintError, match="already in a sprint pair"):
        _invite(cohort, a, c)


def test_invitable_participants_leaves_out_paired_solo_and_staff(cohort, people, make_member):
    a, b, c, d, e, f = people
    make_pair(cohort, a, b)
    services.declare_solo(cohort=cohort, user=c)
    make_member(Role.TA)
    make_member(Role.MENTOR)

    assert set(queries.invitable_participants(cohort)) == {d, e, f}


def test_invitations_close_at_the_sprint_start(cohort, people, after_sprint_start):
    a, b = people[:2]

    with pytest.raises(SprintError, match="closed when the sprint started"):
        _invite(cohort, a, b)


def test_accepting_after_the_sprint_start_is_refused(cohort, people, time_machine):
    from datetime import timedelta

    a, b = people[:2]
    invitation = _invite(cohort, a, b)
    time_machine.move_to(cohort.start_of(cohort.sprint_start) + timedelta(minutes=1))

    with pytest.raises(SprintError, match="closed"):
        services.accept_invitation(invitation_id=invitation.pk, user=b)


def test_member_dissolves_before_start_and_the_other_is_told(cohort, people):
    a, b = people[:2]
    pair = make_pair(cohort, a, b)

    services.dissolve_pair(pair=pair, by=a)

    pair.refresh_from_db()
    assert pair.dissolved_at is not None
    assert list(Notification.objects.values_list("user_id", "kind")) == [
        (b.pk, "sprints.pair_dissolved")
    ]
    assert set(queries.invitable_participants(cohort)) >= {a, b}


def test_member_cannot_dissolve_after_start_but_the_mentor_can(
    cohort, people, mentor, after_sprint_start
):
    a, b = people[:2]
    pair = make_pair(cohort, a, b)

    with pytest.raises(SprintError, match="closed"):
        services.dissolve_pair(pair=pair, by=a)
    services.dissolve_pair(pair=pair, by=mentor, as_mentor=True)

    pair.refresh_from_db()
    assert pair.dissolved_at is not None
    assert Notification.objects.filter(kind="sprints.pair_dissolved").count() == 2


def test_outsider_cannot_dissolve_a_pair(cohort, people):
    a, b, c = people[:3]
    pair = make_pair(cohort, a, b)

    with pytest.raises(SprintError, match="Only a member"):
        services.dissolve_pair(pair=pair, by=c)


def test_solo_sprint_is_flagged_and_blocks_invitations(cohort, people):
    a, b = people[:2]
    pending = _invite(cohort, b, a)

    pair = services.declare_solo(cohort=cohort, user=a)

    assert (pair.is_solo, pair.members.count()) == (True, 1)
    pending.refresh_from_db()
    assert pending.state == InvitationState.CANCELLED
    with pytest.raises(SprintError):
        services.declare_solo(cohort=cohort, user=a)


def test_signals_are_sent_after_commit(cohort, people, django_capture_on_commit_callbacks):
    a, b = people[:2]
    formed, dissolved = [], []

    def on_formed(sender, pair, users, **kwargs):
        formed.append((pair.pk, {u.pk for u in users}))

    def on_dissolved(sender, pair, users, **kwargs):
        dissolved.append((pair.pk, {u.pk for u in users}))

    pair_formed.connect(on_formed)
    pair_dissolved.connect(on_dissolved)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            pair = services.accept_invitation(invitation_id=_invite(cohort, a, b).pk, user=b)
        assert formed == []
        for callback in callbacks:
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            services.dissolve_pair(pair=pair, by=b)
    finally:
        pair_formed.disconnect(on_formed)
        pair_dissolved.disconnect(on_dissolved)

    assert formed == [(pair.pk, {a.pk, b.pk})]
    assert dissolved == [(pair.pk, {a.pk, b.pk})]


def test_invitation_notifies_the_invitee(cohort, people):
    a, b = people[:2]

    _invite(cohort, a, b)

    note = Notification.objects.get()
    assert (note.user, note.kind, note.title) == (
        b,
        "sprints.pair_invitation",
        "Person 1 invites you to be sprint partners",
    )


def test_sprint_page_invite_and_accept_through_the_views(client, cohort, people):
    a, b = people[:2]
    client.force_login(a)
    client.post(reverse("sprints:invite", kwargs={"slug": cohort.slug}), {"partner": b.pk})
    invitation = PairInvitation.objects.get()

    client.force_login(b)
    page = client.get(reverse("sprints:sprint", kwargs={"slug": cohort.slug}))
    assert "Person 1</strong> invites you" in page.content.decode()
    response = client.post(
        reverse("sprints:accept", kwargs={"slug": cohort.slug, "pk": invitation.pk})
    )

    assert response.status_code == 302
    assert queries.pair_of(cohort, a) == queries.pair_of(cohort, b) is not None


def test_invite_button_fragment_posts_the_person(rf, cohort, people):
    from django.template.loader import render_to_string

    a, b = people[:2]
    request = rf.get("/c/x/partners/")
    request.user = a

    html = render_to_string(
        "sprints/_invite_button.html", {"invitee": b, "cohort": cohort, "user": a}, request
    )

    assert f'name="partner" value="{b.pk}"' in html
    assert reverse("sprints:invite", kwargs={"slug": cohort.slug}) in html
    assert "Invite as sprint partner" in html


def test_invite_button_comes_back_to_the_page_it_was_on(client, cohort, people):
    a, b = people[:2]
    client.force_login(a)
    url = reverse("sprints:invite", kwargs={"slug": cohort.slug})

    back = client.post(url, {"partner": b.pk, "next": f"/c/{cohort.slug}/partners/"})
    elsewhere = client.post(url, {"partner": people[2].pk, "next": "https://evil.example/"})

    assert back["Location"] == f"/c/{cohort.slug}/partners/"
    assert elsewhere["Location"] == reverse("sprints:sprint", kwargs={"slug": cohort.slug})
    assert PairInvitation.objects.filter(from_user=a).count() == 2


def test_writeup_link_saved_from_the_sprint_page(client, cohort, people):
    pair = make_pair(cohort, people[0], people[1])
    client.force_login(people[1])

    client.post(
        reverse("sprints:writeup", kwargs={"slug": cohort.slug}),
        {"writeup_url": "https://example.org/our-writeup"},
    )

    pair.refresh_from_db()
    assert pair.writeup_url == "https://example.org/our-writeup"
