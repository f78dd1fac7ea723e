"""Moving through the grouped navigation bar as a person on a wide screen does."""

import re

NAV_GROUPS = {
    "Home": "The program",
    "Announcements": "The program",
    "People": "The program",
    "Schedule": "The program",
    "Resources": "The program",
    "FAQ": "The program",
    "Partners": "The sprint",
    "Ideas": "The sprint",
    "Pairing": "The sprint",
    "Mini-projects": "The sprint",
    "My sprint": "The sprint",
    "My slide": "Me",
    "My forms": "Me",
    "Compute": "Me",
    "Ask for help": "Me",
    "Notifications": "Me",
    "Overview": "Staff",
    "Partner suggestions": "Staff",
    "TA dashboard": "Staff",
    "Claims": "Staff",
}


def open_from_nav(page, label):
    """Go to a page as a person does on a wide screen: open its group, then click it."""
    nav = page.get_by_role("navigation", name="Cohort")
    nav.get_by_role("button", name=re.compile(f"^{re.escape(NAV_GROUPS[label])}")).click()
    nav.get_by_role("link", name=label, exact=True).click()
