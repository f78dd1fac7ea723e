"""Gallery-size copies of profile photos: made once per photo (at upload, or on the first request
for one that has none yet, e.g. a photo set in the admin or by an older version), stored beside
the photo under a random name, and served under a URL that changes with them."""

import io
import secrets
import warnings
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps

from cohort import fragments
from participants.models import Profile

# The gallery shows 240 CSS pixels (480 on a 2x screen); the slideshow shows the same copy larger.
BOX = (640, 640)
FOLDER = "photos/thumbs"


def render(source) -> ContentFile:
    """A WebP copy of an image file, upright (EXIF orientation applied), within BOX."""
    source.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(source)
        image = ImageOps.exif_transpose(image)
    image.thumbnail(BOX, Image.Resampling.LANCZOS)
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    out = io.BytesIO()
    image.save(out, "WEBP", quality=82, method=4)
    return ContentFile(out.getvalue(), name=f"{secrets.token_urlsafe(12)}.webp")


def version_of(name: str) -> str:
    """The part of a thumbnail's URL that changes whenever the thumbnail does: its random stem."""
    return PurePosixPath(name).stem


def version(profile) -> str:
    return version_of(profile.thumbnail.name)


def attach(profile, *, source) -> None:
    """Make the thumbnail of the profile's new photo from its file (`source`, already read) and
    set it on the unsaved profile; writes the thumbnail's file."""
    copy = render(source)
    profile.thumbnail.save(copy.name, copy, save=False)
    profile.thumbnail_of = profile.photo.name


def ensure(profile) -> bool:
    """Give a profile whose photo has no current thumbnail one: writes a file, updates the row
    (only if the photo and thumbnail are still the ones read) and bumps the gallery's topic.
    False when the photo cannot be read as an image."""
    if profile.has_current_thumbnail:
        return True
    photo_name, old = profile.photo.name, profile.thumbnail.name
    try:
        with profile.photo.open("rb") as source:
            copy = render(source)
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return False
    storage = profile.thumbnail.storage
    name = storage.save(f"{FOLDER}/{copy.name}", copy)
    with transaction.atomic():
        won = Profile.objects.filter(pk=profile.pk, photo=photo_name, thumbnail=old).update(
            thumbnail=name, thumbnail_of=photo_name
        )
        cohort_id = profile.membership.cohort_id
        if won:
            fragments.bump(cohort_id, "people")
            if old:
                transaction.on_commit(lambda: storage.delete(old))
    if not won:  # another request made one first, or the photo changed meanwhile
        storage.delete(name)
        profile.refresh_from_db(fields=["photo", "thumbnail", "thumbnail_of"])
        return profile.has_current_thumbnail
    profile.thumbnail.name, profile.thumbnail_of = name, photo_name
    return True
