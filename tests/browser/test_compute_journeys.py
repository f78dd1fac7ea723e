import pytest
from playwright.sync_api import expect

from compute.samples import make_pdf
from tests.browser.navigation import open_from_nav

pytestmark = pytest.mark.browser

# The machine running the suite may be busy; a slow page is not a failed journey.
JOURNEY_TIMEOUT = 15_000


def _figure(page, name):
    return page.locator(f'[data-figure="{name}"]').first


@pytest.fixture(autouse=True)
def _patient_expectations(page):
    page.set_default_timeout(JOURNEY_TIMEOUT)
    expect.set_options(timeout=JOURNEY_TIMEOUT)
    yield
    expect.set_options(timeout=5_000)


def test_claim_from_receipt_to_payment(page, live_server, demo, log_in):
    # A participant with no claims yet files one with a PDF receipt.
    log_in("p12@demo.test")
    open_from_nav(page, "Compute")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your compute budget")
    expect(_figure(page, "remaining")).to_have_text("500.00 USD")

    page.get_by_role("link", name="New claim").click()
    page.get_by_label("Date of purchase").fill("2026-02-05")
    page.get_by_label("Vendor").fill("Lambda")
    page.get_by_label("Category").select_option(label="GPU rental")
    page.get_by_label("Description").fill("Eight hours on an H100 for the superposition sweep.")
    page.get_by_label("Amount paid").fill("96.00")
    page.get_by_label("Currency").select_option("GBP")
    page.get_by_label("The same amount in USD").fill("120.00")
    page.get_by_label("Receipts").set_input_files(
        {
            "name": "lambda-invoice.pdf",
            "mimeType": "application/pdf",
            "buffer": make_pdf(["Lambda", "Total 96.00 GBP"]),
        }
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Claim saved as a draft.")).to_be_visible()
    expect(page.get_by_role("link", name="Download lambda-invoice.pdf")).to_be_visible()

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Claim submitted for review.")).to_be_visible()
    expect(_figure(page, "pending")).to_have_text("120.00 USD")
    expect(_figure(page, "remaining")).to_have_text("500.00 USD")
    claim_url = page.url
    claim_id = claim_url.rstrip("/").rsplit("/", 1)[-1]

    # Operations approve a lower amount, then mark it paid.
    page.context.clear_cookies()
    log_in("ops@demo.test")
    open_from_nav(page, "Claims")
    expect(page.get_by_role("heading", level=1)).to_have_text("Compute claims")
    page.get_by_role("link", name=f"#{claim_id} Lambda", exact=True).click()
    expect(page).to_have_url(claim_url)
    page.get_by_label("Approved amount (USD)").fill("100.00")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text(f"Claim #{claim_id} approved.")).to_be_visible()
    expect(_figure(page, "claim-approved")).to_contain_text("100.00 USD")
    page.get_by_role("button", name="Mark paid").click()
    expect(page.get_by_text("Marked 1 claim paid.")).to_be_visible()

    # The participant sees the new figures and the claim's history.
    page.context.clear_cookies()
    log_in("p12@demo.test")
    expect(page.get_by_role("link", name="Your claim for Lambda was approved")).to_be_visible()
    open_from_nav(page, "Compute")
    expect(_figure(page, "approved")).to_have_text("100.00 USD")
    expect(_figure(page, "pending")).to_have_text("0.00 USD")
    expect(_figure(page, "remaining")).to_have_text("400.00 USD")
    expect(page.get_by_text("Paid", exact=True)).to_be_visible()
    page.goto(claim_url)
    history = page.locator(".audit > li")
    expect(history).to_have_count(4)
    expect(history.nth(0)).to_contain_text("Created by")
    expect(history.nth(1)).to_contain_text("Submitted by")
    expect(history.nth(2)).to_contain_text("Approved by Priya Castellano")
    expect(history.nth(2)).to_contain_text("120.00 → 100.00")
    expect(history.nth(3)).to_contain_text("Paid by Priya Castellano")


def test_participant_near_the_budget_sees_the_top_up_suggestion(page, live_server, demo, log_in):
    log_in("p05@demo.test")
    open_from_nav(page, "Compute")

    expect(_figure(page, "remaining")).to_have_text("45.00 USD")
    expect(page.get_by_role("link", name="Ask for a top-up")).to_be_visible()


def test_phone_width_budget_page_does_not_overflow(page, live_server, demo, log_in):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in("p05@demo.test")
    page.goto(f"{live_server.url}/c/demo/compute/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your compute budget")
    assert page.evaluate("document.documentElement.scrollWidth") == 390
