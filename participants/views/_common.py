from datetime import timedelta

from django.urls import reverse

STALE_AFTER = timedelta(days=1)


def _url(request, name, **kwargs):
    return reverse(f"participants:{name}", kwargs={"slug": request.cohort.slug, **kwargs})
