import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from cohort.models import Invitation, Membership, Role, User
from cohort.services import invite_people
from tests.factories.cohort import InvitationFactory, MembershipFactory, UserFactory

SIGNUP = {
    "name": "Ada Newcomer",
    "password1": "a-sturdy-passphrase",
    "password2": "a-sturdy-passphrase",
}


def test_invited_address_signs_up_from_the_link_and_lands_on_the_cohort_home(client, cohort):
    invitation = InvitationFactory(cohort=cohort, email="ada@example.org", role=Role.PARTICIPANT)

    page = client.get(reverse("cohort:accept_invitation", kwargs={"token": invitation.token}))
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "email": "ada@example.org"}, follow=True
    )

    assert "You're invited to Test Cohort" in page.content.decode()
    assert response.redirect_chain[-1][0] == f"/c/{cohort.slug}/"
    assert response.context["membership"].role == Role.PARTICIPANT
    user = User.objects.get(email="ada@example.org")
    assert user.name == "Ada Newcomer"
    assert EmailAddress.objects.get(user=user).verified is True
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_invited_address_signing_up_directly_gets_the_link_again_then_joins(client, cohort):
    """Without the link nothing is created; the invitation goes again to the address, whose
    owner signs up through it."""
    InvitationFactory(cohort=cohort, email="grace@example.org", role=Role.TA)

    client.post(reverse("account_signup"), {**SIGNUP, "email": "grace@example.org"})
    assert User.objects.filter(email="grace@example.org").exists() is False
    link = re.search(r"https?://\S+/invite/\S+/", mail.outbox[-1].body)[0]
    client.get(link.split("testserver", 1)[-1])
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "email": "grace@example.org"}, follow=True
    )

    assert response.redirect_chain[-1][0] == f"/c/{cohort.slug}/"
    membership = Membership.objects.get(user__email="grace@example.org")
    assert (membership.cohort, membership.role) == (cohort, Role.TA)


def test_uninvited_address_is_refused_and_no_account_is_created(client, cohort):
    InvitationFactory(cohort=cohort, email="invited@example.org")
    users_before = User.objects.count()

    response = client.post(reverse("account_signup"), {**SIGNUP, "email": "stranger@example.org"})

    assert response.status_code == 200
    assert "stranger@example.org has not been invited" in response.content.decode()
    assert User.objects.count() == users_before
    assert mail.outbox == []


def test_an_accepted_invitation_cannot_be_used_to_sign_up_again(client, cohort):
    user = UserFactory(email="taken@example.org")
    InvitationFactory(
        cohort=cohort, email="taken@example.org", accepted_by=user, accepted_at="2026-01-01T00:00Z"
    )

    response = client.post(reverse("account_signup"), {**SIGNUP, "email": "taken@example.org"})

    assert "taken@example.org has not been invited" in response.content.decode()
    assert User.objects.filter(email="taken@example.org").count() == 1


def test_existing_person_invited_to_a_second_cohort_joins_it_at_login_and_chooses(
    client, cohort, other_cohort
):
    user = UserFactory(email="both@example.org")
    MembershipFactory(cohort=cohort, user=user, role=Role.PARTICIPANT)
    InvitationFactory(cohort=other_cohort, email="both@example.org", role=Role.TA)

    response = client.post(
        reverse("account_login"),
        {"login": "both@example.org", "password": "a-long-test-password"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/"
    assert {m.cohort.slug for m in response.context["memberships"]} == {
        cohort.slug,
        other_cohort.slug,
    }
    assert set(user.memberships.values_list("cohort__slug", "role")) == {
        (cohort.slug, Role.PARTICIPANT),
        (other_cohort.slug, Role.TA),
    }


def test_person_with_one_cohort_lands_on_its_home_after_login(client, participant, cohort):
    response = client.post(
        reverse("account_login"),
        {"login": participant.email, "password": "a-long-test-password"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"/c/{cohort.slug}/"
    assert response.context["phase"].name == "Preparation phase"


def test_invite_people_emails_each_new_address_once(
    cohort, mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = invite_people(
            cohort=cohort,
            emails=["a@example.org", "b@example.org"],
            role=Role.PARTICIPANT,
            invited_by=mentor,
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = invite_people(
            cohort=cohort,
            emails=["b@example.org", "c@example.org"],
            role=Role.PARTICIPANT,
            invited_by=mentor,
        )

    assert [i.email for i in first.created] == ["a@example.org", "b@example.org"]
    assert ([i.email for i in second.created], second.already_invited) == (
        ["c@example.org"],
        ["b@example.org"],
    )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]
    assert "/invite/" in mail.outbox[0].body
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 3


def test_mentor_pastes_a_list_in_the_admin(
    client, cohort, mentor, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    url = reverse("admin:cohort_invitation_bulk")
    pasted = "one@example.org, two@example.org\nthree@example.org; one@example.org"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"cohort": cohort.pk, "role": Role.PARTICIPANT, "emails": pasted}
        )

    assert response.status_code == 302
    assert sorted(Invitation.objects.filter(cohort=cohort).values_list("email", flat=True)) == [
        "one@example.org",
        "three@example.org",
        "two@example.org",
    ]
    assert len(mail.outbox) == 3


def test_admin_list_with_a_bad_address_invites_nobody_and_says_which(client, cohort, mentor):
    client.force_login(mentor)

    response = client.post(
        reverse("admin:cohort_invitation_bulk"),
        {
            "cohort": cohort.pk,
            "role": Role.PARTICIPANT,
            "emails": "good@example.org not-an-address",
        },
    )

    assert response.status_code == 200
    assert "These are not e-mail addresses: not-an-address" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_admin_bulk_invite_offers_only_the_mentors_own_cohorts(
    client, cohort, other_cohort, mentor
):
    client.force_login(mentor)

    response = client.post(
        reverse("admin:cohort_invitation_bulk"),
        {"cohort": other_cohort.pk, "role": Role.PARTICIPANT, "emails": "x@example.org"},
    )

    assert list(response.context["form"].fields["cohort"].queryset) == [cohort]
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "is_staff"),
    [(Role.PARTICIPANT, False), (Role.TA, False), (Role.MENTOR, True), (Role.OPERATIONS, True)],
)
def test_only_mentors_and_operations_become_admin_staff(client, cohort, role, is_staff):
    invitation = InvitationFactory(cohort=cohort, email="someone@example.org", role=role)
    client.get(reverse("cohort:accept_invitation", kwargs={"token": invitation.token}))
    client.post(reverse("account_signup"), {**SIGNUP, "email": "someone@example.org"})

    user = User.objects.get(email="someone@example.org")
    admin_page = client.get(reverse("admin:index"), follow=True)

    assert user.is_staff is is_staff
    assert admin_page.status_code == (200 if is_staff else 403)
