"""Imports of contact records, agents and availability from CSV and Excel (``.xlsx``).

Each import reads the whole file, maps its columns to fields (names and aliases, case and
spaces ignored, or ``mapping``), validates every row and collects every bad one with its line,
column and reason, then writes in one transaction. The same file imported twice changes
nothing (its SHA-256 is remembered), and rows already stored are recognised by natural keys.
"""

from __future__ import annotations

from bezetting.services.imports._run import ImportOptions, ProgressCallback
from bezetting.services.imports._table import Field
from bezetting.services.imports.agents import AGENT_FIELDS, import_agents
from bezetting.services.imports.availability import AVAILABILITY_FIELDS, import_availability
from bezetting.services.imports.contacts import CONTACT_FIELDS, import_contact_records
from bezetting.services.imports.report import ImportReport

__all__ = [
    "AGENT_FIELDS",
    "AVAILABILITY_FIELDS",
    "CONTACT_FIELDS",
    "Field",
    "ImportOptions",
    "ImportReport",
    "ProgressCallback",
    "import_agents",
    "import_availability",
    "import_contact_records",
]
