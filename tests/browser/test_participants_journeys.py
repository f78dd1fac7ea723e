import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.navigation import open_from_nav

pytestmark = pytest.mark.browser


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 320), (40, 90, 200)).save(out, "PNG")
    return out.getvalue()


def test_participant_fills_slide_goals_and_board_then_owner_sees_interest(
    page, live_server, demo, log_in
):
    log_in("p24@demo.test")
    open_from_nav(page, "People")
    expect(page.get_by_role("heading", level=1)).to_have_text("Names and faces")
    page.get_by_role("link", name="Edit my slide").click()
    page.get_by_label("Display name").fill("Ximena Salazar")
    page.get_by_label("Photo", exact=True).set_input_files(
        {"name": "me.png", "mimeType": "image/png", "buffer": _png()}
    )
    page.get_by_label("Short bio").fill("I like small models and careful ablations.")
    page.get_by_label("Research interests").fill("circuits, probing")
    page.get_by_role("button", name="Save my slide").click()
    expect(page.get_by_text("Your slide is saved.")).to_be_visible()
    photo = page.get_by_role("img", name="Photo of Ximena Salazar")
    expect(photo).to_be_visible()
    expect(photo).to_have_js_property("complete", True)  # loaded, also on a busy machine
    assert photo.evaluate("img => img.naturalWidth") == 320

    page.goto(f"{live_server.url}/c/demo/me/goals/")
    page.get_by_label("What you want from the program").fill("Run my own experiment end to end.")
    page.get_by_label("Hours per week you expect to give").fill("18")
    page.get_by_label("Your experience level").select_option("some")
    page.get_by_label("Topics of interest").fill("circuits")
    page.get_by_label("Would you like a sprint partner?").select_option("yes")
    page.get_by_label("What you hope to do in the sprint").fill("A replication with a twist.")
    page.get_by_role("button", name=re.compile(r"^Submit")).click()
    expect(page.get_by_text("Your goals form is submitted.")).to_be_visible()

    open_from_nav(page, "Partners")
    page.get_by_role("link", name="Add me to the board").click()
    page.get_by_label("What you want to work on").fill("Feature splitting in SAEs.")
    page.get_by_label("Interests").fill("sparse autoencoders, circuits")
    page.get_by_label("Available from").select_option("9")
    page.get_by_label("Available until").select_option("17")
    page.get_by_role("button", name="Add me to the board").click()
    expect(page.get_by_text("You are on the partner board.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your entry")).to_be_visible()

    entry = page.locator("article.entry", has=page.get_by_role("heading", name="Yusuf Aydin"))
    expect(entry.locator(".overlap")).to_contain_text("Overlap with you:")
    entry.get_by_text("I'm interested").click()
    entry.get_by_label("A short note to Yusuf Aydin").fill("Shall we talk on Thursday?")
    entry.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Yusuf Aydin will see your note.")).to_be_visible()

    page.context.clear_cookies()
    log_in("p25@demo.test")
    page.get_by_role("link", name="Ximena Salazar is interested in partnering with you").click()
    mine = page.locator("section.mine")
    expect(mine).to_contain_text("Ximena Salazar")
    expect(mine).to_contain_text("Shall we talk on Thursday?")


def test_ta_claims_and_resolves_a_request(page, live_server, demo, log_in):
    log_in("ta1@demo.test")

    open_from_nav(page, "TA dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("TA dashboard")
    stale = page.locator("article.request.stale")
    expect(stale).to_have_count(1)
    expect(stale).to_contain_text("Waiting more than a day")

    topic = "Which layer should I look at for my probe?"
    request = page.locator("article.request", has=page.get_by_role("heading", name=topic))
    request.get_by_role("button", name=f"Claim {topic}").click()
    expect(page.get_by_text(f"You claimed “{topic}”.")).to_be_visible()
    expect(request.locator(".badge")).to_have_text("A TA is on it")
    request.locator("summary", has_text="Reply").click()
    request.get_by_label(re.compile("^Reply to")).fill("Start in the middle layers.")
    request.get_by_role("button", name="Send reply").click()
    expect(request).to_contain_text("Start in the middle layers.")
    request.get_by_role("button", name=f"Resolve {topic}").click()

    expect(page.get_by_text(f"“{topic}” is resolved.")).to_be_visible()
    expect(page.get_by_role("heading", name=topic)).to_have_count(0)


def test_slideshow_moves_with_arrow_keys(page, live_server, demo, log_in):
    log_in("p02@demo.test")

    page.goto(f"{live_server.url}/c/demo/people/slideshow/")
    position = page.locator("[data-position]")
    first = page.locator(".slideshow-slide:not([hidden]) h2").inner_text()
    page.keyboard.press("ArrowRight")
    expect(position).to_have_text(re.compile(r"^2 / \d+$"))
    second = page.locator(".slideshow-slide:not([hidden]) h2").inner_text()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")

    assert first != second
    expect(position).to_have_text(re.compile(r"^(\d+) / \1$"))


def test_goals_autosave_keeps_text_across_reload(page, live_server, demo, log_in):
    log_in("p08@demo.test")

    page.goto(f"{live_server.url}/c/demo/me/goals/")
    page.get_by_label("What you want from the program").fill("Half a thought I must not lose")
    expect(page.locator("[data-autosave-status]")).to_have_text(re.compile("^Draft saved at"))
    page.evaluate("localStorage.clear()")  # the server's draft alone must bring it back
    page.reload()

    expect(page.get_by_label("What you want from the program")).to_have_value(
        "Half a thought I must not lose"
    )
