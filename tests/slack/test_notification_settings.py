from django.urls import reverse

from cohort.models import NotificationPreference, Role
from tests.factories.cohort import MembershipFactory


def test_notification_settings_show_defaults(client, participant, cohort):
    client.force_login(participant)

    response = client.get(reverse("cohort:notification_settings", kwargs={"slug": cohort.slug}))

    assert response.status_code == 200
    form = response.context["form"]
    assert (
        form["slack_direct_messages"].value(),
        form["reminders"].value(),
        form["daily_digest"].value(),
    ) == (True, True, False)
    assert NotificationPreference.objects.count() == 0


def test_notification_settings_save_for_this_cohort_only(client, make_member, cohort, other_cohort):
    person = make_member(Role.PARTICIPANT)
    MembershipFactory(cohort=other_cohort, user=person, role=Role.TA)
    client.force_login(person)
    url = reverse("cohort:notification_settings", kwargs={"slug": cohort.slug})

    response = client.post(url, {"daily_digest": "on"})

    assert (response.status_code, response.url) == (302, url)
    saved = NotificationPreference.objects.get()
    assert (saved.membership.cohort, saved.slack_direct_messages, saved.reminders) == (
        cohort,
        False,
        False,
    )
    assert saved.daily_digest is True
