"""A double click sends a form once, on a page whose policy allows no inline script."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_double_click_on_a_create_form_sends_one_request(page, live_server, demo, log_in):
    from participants.models import HelpRequest

    csp_violations = []
    page.on(
        "console",
        lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    log_in("p05@demo.test")
    page.goto(f"{live_server.url}/c/demo/me/help/")
    page.get_by_label("What do you need help with?").fill("Hooks in TransformerLens")
    button = page.get_by_role("button", name="Send to my TA")

    button.dblclick()

    expect(page.get_by_role("heading", name="Hooks in TransformerLens")).to_be_visible()
    assert HelpRequest.objects.filter(topic="Hooks in TransformerLens").count() == 1
    assert csp_violations == []
