"""Image uploads: the bytes decide the type (magic numbers), never the file name."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask_babel import lazy_gettext as _l

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_MB = MAX_IMAGE_BYTES // (1024 * 1024)

# (signature test, content type, file extension); SVG is left out on purpose: it can carry script.
_SIGNATURES = (
    (lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"), "image/png", "png"),
    (lambda b: b.startswith(b"\xff\xd8\xff"), "image/jpeg", "jpg"),
    (lambda b: b[:6] in (b"GIF87a", b"GIF89a"), "image/gif", "gif"),
    (lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP", "image/webp", "webp"),
)
CONTENT_TYPES = {ext: ctype for _test, ctype, ext in _SIGNATURES}


class UploadError(ValueError):
    """An upload we refuse; the message names the reason (type or the size limit)."""


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the first bytes, or None if not an image we accept."""
    for test, ctype, ext in _SIGNATURES:
        if test(data[:16]):
            return ctype, ext
    return None


def read_limited(stream, limit: int) -> bytes:
    """Read at most limit + 1 bytes, so an oversized upload is detected without reading it all."""
    return stream.read(limit + 1)


def check_image(data: bytes) -> str:
    """Return the extension for an acceptable image, else raise UploadError."""
    if not data:
        raise UploadError(_l("The file is empty."))
    if len(data) > MAX_IMAGE_BYTES:
        raise UploadError(
            _l("The image is larger than %(limit)d MB. Please use a smaller image.",
               limit=MAX_IMAGE_MB)
        )
    sniffed = sniff_image(data)
    if sniffed is None:
        raise UploadError(_l("This is not a PNG, JPEG, GIF or WebP image."))
    return sniffed[1]


def save_image(data: bytes, upload_dir: str | Path) -> str:
    """Check and store the image under a random name; return that name."""
    ext = check_image(data)
    directory = Path(upload_dir)
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(16)}.{ext}"
    (directory / name).write_bytes(data)
    return name


def is_upload_name(name: str) -> bool:
    """Only names we generated: no paths, a known extension."""
    stem, _, ext = name.rpartition(".")
    return bool(stem) and ext in CONTENT_TYPES and all(c.isalnum() or c in "-_" for c in stem)
