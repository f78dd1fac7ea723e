import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PENDING_PAIR = "Chiara Romano & Dmitri Volkov"  # the demo pair whose proposal waits


def test_mentor_reviews_a_pair_and_sends_its_problem_back(page, live_server, demo, log_in):
    log_in("mentor@demo.test")  # the demo's mentor, not a superuser
    page.goto(f"{live_server.url}/admin/sprints/pair/")
    page.get_by_role("link", name=PENDING_PAIR).click()

    members = page.locator("#members-group")
    expect(members).to_contain_text("Chiara Romano")
    expect(members).to_contain_text("Dmitri Volkov")
    expect(members.get_by_role("link", name="Slide")).to_have_count(2)
    rounds = page.locator("#problem_rounds-group")
    expect(rounds).to_contain_text("Where do quotes end?")
    expect(rounds).to_contain_text("Waiting for the mentor")

    page.get_by_label("Decision on the pending problem").select_option(label="Send back")
    page.get_by_label("Comment to the pair").fill("Pick one model size and say how you test it.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(
        "The problem was sent back with your comment; the pair is told."
    )

    page.context.clear_cookies()
    log_in("p03@demo.test")
    page.goto(f"{live_server.url}/c/demo/sprint/")
    expect(page.locator("#problem-state")).to_have_text("Sent back")
    expect(page.locator("#mentor-comment")).to_contain_text(
        "Pick one model size and say how you test it."
    )


def test_every_changelist_fits_a_1366_pixel_screen(page, live_server, demo, log_in):
    from django.contrib import admin

    page.set_viewport_size({"width": 1366, "height": 768})
    log_in("mentor@demo.test")
    too_wide = {}
    for model in admin.site._registry:
        if model._meta.app_label not in {"cohort", "participants", "sprints", "events", "compute"}:
            continue
        response = page.goto(
            f"{live_server.url}/admin/{model._meta.app_label}/{model._meta.model_name}/"
        )
        assert response.status == 200, model
        # The admin scrolls a wide results table inside its box: measure the box too.
        overflow = page.evaluate(
            """() => {
                const results = document.querySelector('.results');
                const table = results ? results.scrollWidth - results.clientWidth : 0;
                return Math.max(document.documentElement.scrollWidth - 1366, table);
            }"""
        )
        if overflow > 0:
            too_wide[model._meta.label] = overflow
    assert too_wide == {}
