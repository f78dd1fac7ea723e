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
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from compute.models import ReceiptKind

MAX_RECEIPT_BYTES = 10 * 1024 * 1024
MAX_RECEIPTS_PER_CLAIM = 10
MAX_CLAIM_BYTES = 25 * 1024 * 1024

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


MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo passes; a 9000 x 9000 bitmap does not
MAX_PDF_OBJECTS = 20_000
# What a receipt never needs and a hostile PDF uses: scripts, launching programs, attachments.
PDF_REFUSED_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/EmbeddedFiles": "embedded files",
    "/EmbeddedFile": "embedded files",
    "/RichMedia": "embedded media",
    "/XFA": "an XFA form",
}
PDF_REFUSED_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "an action that launches a program",
    "/ImportData": "an action that imports data",
    "/SubmitForm": "an action that submits a form",
}
# The end of each image format: nothing may follow it (a script appended to a photo, say).
IMAGE_ENDS = {ReceiptKind.JPEG: b"\xff\xd9", ReceiptKind.PNG: b"IEND\xaeB`\x82"}


def _check_pdf(data: bytes) -> None:
    if not PDF_HEADER.match(data):
        raise ValidationError("This file starts like a PDF but is not a complete PDF.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=True)
            if len(reader.pages) == 0:
                raise ValidationError("This PDF has no pages.")
            problem = _pdf_problem(reader.trailer)
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError("This file is not a readable PDF (it does not parse).") from exc
    if problem:
        raise ValidationError(f"This PDF contains {problem}, which a receipt never needs.")


def _pdf_problem(trailer) -> str | None:
    """Walk every object reachable from the trailer; the first refused feature, or None."""
    seen, todo, visited = set(), [trailer], 0
    while todo:
        node = todo.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            return "more objects than a receipt has"
        if isinstance(node, DictionaryObject):
            for name, why in PDF_REFUSED_KEYS.items():
                if name in node:
                    return why
            action = node.get("/S")
            if action in PDF_REFUSED_ACTIONS:
                return PDF_REFUSED_ACTIONS[action]
            todo.extend(node.values())
        elif isinstance(node, ArrayObject):
            todo.extend(node)
    return None


def _check_image(data: bytes, kind: str) -> None:
    try:
        with warnings.catch_warnings():
            # An image that would decompress to a huge bitmap is refused, not just warned about.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                actual_format = image.format
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError(
                        f"This image is {image.width} x {image.height} pixels; at most "
                        f"{MAX_PIXELS // 1_000_000} megapixels, please."
                    )
                image.load()  # the whole image is decoded: a truncated file fails here
    except ValidationError:
        raise
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
    end = IMAGE_ENDS.get(kind)
    trailing = (end is not None and not data.endswith(end)) or (
        kind == ReceiptKind.WEBP and int.from_bytes(data[4:8], "little") + 8 != len(data)
    )
    if trailing:
        raise ValidationError("This image has other data after the picture; it is refused.")


def preview_image(data: bytes, kind: str) -> bytes:
    """The picture decoded and encoded afresh, for showing inline: none of the file's own bytes."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        out = io.BytesIO()
        if kind == ReceiptKind.JPEG:
            image.convert("RGB").save(out, "JPEG", quality=90)
        else:
            image.save(out, PILLOW_FORMATS[kind])
    return out.getvalue()


def read_upload(upload, limit: int) -> bytes:
    """At most limit + 1 bytes of the upload, read in chunks (never the whole file at once)."""
    upload.seek(0)
    parts, size = [], 0
    for chunk in upload.chunks(chunk_size=256 * 1024):
        parts.append(chunk[: limit + 1 - size])
        size += len(parts[-1])
        if size > limit:
            break
    return b"".join(parts)


def check_receipt(upload) -> CheckedReceipt:
    """Read an uploaded file and accept it only if its content is a receipt we take."""
    if upload.size is not None and upload.size > MAX_RECEIPT_BYTES:
        raise ValidationError("Each receipt may be at most 10 MB.")
    data = read_upload(upload, MAX_RECEIPT_BYTES)
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
