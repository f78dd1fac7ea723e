import re

import pytest
from playwright.sync_api import expect

from tests.browser.navigation import open_from_nav

pytestmark = pytest.mark.browser


def test_participant_sees_home_then_resources_and_faq(page, live_server, demo, log_in):
    log_in("p01@demo.test")

    expect(page).to_have_url(f"{live_server.url}/c/demo/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparation phase")
    expect(page.locator(".countdown")).to_contain_text("Goals form due in")
    expect(page.locator(".countdown-value")).to_have_text(re.compile(r"\d+ (day|hour|minute)"))
    expect(page.get_by_role("heading", name="Welcome to the demo round")).to_be_visible()
    expect(page.get_by_role("link", name="Overview")).to_have_count(0)

    open_from_nav(page, "Resources")
    expect(page.get_by_role("heading", level=1)).to_have_text("Key links and resources")
    expect(page.get_by_role("link", name="TransformerLens")).to_be_visible()

    open_from_nav(page, "FAQ")
    question = page.get_by_text("What does the compute budget cover?")
    question.click()
    expect(page.get_by_text("$500")).to_be_visible()


def test_mentor_opens_the_overview(page, live_server, demo, log_in):
    log_in("mentor@demo.test")

    open_from_nav(page, "Overview")

    expect(page.get_by_role("heading", level=1)).to_have_text("Cohort overview")
    page.locator("summary", has_text="Figures").click()
    row = page.locator("summary", has_text="participants signed up, of 42 invited")
    expect(row.locator(".figure")).to_have_text("40")
    row.click()
    expect(page.locator("ul.people li", has_text="late.joiner@demo.test")).to_be_visible()
    # The same person is a row of the work list, waiting to sign up.
    expect(page.get_by_role("rowheader", name="late.joiner@demo.test")).to_be_visible()


def test_participant_cannot_open_the_overview(page, live_server, demo, log_in):
    log_in("p02@demo.test")

    response = page.goto(f"{live_server.url}/c/demo/overview/")

    assert response.status == 403


def test_phone_width_home_is_readable(page, live_server, demo, log_in):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in("p03@demo.test")

    expect(page.get_by_role("heading", level=1)).to_have_text("Preparation phase")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width == 390  # nothing overflows sideways
