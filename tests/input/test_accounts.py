"""Invitations belong to the invitee, and the login limit holds per client behind a proxy."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from cohort.models import Role, User
from tests.factories.cohort import InvitationFactory


def _signup(client, email):
    return client.post(
        reverse("account_signup"),
        {
            "name": "Someone",
            "email": email,
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )


def test_signup_with_an_invited_address_without_the_link_creates_nothing(client, cohort):
    InvitationFactory(cohort=cohort, email="invitee@example.org")
    mail.outbox.clear()

    response = _signup(client, "invitee@example.org")

    assert response.status_code == 302
    assert User.objects.filter(email="invitee@example.org").exists() is False
    assert [m.to for m in mail.outbox] == [["invitee@example.org"]]
    assert reverse(
        "cohort:accept_invitation", kwargs={"token": cohort.invitations.get().token}
    ) in (mail.outbox[0].body)


def test_signup_through_the_invitation_link_creates_the_member(client, cohort):
    invitation = InvitationFactory(cohort=cohort, email="invitee@example.org")
    client.get(reverse("cohort:accept_invitation", kwargs={"token": invitation.token}))

    response = _signup(client, "invitee@example.org")

    user = User.objects.get(email="invitee@example.org")
    assert response.status_code == 302
    assert list(user.memberships.values_list("cohort__slug", "role")) == [
        (cohort.slug, Role.PARTICIPANT)
    ]


def test_an_unverified_account_on_an_invited_address_never_blocks_the_link(client, cohort):
    invitation = InvitationFactory(cohort=cohort, email="invitee@example.org")
    # Someone else took the address before sign-ups needed the link; they never verified it.
    squatter = User.objects.create_user(email="invitee@example.org", password="whatever-123")
    EmailAddress.objects.create(user=squatter, email=squatter.email, verified=False, primary=True)
    client.get(reverse("cohort:accept_invitation", kwargs={"token": invitation.token}))

    response = _signup(client, "invitee@example.org")

    user = User.objects.get(email="invitee@example.org")
    assert response.status_code == 302
    assert user.name == "Someone"
    assert user.memberships.get().cohort == cohort


@pytest.mark.parametrize("proxies", [1])
def test_wrong_passwords_from_one_client_do_not_lock_out_another_behind_the_proxy(
    client, settings, participant, proxies
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    url = reverse("account_login")
    for n in range(11):
        client.post(
            url,
            {"login": f"nobody{n}@example.org", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )

    password = "a-long-test-password"
    locked = client.post(
        url, {"login": participant.email, "password": password}, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    other = client.post(
        url, {"login": participant.email, "password": password}, HTTP_X_FORWARDED_FOR="198.51.100.2"
    )

    assert locked.context["form"].non_field_errors() == [
        "Too many failed login attempts. Try again later."
    ]
    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(participant.pk)
