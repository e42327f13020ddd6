"""A certificate's document: PDF, PNG or JPEG, checked by its content, not its name.

The first bytes say what a file is (``%PDF-``, the PNG signature, the JPEG start of
image); an image must also pass Pillow's ``verify`` (a truncated or forged image is
refused). A name whose extension says one type while the content is another — a
renamed program, a PNG called ``.pdf`` — is refused with a sentence saying so. No
library guessing types (python-magic) is needed for three formats.
"""

import logging
import os
import weakref
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.db import DatabaseError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"

# The content type each accepted extension promises, and the name each type is stored by.
EXTENSIONS = {"pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG}
STORED_EXTENSION = {PDF: "pdf", PNG: "png", JPEG: "jpg"}
LABELS = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG"}

_SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))


@dataclass(frozen=True)
class CheckedDocument:
    content_type: str
    size: int
    name: str  # as uploaded, without any folder: the download's file name
    stored_name: str  # "document.pdf": the extension the content deserves


def max_bytes() -> int:
    return int(settings.CADENCE_CERTIFICATE_MAX_BYTES)


def sniff(head: bytes) -> str | None:
    """The content type the first bytes show, or None for anything else."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def _refuse(message: str) -> ValidationError:
    return ValidationError({"document": message})


def _image_is_whole(file: IO[bytes]) -> bool:
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:  # pragma: no cover - weasyprint brings Pillow
        return True
    file.seek(0)
    try:
        with Image.open(file) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def _pdf_is_whole(file: IO[bytes], size: int) -> bool:
    # A PDF ends with "%%EOF" (editors may add a few bytes after it).
    file.seek(max(size - 2048, 0))
    return b"%%EOF" in file.read()


def clean_name(name: str) -> str:
    """The file's own name (no folders, no control characters), at most 255 characters."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return base[-255:] or "document"


def check(file: IO[bytes], name: str, size: int | None) -> CheckedDocument:
    """The document's type by content, or a ``ValidationError`` on ``document`` saying
    what is wrong: too large, empty, not a PDF/PNG/JPEG, a name that lies about the
    content, a damaged file."""
    limit = max_bytes()
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
    if size > limit:
        raise _refuse(
            _("The document is too large (%(size)s): the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if size == 0:
        raise _refuse(_("The document is empty."))
    name = clean_name(name)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    file.seek(0)
    content_type = sniff(file.read(16))
    promised = EXTENSIONS.get(extension)
    if content_type is None:
        if promised is not None:
            raise _refuse(
                _(
                    "The file is named “%(name)s” but its content is not a %(type)s: "
                    "only PDF, PNG and JPEG documents are accepted."
                )
                % {"name": name, "type": LABELS[promised]}
            )
        raise _refuse(_("Only PDF, PNG and JPEG documents are accepted."))
    if promised is None:
        raise _refuse(
            _("The file “%(name)s” must end in .pdf, .png, .jpg or .jpeg.") % {"name": name}
        )
    if promised != content_type:
        raise _refuse(
            _(
                "The file is named “%(name)s” but its content is a %(actual)s, not a "
                "%(type)s: rename it or upload the right file."
            )
            % {"name": name, "actual": LABELS[content_type], "type": LABELS[promised]}
        )
    whole = _pdf_is_whole(file, size) if content_type == PDF else _image_is_whole(file)
    file.seek(0)
    if not whole:
        raise _refuse(
            _("The %(type)s document is damaged or incomplete: export it again.")
            % {"type": LABELS[content_type]}
        )
    return CheckedDocument(
        content_type=content_type,
        size=size,
        name=name,
        stored_name=f"document.{STORED_EXTENSION[content_type]}",
    )


# --- the stored file follows its transaction ---------------------------------------------
#
# A file is written to storage before its row (the row holds the name the storage chose),
# and storage is not transactional: a transaction that rolls back — the service's own, or
# a caller's around it, or a savepoint — would leave the file on disk with no row. Django
# runs hooks when a transaction commits but has none for a rollback. What it does on a
# rollback is *drop* the hooks registered inside it: so the file's clean-up is an
# ``on_commit`` hook that, once run, marks the file kept, with a finalizer on the hook
# that deletes the file if the hook is dropped without having run. CPython frees the
# dropped hook at once (no reference cycle), so the file goes as the rollback happens;
# at the latest at exit. A process killed between the write and the commit still leaves
# its file behind (an orphan, never referenced): only a scan of the storage would find it.


def _discard_unless_kept(kept: list[bool], storage: Storage, name: str) -> None:
    if kept[0]:
        return
    from cadence.certifications.models import Certificate

    try:
        # Hooks are also dropped, after a commit, when an earlier hook raises: then the
        # row exists and its file must stay. When in doubt the file stays (an orphan is
        # better than a certificate without its document).
        referenced = Certificate.objects.filter(document=name).exists()
    except DatabaseError:
        logger.warning("Kept %s: could not tell whether its certificate was saved.", name)
        return
    if not referenced:
        storage.delete(name)


class _KeepOnCommit:
    """The on_commit hook of a file written in a transaction (see above)."""

    def __init__(self, storage: Storage, name: str) -> None:
        self.kept = [False]
        # The finalizer holds the flag, not the hook: the hook must be freeable.
        weakref.finalize(self, _discard_unless_kept, self.kept, storage, name)

    def __call__(self) -> None:
        self.kept[0] = True


def save_with_transaction(storage: Storage, name: str, content: IO[bytes]) -> str:
    """Write ``content`` under ``name`` (or the free name the storage picks, returned),
    to be deleted again unless the current transaction commits. Call it inside the
    atomic block that writes the row naming the file."""
    from django.core.files import File

    stored = storage.save(name, File(content), max_length=300)
    transaction.on_commit(_KeepOnCommit(storage, stored))
    return stored


def delete_after_commit(storage: Storage, name: str | None) -> None:
    """Delete a file its row no longer names (removed, or replaced by another), once the
    change commits: a rolled-back change still finds its file."""
    if name:
        stored = name
        transaction.on_commit(lambda: storage.delete(stored), robust=True)
