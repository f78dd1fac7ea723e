"""Journeys of issue 12: a refused form keeps what was typed, a withdrawal shows everywhere,
final steps ask first, and a pair changes its research problem before the sprint starts."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _demo_cohort():
    from cohort.models import Cohort

    return Cohort.objects.get(slug="demo")


def test_refused_alternative_dates_keep_what_was_typed(page, live_server, demo, log_in):
    cohort = _demo_cohort()
    too_late = cohort.sprint_end + timedelta(days=10)
    log_in("p11@demo.test")  # Kavya Iyer, paired with Lorenzo Bianchi
    page.goto(f"{live_server.url}/c/demo/sprint/")
    page.get_by_text("Ask for other dates").click()
    page.get_by_label("Kavya Iyer: new end").fill(too_late.isoformat())
    page.get_by_label("Reason").fill("A conference in the second week.")
    page.get_by_role("button", name="Send the request").click()

    details = page.locator("#dates-details")
    expect(details).to_have_attribute("open", "")
    beside_the_field = details.locator(".field.error").filter(
        has=page.get_by_label("Kavya Iyer: new end")
    )
    expect(beside_the_field.locator(".errorlist")).to_contain_text(
        f"{too_late:%-d %b} is more than 3 days after the sprint's official end"
    )
    expect(page.get_by_label("Kavya Iyer: new end")).to_have_value(too_late.isoformat())
    expect(page.get_by_label("Lorenzo Bianchi: new start")).to_have_value(
        cohort.sprint_start.isoformat()
    )
    expect(page.get_by_label("Reason")).to_have_value("A conference in the second week.")

    from sprints.models import DateShiftRequest

    assert DateShiftRequest.objects.filter(requested_by__email="p11@demo.test").count() == 0


def test_withdrawn_participant_is_told_and_offered_no_program_steps(
    page, live_server, demo, log_in
):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in("p39@demo.test")  # Noor Siddiqui, without a partner
    page.goto(f"{live_server.url}/c/demo/me/withdraw/")
    page.get_by_label("From the whole program").check()
    page.get_by_label("Yes, I want to withdraw").check()
    page.get_by_role("button", name="Withdraw").click()

    expect(page.locator(".standing")).to_contain_text("You withdrew from the program on")
    expect(page.locator(".standing")).to_contain_text("To come back, ask your mentor")
    expect(page.locator(".todo")).to_have_count(0)
    expect(page.locator("[data-countdown]")).to_have_count(0)

    page.goto(f"{live_server.url}/c/demo/sprint/")
    expect(page.get_by_role("heading", name="You have withdrawn from the program")).to_be_visible()
    expect(page.get_by_role("button", name="Send the invitation")).to_have_count(0)
    expect(page.get_by_role("button", name="Declare a solo sprint")).to_have_count(0)
    expect(page.get_by_role("heading", name="Still to do")).to_have_count(0)


def test_dissolving_a_pair_asks_first(page, live_server, demo, log_in):
    log_in("p17@demo.test")  # Quinn Adeyemi, paired with Rosa Ortega
    sprint_url = f"{live_server.url}/c/demo/sprint/"
    page.goto(sprint_url)
    page.get_by_role("button", name="Dissolve the pair").click()

    expect(page.get_by_role("heading", name="Dissolve your pair?")).to_be_visible()
    expect(page.locator(".confirm")).to_contain_text(
        "You and Rosa Ortega will no longer be a pair."
    )
    page.get_by_role("link", name="No, go back").click()
    expect(page).to_have_url(sprint_url)
    expect(page.get_by_role("heading", name="Your pair")).to_be_visible()

    page.get_by_role("button", name="Dissolve the pair").click()
    page.get_by_role("button", name="Yes, dissolve the pair").click()
    expect(page.locator(".message.success")).to_have_text("Your pair is dissolved.")
    expect(page.get_by_role("heading", name="Invite a partner")).to_be_visible()


def test_pair_changes_its_research_problem_from_the_ideas_page(page, live_server, demo, log_in):
    from sprints.models import Idea, Pair

    pair = Pair.objects.get(members__user__email="p13@demo.test", dissolved_at__isnull=True)
    before = pair.current_problem.title
    other = Idea.objects.filter(cohort=pair.cohort).exclude(title=before).order_by("pk").first()
    log_in("p13@demo.test")  # Maren Jansen; the pair's idea is approved
    page.goto(f"{live_server.url}/c/demo/ideas/")
    card = page.locator("article.idea", has=page.get_by_role("heading", name=other.title))
    expect(
        page.locator("article.idea", has=page.get_by_role("heading", name=before))
    ).to_contain_text("Your pair's problem")
    card.get_by_role("button", name=re.compile("^Choose this idea")).click()

    expect(page.get_by_role("heading", name="Choose this idea?")).to_be_visible()
    expect(page.locator(".confirm")).to_contain_text(
        f"It replaces your approved problem, “{before}”."
    )
    page.get_by_role("button", name="Yes, choose this idea").click()

    expect(page.locator(".message.success")).to_have_text("Idea chosen.")
    expect(page.locator(".problem-title")).to_have_text(other.title)
    expect(page.locator("#problem-state")).to_have_text("Approved")
    expect(page.locator(".rounds")).to_contain_text(before)
    expect(page.get_by_text("Change the problem (until the sprint starts)")).to_be_visible()


def test_profile_offers_the_browsers_timezone(browser, live_server, demo):
    from cohort.models import User

    context = browser.new_context(timezone_id="America/New_York")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("p11@demo.test")  # Kavya Iyer, on London time
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/c/demo/me/profile/")

    page.get_by_role("button", name="Use America/New York (your browser's timezone)").click()
    expect(page.get_by_label("Your timezone")).to_have_value("America/New_York")
    page.get_by_role("button", name="Save my slide").click()

    expect(page.locator(".message.success")).to_be_visible()
    assert User.objects.get(email="p11@demo.test").timezone == "America/New_York"
    context.close()
