import re

import pytest
from playwright.sync_api import expect

from tests.browser.navigation import open_from_nav

pytestmark = pytest.mark.browser


def test_participant_opts_out_takes_a_slot_and_copies_the_feed(page, live_server, demo, log_in):
    log_in("p05@demo.test")
    open_from_nav(page, "Schedule")
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule")
    page.get_by_role("link", name="Sparse autoencoders: what they can and cannot tell you").click()
    page.get_by_role("button", name="Opt out of recording for this event").click()
    expect(page.locator(".message.success")).to_contain_text("You will not be recorded")
    expect(page.get_by_text("You opted out of being recorded at this event.")).to_be_visible()

    open_from_nav(page, "Schedule")
    page.get_by_role("link", name="Lightning talks: round 1").click()
    page.get_by_label("Talk title for slot 5").fill("Induction heads in a toy model")
    page.get_by_role("button", name="Take slot 5").click()
    expect(page.locator(".message.success")).to_contain_text("Slot 5 is yours")
    expect(page.locator("#slot-5")).to_contain_text("Induction heads in a toy model")
    page.get_by_role("link", name="Run sheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Run sheet: Lightning talks: round 1")
    expect(page.locator(".run-sheet-list")).to_contain_text("Induction heads in a toy model")

    open_from_nav(page, "Schedule")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    feed_url = page.get_by_label("Feed address").input_value()
    page.get_by_role("button", name="Copy feed link").click()
    expect(page.locator(".copy-status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == feed_url
    assert re.fullmatch(rf"{live_server.url}/c/demo/schedule/feed/[\w-]+\.ics", feed_url)
    feed = page.request.get(feed_url)
    assert feed.status == 200
    assert feed.text().startswith("BEGIN:VCALENDAR")


def test_host_sees_the_opt_outs_on_the_event_page(page, live_server, demo, log_in):
    log_in("mentor@demo.test")

    page.goto(f"{live_server.url}/c/demo/schedule/")
    page.get_by_role("link", name="Lightning talks: round 1").click()

    expect(page.get_by_role("heading", name="For the host")).to_be_visible()
    expect(page.locator(".host")).to_contain_text("opted out of being recorded")
