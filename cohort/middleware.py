import zoneinfo

from django.middleware.gzip import GZipMiddleware
from django.utils import timezone


class ViewerTimezoneMiddleware:
    """Show times in the viewer's own timezone; cohort pages put the cohort's beside them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.timezone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except zoneinfo.ZoneInfoNotFoundError:
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


# Text compresses to a fifth or less; photos, PDFs and receipts are compressed already, and
# gzipping them on the fly would cost CPU and drop their Content-Length.
COMPRESSIBLE_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (BREACH-padded), for text responses only."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)
