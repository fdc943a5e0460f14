"""What an uploaded material file really is, decided by its content, not by its name or by the
content type the browser sent.

Allowed: PDF, PNG, JPEG, ODT/ODP (OpenDocument: a zip whose first member ``mimetype`` names the
type) and DOCX/PPTX (Office Open XML: a zip with ``[Content_Types].xml`` and ``word/`` or
``ppt/``). The extension must agree with the content: an HTML page named ``.pdf`` is refused.
The largest size is the setting ``MATERIAL_MAX_UPLOAD_BYTES`` (10 MB by default).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str


PDF = FileType("pdf", "application/pdf", "PDF")
PNG = FileType("png", "image/png", "PNG")
JPEG = FileType("jpg", "image/jpeg", "JPEG")
ODT = FileType("odt", "application/vnd.oasis.opendocument.text", "ODT")
ODP = FileType("odp", "application/vnd.oasis.opendocument.presentation", "ODP")
DOCX = FileType(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"
)
PPTX = FileType(
    "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX"
)
ALLOWED = (PDF, PNG, JPEG, ODT, ODP, DOCX, PPTX)
# Extensions people use for each type.
EXTENSIONS = {
    "pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG,
    "odt": ODT, "odp": ODP, "docx": DOCX, "pptx": PPTX,
}
ACCEPT = ",".join(f".{ext}" for ext in EXTENSIONS)


def max_upload_bytes() -> int:
    return int(getattr(settings, "MATERIAL_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def _sniff_zip(handle: IO[bytes]) -> FileType | None:
    try:
        with zipfile.ZipFile(handle) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                return {ODT.content_type: ODT, ODP.content_type: ODP}.get(declared)
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return DOCX
                if any(name.startswith("ppt/") for name in names):
                    return PPTX
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return None
    return None


def sniff(handle: IO[bytes]) -> FileType | None:
    """The allowed type the content is, or ``None``. Leaves the handle at the start."""
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    found: FileType | None = None
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith(b"PK\x03\x04"):
        found = _sniff_zip(handle)
    handle.seek(0)
    return found


def allowed_labels() -> str:
    return ", ".join(t.label for t in ALLOWED)


def validate_material_file(upload) -> FileType:
    """The type of ``upload`` (a Django ``UploadedFile``), or a ``ValidationError`` saying
    why it is refused: too large, an unknown extension, or content that is not what the
    extension claims."""
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; at most %(limit)s are allowed."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = EXTENSIONS.get(extension)
    if claimed is None:
        raise ValidationError(
            _("Files of this type cannot be uploaded. Allowed: %(types)s."),
            code="type",
            params={"types": allowed_labels()},
        )
    found = sniff(upload)
    if found != claimed:
        raise ValidationError(
            _("The file's content is not a %(type)s file, although its name says so."),
            code="content",
            params={"type": claimed.label},
        )
    return found
