from django.conf import settings

from cohort.navigation import nav_for, nav_groups
from cohort.standing import standings_of, stepped_back


def portal(request):
    """The site name, and the cohort, membership and navigation of a cohort page."""
    membership = getattr(request, "membership", None)
    nav_items = nav_for(membership, request.path)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "GOOGLE_LOGIN_ENABLED": settings.GOOGLE_LOGIN_ENABLED,
        "cohort": getattr(request, "cohort", None),
        "membership": membership,
        "nav_items": nav_items,
        "nav_groups": nav_groups(nav_items),
        "nav_current": next((i for i in nav_items if i["active"]), None),
        "standings": standings_of(membership),
        "stepped_back": stepped_back(membership),
    }
