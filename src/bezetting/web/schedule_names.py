"""Schedule names in the viewer's language.

The services write two suffixes into stored schedule names, in English: " (given back)" on the
draft that keeps shifts given back for time off (``services/given_back.py``) and " (replaced by
schedule N)" on a schedule a republish replaced (``services/schedules.py``). A Dutch page shows
them in Dutch; the part the planner typed stays as typed. (Storing where a schedule came from
in a field of its own, rather than in its name, would make this unnecessary.)
"""

from __future__ import annotations

import re

from bezetting.web.i18n import _n, translations

__all__ = ["replaced_by", "schedule_name"]

_SUFFIX = re.compile(r" \((?:given back|replaced by schedule (?P<id>\d+))\)$")
_GIVEN_BACK = _n("(given back)")
_REPLACED = _n("(replaced by schedule %(id)s)")


def schedule_name(name: str, language: str) -> str:
    """``name`` with each known suffix at its end in ``language``, in their order."""
    gettext = translations(language).gettext
    suffixes: list[str] = []
    while (found := _SUFFIX.search(name)) is not None:
        number = found.group("id")
        suffixes.append(
            gettext(_GIVEN_BACK) if number is None else gettext(_REPLACED) % {"id": number}
        )
        name = name[: found.start()]
    return "".join([name, *(f" {suffix}" for suffix in reversed(suffixes))])


def replaced_by(name: str) -> int | None:
    """The schedule that replaced the shifts of the draft named ``name`` ("... (replaced by
    schedule N)"), or None for any other name: such a draft is not published
    (:class:`bezetting.services.schedules.ReplacedScheduleError`), so its row offers no button."""
    found = _SUFFIX.search(name)
    if found is None or found.group("id") is None:
        return None
    return int(found.group("id"))
