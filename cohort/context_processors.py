from django.conf import settings
from django.utils.functional import SimpleLazyObject

from cohort.navigation import nav_for
from cohort.permissions import cohort_count


def portal(request):
    """The site name, and the cohort, membership and navigation of a cohort page."""
    membership = getattr(request, "membership", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "GOOGLE_LOGIN_ENABLED": settings.GOOGLE_LOGIN_ENABLED,
        "cohort": getattr(request, "cohort", None),
        "membership": membership,
        "nav_items": nav_for(membership, request.path),
        # Read only by base.html's account menu; lazy, so pages without it count nothing.
        "cohort_count": SimpleLazyObject(lambda: cohort_count(request)),
    }
