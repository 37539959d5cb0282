"""Uploaded and named files: held in memory, bounded, never written to disk.

An import file may hold tens of thousands of fødselsnummer. Django's default
``TemporaryFileUploadHandler`` writes an upload larger than 2.5 MB to the
temp folder, where it stays if the worker is killed mid-import. Rusfelt
installs only ``BoundedMemoryUploadHandler`` (``FILE_UPLOAD_HANDLERS``): every
upload is kept in memory up to ``RUSFELT_IMPORT_MAX_BYTES``; past that the
rest is read and dropped (nothing kept, nothing written), and the form field
``UploadField`` refuses the file with a clear message. The same limits bound
files named on the command line (``read_path``) and the parsing itself
(``limits()`` for ``core.domain.tabular.read_table``).
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.utils.translation import gettext_lazy as _

from .domain.tabular import DEFAULT_LIMITS, Limits, TableError, check_size, megabytes


def limits() -> Limits:
    """The import limits of this installation (settings, or the defaults)."""
    return Limits(
        max_bytes=getattr(settings, "RUSFELT_IMPORT_MAX_BYTES", DEFAULT_LIMITS.max_bytes),
        max_rows=getattr(settings, "RUSFELT_IMPORT_MAX_ROWS", DEFAULT_LIMITS.max_rows),
        max_unpacked_bytes=getattr(settings, "RUSFELT_IMPORT_MAX_UNPACKED_BYTES",
                                   DEFAULT_LIMITS.max_unpacked_bytes),
    )


class RefusedUpload(InMemoryUploadedFile):
    """An upload over the limit: its content was dropped while it arrived."""

    too_large = True


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Keep each uploaded file in memory up to the limit; drop the rest, never spill.

    The limit holds for a request's files together, not only for each: a request
    with several files (a batch import) keeps no more in memory than one file
    may. A file that would take the request past it is refused whole.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.kept = 0  # bytes of this request's earlier files kept in memory

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file = BytesIO()
        self.max_bytes = limits().max_bytes - self.kept
        self.refused = False
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data, start):
        if self.refused:
            return None
        if start + len(raw_data) > self.max_bytes:
            # Over the limit: forget what arrived and read the rest into nothing.
            self.refused = True
            self.file = BytesIO()
            return None
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size):
        if not self.refused:
            self.kept += file_size
        self.file.seek(0)
        cls = RefusedUpload if self.refused else InMemoryUploadedFile
        return cls(file=self.file, field_name=self.field_name, name=self.file_name,
                   content_type=self.content_type,
                   size=file_size if not self.refused else 0,
                   charset=self.charset, content_type_extra=self.content_type_extra)


class UploadField(forms.FileField):
    """A CSV/XLSX import file, refused with a message when over the size limit."""

    def clean(self, data, initial=None):
        if getattr(data, "too_large", False):
            raise forms.ValidationError(
                _("Filen er større enn grensen på %(mb)s MB og er ikke lest. Del den i "
                  "flere filer. Ingenting er lagret.") % {"mb": megabytes(limits().max_bytes)},
                code="too_large")
        return super().clean(data, initial)


def read_path(path: Path) -> bytes:
    """The bytes of a file named on the command line, refused before reading if too large.

    Raises TableError (the commands turn it into CommandError).
    """
    if not path.is_file():
        raise TableError(f"Finner ikke filen {path}.")
    check_size(path.stat().st_size, limits())
    return path.read_bytes()
