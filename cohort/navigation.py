"""The cohort navigation bar. Each app registers its entries with the capability they need, so
the bar shows a person only what their role may open (the same table the views check)."""

from dataclasses import dataclass

from django.urls import reverse

from cohort.models import Membership

# The bar's groups, in order: what the whole cohort shares, the research sprint, one's own
# pages, and the staff's work pages.
GROUPS = {
    "program": "The program",
    "sprint": "The sprint",
    "me": "Me",
    "staff": "Staff",
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str = "view_cohort"
    order: int = 100
    group: str = "program"
    # Other pages that count as this entry: URL names, or paths under the cohort's root
    # ("compute/claims/") for pages that take more than the slug.
    covers: tuple[str, ...] = ()


_items: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _items:
            _items.append(item)


def nav_for(membership: Membership | None, current_path: str = "") -> list[dict]:
    if membership is None:
        return []
    entries = []
    for item in sorted(_items, key=lambda i: i.order):
        if not membership.can(item.capability):
            continue
        url = reverse(item.url_name, kwargs={"slug": membership.cohort.slug})
        home = url == reverse("cohort:home", kwargs={"slug": membership.cohort.slug})
        root = reverse("cohort:home", kwargs={"slug": membership.cohort.slug})
        covered = [
            root + name if "/" in name else reverse(name, kwargs={"slug": membership.cohort.slug})
            for name in item.covers
        ]
        active = (current_path == url if home else current_path.startswith(url)) or any(
            current_path.startswith(other) for other in covered
        )
        entries.append({"label": item.label, "url": url, "active": active, "group": item.group})
    return entries


def nav_groups(entries: list[dict]) -> list[dict]:
    """The entries of `nav_for`, grouped in GROUPS' order; empty groups are left out."""
    groups = []
    for key, label in GROUPS.items():
        items = [e for e in entries if e["group"] == key]
        if items:
            active = any(e["active"] for e in items)
            groups.append({"key": key, "label": label, "items": items, "active": active})
    return groups
