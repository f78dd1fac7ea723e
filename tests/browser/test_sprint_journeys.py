import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _switch_to(page, log_in, email):
    page.context.clear_cookies()
    log_in(email)


def _decide_in_admin(page, live_server, title, decision, comment=""):
    page.goto(f"{live_server.url}/admin/sprints/problemsubmission/")
    page.get_by_role("link", name=title, exact=True).click()
    page.locator("#id_decision").select_option(label=decision)
    if comment:
        page.locator("#id_comment").fill(comment)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")


def test_pair_forms_then_proposal_goes_back_and_forth_until_approved(
    page, live_server, demo, log_in
):
    sprint_url = f"{live_server.url}/c/demo/sprint/"
    log_in("p30@demo.test")
    page.goto(sprint_url)
    page.get_by_label("Invite by name").select_option(label="Esther Goldberg")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".message.success")).to_have_text("Invitation sent to Esther Goldberg.")

    _switch_to(page, log_in, "p31@demo.test")
    page.goto(sprint_url)
    page.get_by_role("button", name="Accept Dario Conti").click()
    expect(page.locator(".message.success")).to_have_text(
        "You and Dario Conti are now a sprint pair."
    )
    expect(page.get_by_role("heading", name="Your pair")).to_be_visible()

    page.get_by_label("Title").fill("When does a quote close?")
    page.get_by_label("Research question").fill("Which heads decide that a quote has ended?")
    page.get_by_label("Why it matters").fill("A small test of how models keep nested state.")
    page.get_by_label("Plan").fill("Patch heads on a small model, then try nested quotes.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#problem-state")).to_have_text("Waiting for the mentor")

    _switch_to(page, log_in, "mentor@demo.test")
    _decide_in_admin(
        page, live_server, "When does a quote close?", "Send back", "Narrow it to one model size."
    )

    _switch_to(page, log_in, "p30@demo.test")
    page.goto(sprint_url)
    expect(page.locator("#problem-state")).to_have_text("Sent back")
    expect(page.locator("#mentor-comment")).to_contain_text("Narrow it to one model size.")
    page.get_by_label("Title").fill("When does a quote close in a 2-layer model?")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#problem-state")).to_have_text("Waiting for the mentor")
    expect(page.locator(".rounds")).to_contain_text("When does a quote close?")

    _switch_to(page, log_in, "mentor@demo.test")
    _decide_in_admin(page, live_server, "When does a quote close in a 2-layer model?", "Approve")

    _switch_to(page, log_in, "p31@demo.test")
    page.goto(sprint_url)
    expect(page.locator("#problem-state")).to_have_text("Approved")


def test_pair_books_an_interview_slot(page, live_server, demo, log_in):
    log_in("p03@demo.test")  # in a demo pair without an interview; timezone Europe/Paris
    page.goto(f"{live_server.url}/c/demo/sprint/slots/")

    interviews = page.get_by_role("region", name="Final interviews")
    interviews.get_by_role("button", name=re.compile("^Book")).first.click()

    expect(page.locator(".message.success")).to_have_text("Booked: final interview.")
    bookings = page.get_by_role("region", name="Bookings")
    expect(bookings).to_contain_text("Final interview:")
    expect(bookings).to_contain_text("CET")
    expect(bookings).to_contain_text("GMT)")
    page.goto(f"{live_server.url}/c/demo/sprint/slots/")
    expect(page.get_by_role("region", name="Final interviews").locator(".state")).to_have_text(
        "yours"
    )


def test_partner_invited_from_the_board_accepts_and_both_leave_the_board(
    page, live_server, demo, log_in
):
    board_url = f"{live_server.url}/c/demo/partners/"
    log_in("p33@demo.test")
    page.goto(board_url)
    entry = page.locator("article.entry", has=page.get_by_role("heading", name="Isla Fraser"))
    entry.get_by_role("button", name=re.compile("Invite as sprint partner")).click()
    expect(page.locator(".message.success")).to_have_text("Invitation sent to Isla Fraser.")
    expect(page).to_have_url(board_url)

    _switch_to(page, log_in, "p35@demo.test")
    page.goto(f"{live_server.url}/c/demo/sprint/")
    page.get_by_role("button", name="Accept Gabriela Castillo").click()
    expect(page.locator(".message.success")).to_have_text(
        "You and Gabriela Castillo are now a sprint pair."
    )

    _switch_to(page, log_in, "p34@demo.test")
    page.goto(board_url)
    names = page.locator("article.entry h2")
    expect(names.first).to_be_visible()
    assert "Gabriela Castillo" not in names.all_inner_texts()
    assert "Isla Fraser" not in names.all_inner_texts()
