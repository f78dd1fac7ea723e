"""Every page of every role on a 390 px phone: nothing wider than the screen, and the menu
button names the current page. The pages come from the permission matrix (each one a role may
open), so a new page is checked here as soon as it is added there."""

import pytest
from django.urls import reverse

from tests.test_permission_matrix import MATRIX, VISITORS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LOGINS = {
    "participant": "p01@demo.test",
    "ta": "ta1@demo.test",
    "mentor": "mentor@demo.test",
    "operations": "ops@demo.test",
}
# Not pages: files, feeds, exports and JSON (checked by their own tests).
NOT_PAGES = {
    "cohort:my_data",
    "cohort:overview_csv",
    "participants:photo",
    "participants:thumbnail",
    "compute:receipt",
    "compute:receipt_inline",
    "compute:review_export",
    "events:feed",
    "healthz",
}


def _kwargs(name, role):
    from cohort.models import Announcement, Cohort, Membership
    from compute.models import Claim, Receipt, TopUpRequest
    from events.models import Event

    cohort = Cohort.objects.get(slug="demo")
    slug = {"slug": cohort.slug}
    participant = {"owner__email": LOGINS["participant"]} if role == "participant" else {}
    objects = {
        "cohort:announcement": lambda: Announcement.objects.filter(cohort=cohort).first(),
        "events:event": lambda: Event.objects.filter(cohort=cohort).first(),
        "events:run_sheet": lambda: Event.objects.filter(cohort=cohort, kind="lightning").first(),
        "events:attendance_register": lambda: Event.objects.filter(cohort=cohort).first(),
        "compute:claim": lambda: Claim.objects.filter(cohort=cohort, **participant).first(),
        "compute:claim_edit": lambda: Claim.objects.filter(
            cohort=cohort, state="draft", **participant
        ).first(),
        "compute:top_up": lambda: TopUpRequest.objects.filter(cohort=cohort, **participant).first(),
    }
    if name == "cohort:person":
        seat = Membership.objects.filter(cohort=cohort, role="participant").first()
        return None if seat is None else {**slug, "user_id": seat.user_id}
    if name == "compute:receipt_viewer":
        found = Receipt.objects.filter(claim__cohort=cohort).first()
        return None if found is None else {**slug, "pk": found.pk}
    if name in objects:
        found = objects[name]()
        return None if found is None else {**slug, "pk": found.pk}
    if name == "cohort:person":
        member = Membership.objects.filter(cohort=cohort, role="participant").first()
        return {**slug, "user_id": member.user_id}
    if name == "compute:receipt_viewer":
        receipt = Receipt.objects.filter(
            claim__cohort=cohort, **{f"claim__{k}": v for k, v in participant.items()}
        ).first()
        return None if receipt is None else {**slug, "pk": receipt.pk}
    return slug


def _pages(role):
    column = VISITORS.index(role)
    for name, statuses in sorted(MATRIX.items()):
        if statuses[column] != 200 or name in NOT_PAGES or name.startswith("admin:"):
            continue
        if name in ("cohort:landing", "cohort:accept_invitation"):
            continue
        yield name


@pytest.mark.parametrize("role", list(LOGINS))
def test_every_page_fits_a_phone_and_names_the_current_page(page, live_server, demo, log_in, role):
    page.set_viewport_size(PHONE)
    log_in(LOGINS[role])
    problems, checked = [], 0
    for name in _pages(role):
        kwargs = _kwargs(name, role)
        if kwargs is None:
            continue
        url = live_server.url + reverse(name, kwargs=kwargs)
        response = page.goto(url)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        checked += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{name}: {width} px wide")
        current = page.locator(".nav-toggle .nav-current")
        if current.count() != 1 or not current.is_visible():
            problems.append(f"{name}: the menu does not name the current page")
            continue
        box = current.bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]:
            problems.append(f"{name}: the current page's name is off-screen")
    print(f"\n[phone layout] {role}: {checked} pages at 390 px")
    assert problems == []
    assert checked >= 10
