"""Languages of the pages: English (the source text) and Dutch, from gettext catalogues.

The Dutch catalogue ships as ``locale/nl/LC_MESSAGES/messages.po`` and is compiled in memory
with Babel when first needed, so installing bezetting needs no compile step and no ``.mo`` file
sits in the repository. The language comes from the ``bezetting_lang`` cookie (the switch on
every page) or else the browser's ``Accept-Language``; English when neither names a language
we have. Dates and times are shown in Europe/Amsterdam with the language's own formats.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from babel import Locale, negotiate_locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_COOKIE",
    "LOCAL_ZONE",
    "Formats",
    "choose_language",
    "translations",
]

LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "bezetting_lang"
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")


def _accepted(header: str) -> list[str]:
    """The languages of an Accept-Language header, most wanted first (q=0 left out)."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if name and quality > 0:
            weighted.append((-quality, position, name.strip().replace("-", "_")))
    return [name for _, _, name in sorted(weighted)]


def choose_language(*, cookie: str | None, accept_language: str | None) -> str:
    """The language to show: the cookie's when we have it, else the best of Accept-Language."""
    if cookie in LANGUAGES:
        return cookie
    wanted = _accepted(accept_language or "")
    # Babel matches "nl_BE" to "nl" as well as exact names.
    found = negotiate_locale(wanted, list(LANGUAGES), sep="_")
    if found is None:
        found = negotiate_locale([w.split("_")[0] for w in wanted], list(LANGUAGES), sep="_")
    return found if found in LANGUAGES else DEFAULT_LANGUAGE


def _n(message: str) -> str:
    """Mark a text for extraction (scripts/web_messages.py); it is translated where shown."""
    return message


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language`` (English: the source text itself)."""
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    source = resources.files("bezetting.web") / "locale" / language / "LC_MESSAGES" / "messages.po"
    with source.open("rb") as po:
        catalogue = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


_WEEKDAY_FORMAT = {"en": "EEEE, MMMM d", "nl": "EEEE d MMMM"}
# A moment with the date as fmt.date writes it and the 24-hour time of fmt.time: Babel's short
# English format is American (``3/16/20, 7:00 AM``), unlike every other date on the pages.
_DATETIME_FORMAT = {"en": "MMM d, y, HH:mm", "nl": "dd-MM-y, HH:mm"}


class Formats:
    """Dates, times and numbers in one language, in Europe/Amsterdam (for the templates)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.locale = Locale.parse(language)

    def _local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(LOCAL_ZONE)

    def date(self, value: dt.date | dt.datetime, style: str = "medium") -> str:
        """A date (``16 mrt 2020`` in Dutch, ``Mar 16, 2020`` in English)."""
        if isinstance(value, dt.datetime):
            value = self._local(value).date()
        return format_date(value, format=style, locale=self.locale)

    def last_day(self, ends_at: dt.datetime) -> str:
        """The last day of a period that ends (exclusively) at ``ends_at``: a day off that
        ends at midnight ends on the day before."""
        return self.date(ends_at - dt.timedelta(microseconds=1))

    def weekday(self, value: dt.date | dt.datetime) -> str:
        """A day with its weekday (``maandag 16 maart``, ``Monday, March 16``)."""
        if isinstance(value, dt.datetime):
            value = self._local(value).date()
        return format_date(value, format=_WEEKDAY_FORMAT[self.language], locale=self.locale)

    def time(self, value: dt.datetime) -> str:
        """A time of day, 24-hour (``08:15``)."""
        return format_time(self._local(value), format="HH:mm", locale=self.locale)

    def datetime(self, value: dt.datetime) -> str:
        """A date and time (``16-03-2020, 08:15`` in Dutch, ``Mar 16, 2020, 08:15`` in
        English)."""
        return format_datetime(
            self._local(value), format=_DATETIME_FORMAT[self.language], locale=self.locale
        )

    def days(self, starts_at: dt.datetime, ends_at: dt.datetime) -> str:
        """The local days of a period that runs from midnight to midnight (``ends_at``
        exclusive), first and last day: ``Mar 16, 2020`` to ``Mar 22, 2020``; a period of one
        day names it once (``Mar 19, 2020``)."""
        first, last = self.date(starts_at), self.last_day(ends_at)
        return first if first == last else f"{first} \u2013 {last}"

    def percent(self, share: float | None, digits: int = 1) -> str:
        """A share as a percentage, or a dash when unknown."""
        if share is None:
            return "\u2013"
        return format_percent(share, format="#,##0." + "0" * digits + "%", locale=self.locale)

    def number(self, value: float | None, digits: int = 1) -> str:
        """A number with the language's decimal sign, or a dash when unknown."""
        if value is None:
            return "\u2013"
        return format_decimal(value, format="#,##0." + "0" * digits, locale=self.locale)
