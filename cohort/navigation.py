"""The cohort navigation bar. Each app registers its entries with the capability they need, so
the bar shows a person only what their role may open (the same table the views check)."""

from dataclasses import dataclass

from django.urls import reverse

from cohort.models import Membership


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str = "view_cohort"
    order: int = 100


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
        active = current_path == url if home else current_path.startswith(url)
        entries.append({"label": item.label, "url": url, "active": active})
    return entries
