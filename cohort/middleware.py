import zoneinfo

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject

from cohort import visitors


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with the visitor's user row kept between requests (`visitors.session_user`)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))


def _user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = visitors.session_user(request)
    return request._cached_user


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


class PrivatePagesMiddleware:
    """Every page the portal renders is personal or may be: never stored by a browser or proxy.

    Static files (served by whitenoise before this runs) keep their long cache, and so does a
    response that marks itself private and immutable (a photo under a versioned address, sent
    only after its permission check). Also sends the Permissions-Policy: the portal uses no
    camera, microphone, location or payment.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        cache_control = response.get("Cache-Control", "")
        if not ("private" in cache_control and "immutable" in cache_control):
            patch_cache_control(response, private=True, no_store=True)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
