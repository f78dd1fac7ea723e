from django.urls import reverse

from cohort.models import Role
from tests.factories.cohort import AnnouncementFactory, CohortFactory


def _fail_login(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": "wrong-password"})


def test_failed_logins_are_rate_limited_per_address(client, participant):
    for _ in range(5):
        assert _fail_login(client, participant.email).status_code == 200

    response = client.post(
        reverse("account_login"), {"login": participant.email, "password": "a-long-test-password"}
    )

    assert response.context["form"].non_field_errors() == [
        "Too many failed login attempts. Try again later."
    ]
    assert "_auth_user_id" not in client.session


def test_a_different_address_is_not_locked_out_by_someone_elses_failures(client, make_member):
    target, bystander = make_member(), make_member()
    for _ in range(5):
        _fail_login(client, target.email)

    response = client.post(
        reverse("account_login"), {"login": bystander.email, "password": "a-long-test-password"}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bystander.pk)


def test_admin_login_goes_through_the_rate_limited_login(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_mentor_sees_only_their_own_cohorts_announcements_in_the_admin(client, cohort, mentor):
    AnnouncementFactory(cohort=cohort, title="Ours")
    AnnouncementFactory(cohort=CohortFactory(slug="elsewhere"), title="Theirs")
    client.force_login(mentor)

    response = client.get(reverse("admin:cohort_announcement_changelist"))

    titles = [a.title for a in response.context["cl"].result_list]
    assert titles == ["Ours"]


def test_mentor_cannot_open_another_cohorts_record_in_the_admin(client, mentor):
    theirs = AnnouncementFactory(cohort=CohortFactory(slug="elsewhere"))
    client.force_login(mentor)

    response = client.get(reverse("admin:cohort_announcement_change", args=[theirs.pk]))

    assert response.status_code == 302  # the admin sends you back: no such record for you
    assert response["Location"] == reverse("admin:index")


def test_operations_cannot_manage_invitations(client, make_member):
    ops = make_member(Role.OPERATIONS)
    client.force_login(ops)

    response = client.get(reverse("admin:cohort_invitation_changelist"))

    assert response.status_code == 403


def test_password_reset_mails_a_link_that_sets_a_new_password(client, participant):
    import re

    from django.core import mail

    client.post(reverse("account_reset_password"), {"email": participant.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)[
        1
    ]
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"},
    )
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": participant.email, "password": "a-brand-new-passphrase"}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(participant.pk)


def test_logout_ends_the_session(client, participant, cohort):
    client.force_login(participant)

    client.post(reverse("account_logout"))
    response = client.get(reverse("cohort:home", kwargs={"slug": cohort.slug}))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


class _SocialLogin:
    def __init__(self, *addresses):
        self.email_addresses = list(addresses)


class _Address:
    def __init__(self, email, verified):
        self.email, self.verified = email, verified


def test_google_sign_up_is_open_only_to_a_verified_invited_address(rf, cohort):
    from cohort.adapters import InvitationOnlySocialAccountAdapter
    from tests.factories.cohort import InvitationFactory

    InvitationFactory(cohort=cohort, email="invited@example.org")
    adapter = InvitationOnlySocialAccountAdapter()
    request = rf.get("/")

    assert adapter.is_open_for_signup(request, _SocialLogin(_Address("invited@example.org", True)))
    assert not adapter.is_open_for_signup(
        request, _SocialLogin(_Address("invited@example.org", False))
    )
    assert not adapter.is_open_for_signup(
        request, _SocialLogin(_Address("stranger@example.org", True))
    )


def test_google_login_is_switched_on_by_its_two_settings():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "GOOGLE_CLIENT_ID": "id.apps.example", "GOOGLE_CLIENT_SECRET": "s3cret"}
    code = (
        "import django; django.setup();"
        "from django.test import Client; from django.conf import settings;"
        "print('google' in settings.SOCIALACCOUNT_PROVIDERS,"
        " 'allauth.socialaccount.providers.google' in settings.INSTALLED_APPS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**env, "DJANGO_SETTINGS_MODULE": "cohort.settings"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.stdout.strip() == "True True", result.stderr
