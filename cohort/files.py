"""Where the portal keeps files on this machine when no bucket is configured."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files only permission-checked views may read (receipts): under PRIVATE_MEDIA_ROOT, outside
    MEDIA_ROOT, readable by the portal's user alone, and without a URL of their own."""

    def __init__(self, location=None, **kwargs):
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(location=location, base_url=None, **kwargs)

    # Read at every use, so that a changed PRIVATE_MEDIA_ROOT (tests) takes effect.
    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view.")
