"""Staff journeys: the mentor acts from the overview, a TA works the help desk, operations
approve on a phone."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.navigation import open_from_nav

pytestmark = pytest.mark.browser

JOURNEY_TIMEOUT = 15_000
# Screenshots for people to look at (the issue asks for them): STAFF_SCREENSHOTS=/some/folder.
SHOTS = os.environ.get("STAFF_SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture(autouse=True)
def _patient_expectations(page):
    page.set_default_timeout(JOURNEY_TIMEOUT)
    expect.set_options(timeout=JOURNEY_TIMEOUT)
    yield
    expect.set_options(timeout=5_000)


def _no_sideways_pan(page):
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page pans sideways: {widths}"


def test_mentor_goes_from_an_at_risk_count_to_the_person_and_reminds_them(
    page, live_server, demo, log_in
):
    from participants.models import HelpRequest, HelpState

    waiting = HelpRequest.objects.get(state=HelpState.OPEN, topic__startswith="CUDA")
    name = waiting.requester.display_name
    log_in("mentor@demo.test")
    open_from_nav(page, "Overview")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cohort overview")
    _shot(page, "overview-mentor")

    page.get_by_role("link", name="1 an open help request older than a day: show them").click()
    rows = page.locator("table.work-list tbody tr")
    expect(rows).to_have_count(1)
    expect(page.get_by_role("heading", name="Everyone (1 of 42)")).to_be_visible()

    rows.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("heading", name="Help requests")).to_be_visible()
    _shot(page, "person-page")

    page.get_by_role("button", name=f"Remind {name}").click()
    expect(page.get_by_text(f"Reminded 1: {name}.")).to_be_visible()
    expect(page.get_by_text("Reminded today (e-mail, by")).to_be_visible()
    expect(page.get_by_role("button", name=f"Remind {name}")).to_have_count(0)

    page.go_back()
    page.go_back()
    page.reload()
    row = page.locator("table.work-list tbody tr", has_text=name)
    expect(row.get_by_text("reminded today")).to_be_visible()
    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="Remind the selected").click()
    expect(page.get_by_text(f"Already reminded today, not sent again: {name}.")).to_be_visible()


def test_ta_claims_resolves_undoes_and_reopens(page, live_server, demo, log_in):
    log_in("ta1@demo.test")
    open_from_nav(page, "TA dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("TA dashboard")
    topic = "Which layer should I look at for my probe?"
    card = page.locator("article.request", has_text=topic)

    card.get_by_role("button", name=f"Claim {topic}").click()
    expect(page.get_by_text(f"You claimed “{topic}”.")).to_be_visible()
    mine = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("Claimed by me"))
    )
    expect(mine.locator("article.request", has_text=topic)).to_be_visible()

    card.locator("summary", has_text="Reply").click()
    card.get_by_label(re.compile("Reply to")).fill("Start with the residual stream at layer 6.")
    card.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Comment added.")).to_be_visible()

    card.get_by_role("button", name=f"Resolve {topic}").click()
    expect(
        page.get_by_text(f"“{topic}” is resolved. You can undo it for a minute.")
    ).to_be_visible()
    _shot(page, "ta-just-resolved")
    page.get_by_role("button", name=f"Undo resolving {topic}").click()
    expect(page.get_by_text(f"Undone: “{topic}” is claimed by you again.")).to_be_visible()

    card.get_by_role("button", name=f"Resolve {topic}").click()
    history = page.locator("details", has=page.get_by_role("heading", name=re.compile("Resolved")))
    history.locator("summary").click()
    old = history.locator("article.request", has_text="Feedback on my mini-project plan")
    old.get_by_role("button", name="Reopen Feedback on my mini-project plan").click()
    expect(
        page.get_by_text("“Feedback on my mini-project plan” is open again and claimed by you.")
    ).to_be_visible()
    expect(
        mine.locator("article.request", has_text="Feedback on my mini-project plan")
    ).to_be_visible()
    _shot(page, "ta-dashboard")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _no_sideways_pan(page)


def test_operations_approve_a_claim_on_a_390px_screen(page, live_server, demo, log_in):
    from compute.models import Claim, ClaimState

    claim = Claim.objects.filter(state=ClaimState.SUBMITTED).order_by("pk").first()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in("ops@demo.test")
    page.goto(f"{live_server.url}/c/demo/compute/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Compute claims")
    _no_sideways_pan(page)
    row = page.locator(f"#claim-row-{claim.pk}")
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    _shot(page, "review-390")

    row.get_by_role("button", name=f"Approve {claim.amount_usd} for claim #{claim.pk}").click()
    expect(page.get_by_text(f"Claim #{claim.pk} approved.")).to_be_visible()
    _no_sideways_pan(page)
    claim.refresh_from_db()
    assert claim.state == ClaimState.APPROVED

    receipt = claim.receipts.order_by("pk").first()
    page.locator(f"#claim-row-{claim.pk}").get_by_title(f"View {receipt.original_name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"claim #{claim.pk}")
    _no_sideways_pan(page)
    _shot(page, "receipt-viewer-390")

    # A PDF receipt opens in a tab of its own, in the browser's viewer, under the sandbox CSP.
    from compute.models import Receipt, ReceiptKind

    pdf = Receipt.objects.filter(kind=ReceiptKind.PDF, claim__cohort__slug="demo").first()
    page.goto(f"{live_server.url}/c/demo/compute/receipts/{pdf.pk}/view/")
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Open the PDF in the browser's viewer").click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == f"{live_server.url}/c/demo/compute/receipts/{pdf.pk}/inline/"
    _shot(tab, "receipt-pdf-tab")
