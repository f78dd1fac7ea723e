from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from cohort.navigation import nav_for, nav_groups
from cohort.permissions import cohort_count
from cohort.standing import standings_of, stepped_back


def portal(request):
    """The site name, and the cohort, membership and navigation of a cohort page."""
    membership = getattr(request, "membership", None)
    nav_items = nav_for(membership, request.path)
    return {
        "SITE_NAME": settings.SITE_NAME,
        # The timezone pages show times in: part of the key of any cached fragment with times.
        "viewer_zone": timezone.get_current_timezone_name(),
        "GOOGLE_LOGIN_ENABLED": settings.GOOGLE_LOGIN_ENABLED,
        "cohort": getattr(request, "cohort", None),
        "membership": membership,
        "nav_items": nav_items,
        "nav_groups": nav_groups(nav_items),
        "nav_current": next((i for i in nav_items if i["active"]), None),
        "standings": standings_of(membership),
        "stepped_back": stepped_back(membership),
        # Read only by base.html's account menu; lazy, so pages without it count nothing.
        "cohort_count": SimpleLazyObject(lambda: cohort_count(request)),
    }
