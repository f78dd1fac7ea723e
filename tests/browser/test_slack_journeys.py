import pytest
from playwright.sync_api import expect

from cohort.models import NotificationPreference
from tests.browser.navigation import open_from_nav

pytestmark = pytest.mark.browser


def test_participant_turns_direct_messages_off_and_the_digest_on(page, live_server, demo, log_in):
    log_in("p02@demo.test")

    open_from_nav(page, "Notifications")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification settings")
    page.get_by_label("Direct messages on Slack").uncheck()
    page.get_by_label("Daily events digest").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(page.get_by_label("Direct messages on Slack")).not_to_be_checked()
    saved = NotificationPreference.objects.get(membership__user__email="p02@demo.test")
    assert (saved.slack_direct_messages, saved.reminders, saved.daily_digest) == (
        False,
        True,
        True,
    )
