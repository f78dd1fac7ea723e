"""Partner suggestions per row: invite one, skip another, see what was sent and answered."""

from django.urls import reverse

from cohort.models import Role
from sprints import services
from sprints.models import PairInvitation, SuggestionSkip


def _url(cohort):
    return reverse("sprints:partner_suggestions", kwargs={"slug": cohort.slug})


def _proposed(client, cohort) -> set[frozenset]:
    response = client.get(_url(cohort))
    assert response.status_code == 200
    return {frozenset((p.a.id, p.b.id)) for p in response.context["proposals"]}


def test_invite_one_skip_another_and_neither_comes_back(client, cohort, mentor, make_member):
    for n in range(4):
        make_member(Role.PARTICIPANT, name=f"P{n}")
    client.force_login(mentor)
    first = _proposed(client, cohort)
    invited, skipped = sorted(first, key=lambda pair: min(pair))
    invited_value = "-".join(str(uid) for uid in sorted(invited))
    skipped_value = "-".join(str(uid) for uid in sorted(skipped))

    invite = client.post(
        _url(cohort), {"invite": invited_value, "pair": [invited_value, skipped_value]}, follow=True
    )
    skip = client.post(_url(cohort), {"skip": skipped_value}, follow=True)
    again = client.post(_url(cohort), {"skip": skipped_value}, follow=True)
    after = client.get(_url(cohort))

    assert len(first) == 2
    assert [str(m) for m in invite.context["messages"]] == ["1 invitation sent."]
    assert [str(m) for m in skip.context["messages"]] == [
        "Skipped: that pairing will not be proposed again."
    ]
    sent = PairInvitation.objects.values_list("from_user_id", "to_user_id", "suggested_by_id")
    assert [frozenset(row[:2]) for row in sent] == [invited]
    assert SuggestionSkip.objects.count() == 1
    assert [str(m) for m in again.context["messages"]] == [
        "That suggestion was already skipped or is not valid."
    ]
    assert after.context["proposals"] == []
    assert [
        (i.state, frozenset((i.from_user_id, i.to_user_id))) for i in after.context["sent"]
    ] == [("pending", invited)]


def test_a_declined_suggestion_is_shown_answered_and_not_proposed_again(
    client, cohort, mentor, make_member
):
    a, b = make_member(Role.PARTICIPANT, name="Ann"), make_member(Role.PARTICIPANT, name="Bob")
    client.force_login(mentor)
    client.post(_url(cohort), {"invite": f"{a.pk}-{b.pk}"})
    invitation = PairInvitation.objects.get()
    services.decline_invitation(invitation=invitation, user=b)

    response = client.get(_url(cohort))

    assert response.context["proposals"] == []
    assert [i.state for i in response.context["sent"]] == ["declined"]
    assert "Ann → Bob" in response.content.decode()


def test_skipping_people_of_another_cohort_is_refused(
    client, cohort, mentor, make_member, other_cohort
):
    mine = make_member(Role.PARTICIPANT)
    theirs = make_member(Role.PARTICIPANT, in_cohort=other_cohort)
    client.force_login(mentor)

    response = client.post(_url(cohort), {"skip": f"{mine.pk}-{theirs.pk}"}, follow=True)

    assert SuggestionSkip.objects.count() == 0
    assert [str(m) for m in response.context["messages"]] == [
        "That suggestion was already skipped or is not valid."
    ]
