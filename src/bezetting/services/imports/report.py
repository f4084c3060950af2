"""What an import did: rows accepted, unchanged and rejected (with line, column and reason)."""

from __future__ import annotations

from dataclasses import dataclass

from bezetting.core.errors import RowError
from bezetting.store.enums import ImportKind

__all__ = ["ImportReport"]


@dataclass(frozen=True, kw_only=True)
class ImportReport:
    """The outcome of one import.

    Attributes:
        kind: contacts, agents or availability.
        file_name: the file's name as given.
        file_sha256: the file's SHA-256 (hex); a file already imported is recognised by it.
        rows_total: data rows read (blank rows not counted).
        accepted: rows written: new records, or changed agents.
        unchanged: rows already stored with the same values (nothing written).
        rejected: every bad row, in file order, with line, column and reason (for a file
            imported before: its rows as they are rejected when checked again now).
        written: whether anything was committed (False for a strict import with bad rows, and
            for a file imported before).
        already_imported: the same file was imported before; nothing was changed. ``unchanged``
            then counts the rows that import stored.
        batch_id: the import batch recorded for this file (the earlier one when already
            imported), or None when nothing was written.
        earlier_rejected_rows: for a file imported before, how many rows that import rejected
            (they were not stored, and importing the same file again does not store them).
    """

    kind: ImportKind
    file_name: str
    file_sha256: str
    rows_total: int
    accepted: int
    unchanged: int
    rejected: tuple[RowError, ...]
    written: bool
    already_imported: bool = False
    batch_id: int | None = None
    earlier_rejected_rows: int = 0

    @property
    def rejected_rows(self) -> int:
        """How many distinct rows were rejected (a row may have several bad cells)."""
        return len({error.line for error in self.rejected})

    @property
    def complete(self) -> bool:
        """Whether every row of the file is stored: none rejected now, nor by an earlier
        import of the same file."""
        return not self.rejected and not self.earlier_rejected_rows
