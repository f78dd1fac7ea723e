"""The cohort navigation bar. Each app registers its entries with the capability they need, so
the bar shows a person only what their role may open (the same table the views check)."""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, reverse

from cohort.models import Membership
from cohort.roles import role_can

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
    _entries_of.cache_clear()


@lru_cache(maxsize=256)
def _entries_of(role: str, slug: str, prefix: str) -> tuple[tuple[NavItem, str, bool, tuple], ...]:
    """A role's bar in a cohort: each item with its URL, whether it is the home entry and the
    paths it covers. The same for every page and person of that role, so built once a process
    (`prefix`, the script prefix, keeps it right if the portal is mounted elsewhere)."""

    def url_of(name: str) -> str:
        return reverse(name, kwargs={"slug": slug})

    root = url_of("cohort:home")
    entries = []
    for item in sorted(_items, key=lambda i: i.order):
        if not role_can(role, item.capability):
            continue
        url = url_of(item.url_name)
        covered = tuple(root + name if "/" in name else url_of(name) for name in item.covers)
        entries.append((item, url, url == root, covered))
    return tuple(entries)


def nav_for(membership: Membership | None, current_path: str = "") -> list[dict]:
    if membership is None:
        return []
    entries = []
    for item, url, home, covered in _entries_of(
        membership.role, membership.cohort.slug, get_script_prefix()
    ):
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
