"""Profile photos: checked by their content, never by their name, and re-encoded so that no
metadata (location, camera, comments) and no trailing payload survives."""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4000
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
REFUSED = "Please upload a JPEG, PNG or WebP photo."


def clean_photo(upload) -> ContentFile:
    """A re-encoded copy of an uploaded photo under a generated name, or ValidationError."""
    if upload.size > MAX_BYTES:
        raise ValidationError("That photo is larger than 5 MB. Please upload a smaller one.")
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            kind = probe.format
            width, height = probe.size
            if kind not in ALLOWED_FORMATS:
                raise ValidationError(REFUSED)
            if width > MAX_SIDE or height > MAX_SIDE:
                raise ValidationError(
                    f"That photo is {width} x {height} pixels; the most we take is "
                    f"{MAX_SIDE} x {MAX_SIDE}."
                )
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError("That photo has too many pixels.") from exc
    except Exception as exc:  # Pillow raises many kinds of errors for broken files
        raise ValidationError(f"{REFUSED} This file could not be read as one.") from exc
    if _has_trailing_data(kind, data):
        raise ValidationError(f"{REFUSED} This file has other content appended to the image.")
    return ContentFile(_reencode(image, kind), name=f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[kind]}")


def _has_trailing_data(kind: str, data: bytes) -> bool:
    """Bytes after the image's own end marker: the shape of a polyglot file."""
    if kind == "PNG":
        end = data.rfind(b"IEND")
        return end == -1 or len(data.rstrip(b"\x00")) > end + 8
    if kind == "JPEG":
        end = data.rfind(b"\xff\xd9")
        return end == -1 or len(data[end + 2 :].strip(b"\x00\r\n ")) > 0
    return False


def _reencode(image: Image.Image, kind: str) -> bytes:
    image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif kind == "PNG":
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"
        image.convert(mode).save(out, "PNG", optimize=True)
    else:
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"
        image.convert(mode).save(out, "WEBP", quality=88)
    return out.getvalue()


def placeholder_avatar(*, initials: str, seed: int, size: int = 480) -> ContentFile:
    """A generated avatar: initials on a coloured background, for demo slides."""
    from PIL import ImageDraw, ImageFont

    palette = [
        ((47, 91, 211), (231, 237, 252)),
        ((30, 122, 76), (232, 246, 238)),
        ((154, 91, 0), (253, 246, 232)),
        ((123, 63, 160), (243, 234, 250)),
        ((179, 38, 30), (253, 238, 237)),
        ((20, 110, 130), (228, 244, 247)),
    ]
    ink, paper = palette[seed % len(palette)]
    image = Image.new("RGB", (size, size), paper)
    draw = ImageDraw.Draw(image)
    draw.ellipse((size * 0.08, size * 0.08, size * 0.92, size * 0.92), fill=ink)
    try:
        font = ImageFont.load_default(size=int(size * 0.34))
    except TypeError:
        font = ImageFont.load_default()
    draw.text((size / 2, size / 2), initials, fill=paper, font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.png")
