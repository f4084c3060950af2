"""Readers and writers of the interchange files, validated row by row.

Every reader collects all bad rows (line, column, reason) and raises
:class:`~bezetting.ingest.errors.IngestError` naming them all; nothing is returned when any row
is bad.
"""

from bezetting.ingest.contacts import CONTACT_COLUMNS, pseudonymise, read_contact_records
from bezetting.ingest.errors import IngestError
from bezetting.ingest.interval_series import (
    is_interval_series_header,
    read_interval_series,
    write_forecast,
)
from bezetting.ingest.timestamps import parse_timestamp

__all__ = [
    "CONTACT_COLUMNS",
    "IngestError",
    "is_interval_series_header",
    "parse_timestamp",
    "pseudonymise",
    "read_contact_records",
    "read_interval_series",
    "write_forecast",
]
