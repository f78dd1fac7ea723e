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
