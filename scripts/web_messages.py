"""Update the Dutch catalogue of the web pages from the templates and the Python sources.

Run after changing a translatable text: ``.venv/bin/python scripts/web_messages.py``. It
extracts every ``_()``/``gettext`` in ``src/bezetting/web`` (templates with Jinja2's Babel
extractor, Python files with ``_`` and ``_n``), merges them into
``src/bezetting/web/locale/nl/LC_MESSAGES/messages.po`` (keeping the translations there,
marking changed ones fuzzy) and lists what still needs a Dutch text. No ``.mo`` file is
written: the package compiles the ``.po`` in memory when it starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

WEB = Path(__file__).resolve().parents[1] / "src" / "bezetting" / "web"
PO = WEB / "locale" / "nl" / "LC_MESSAGES" / "messages.po"
METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_n": None}


def extracted() -> Catalog:
    """Every translatable text of the web package, as a template catalogue."""
    template = Catalog(project="bezetting", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        WEB, METHODS, options_map=OPTIONS, keywords=KEYWORDS
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def main() -> int:
    with PO.open("rb") as handle:
        catalogue = read_po(handle, locale="nl")
    catalogue.update(extracted(), update_header_comment=False)
    with PO.open("wb") as handle:
        write_po(handle, catalogue, width=100, omit_header=False, sort_output=True)
    missing = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)]
    for message in missing:
        print(f"needs Dutch: {message!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
