"""Receipt files: what is accepted (checked by content, never by name or browser-sent type),
and where accepted files are kept: the "private" storage (PRIVATE_MEDIA_ROOT, or the bucket's
private prefix), with generated names."""

import hashlib
import io
import re
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from PIL import Image, UnidentifiedImageError

from compute.models import ReceiptKind

MAX_RECEIPT_BYTES = 10 * 1024 * 1024

CONTENT_TYPES = {
    ReceiptKind.PDF: "application/pdf",
    ReceiptKind.JPEG: "image/jpeg",
    ReceiptKind.PNG: "image/png",
    ReceiptKind.WEBP: "image/webp",
}
EXTENSIONS = {
    ReceiptKind.PDF: "pdf",
    ReceiptKind.JPEG: "jpg",
    ReceiptKind.PNG: "png",
    ReceiptKind.WEBP: "webp",
}
PILLOW_FORMATS = {ReceiptKind.JPEG: "JPEG", ReceiptKind.PNG: "PNG", ReceiptKind.WEBP: "WEBP"}
PDF_HEADER = re.compile(rb"^%PDF-[12]\.\d")
REFUSED = "Receipts must be PDF, JPEG, PNG or WebP files."


@dataclass(frozen=True)
class CheckedReceipt:
    data: bytes
    kind: str
    sha256: str
    original_name: str

    @property
    def size(self) -> int:
        return len(self.data)


def sniff(data: bytes) -> str | None:
    """The receipt kind its first bytes announce, or None."""
    if data.startswith(b"%PDF-"):
        return ReceiptKind.PDF
    if data.startswith(b"\xff\xd8\xff"):
        return ReceiptKind.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ReceiptKind.PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ReceiptKind.WEBP
    return None


def _check_pdf(data: bytes) -> None:
    tail = data[-2048:]
    if not PDF_HEADER.match(data) or b"%%EOF" not in tail or b"startxref" not in tail:
        raise ValidationError("This file starts like a PDF but is not a complete PDF.")


def _check_image(data: bytes, kind: str) -> None:
    try:
        with warnings.catch_warnings():
            # An image that would decompress to a huge bitmap is refused, not just warned about.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                actual_format = image.format
                image.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ValidationError("This image file is damaged or not really an image.") from exc
    if actual_format != PILLOW_FORMATS[kind]:
        raise ValidationError(REFUSED)


def check_receipt(upload) -> CheckedReceipt:
    """Read an uploaded file and accept it only if its content is a receipt we take."""
    if upload.size is not None and upload.size > MAX_RECEIPT_BYTES:
        raise ValidationError("Each receipt may be at most 10 MB.")
    upload.seek(0)
    data = upload.read(MAX_RECEIPT_BYTES + 1)
    if len(data) > MAX_RECEIPT_BYTES:
        raise ValidationError("Each receipt may be at most 10 MB.")
    if not data:
        raise ValidationError("This file is empty.")
    kind = sniff(data)
    if kind is None:
        raise ValidationError(REFUSED)
    if kind == ReceiptKind.PDF:
        _check_pdf(data)
    else:
        _check_image(data, kind)
    name = Path(upload.name or "receipt").name[:200]
    return CheckedReceipt(
        data=data, kind=kind, sha256=hashlib.sha256(data).hexdigest(), original_name=name
    )


def private_storage() -> Storage:
    return storages["private"]


def new_stored_name(kind: str) -> str:
    return f"receipts/{uuid.uuid4().hex}.{EXTENSIONS[kind]}"


def path_of(stored_name: str) -> Path:
    """The file's path on this machine (only when the private storage is a folder)."""
    return Path(private_storage().path(stored_name))


def open_file(stored_name: str):
    """The stored file, opened for reading; FileNotFoundError when it is missing."""
    return private_storage().open(stored_name, "rb")


def write_file(stored_name: str, data: bytes) -> str:
    saved = private_storage().save(stored_name, ContentFile(data))
    if saved != stored_name:
        # Never expected with uuid names; the row must point at the file that was written.
        private_storage().delete(saved)
        raise FileExistsError(f"A receipt file named {stored_name} exists already.")
    return saved


def remove_file(stored_name: str) -> None:
    private_storage().delete(stored_name)
