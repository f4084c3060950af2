"""Errors in the page's language: the services speak English, a Dutch page says it in Dutch.

The services raise English messages and the API returns them as they are. A page shows the
message in the viewer's language, through the same catalogue as every other text:

* a fixed message the catalogue knows (:data:`FIXED`) is translated whole;
* a message with figures in it is matched by its pattern (:data:`PATTERNS`) and the figures are
  put into the translated text (times in Amsterdam time, states as words);
* any other message gets the sentence for its error code (:data:`BY_CODE`), so a Dutch page
  never shows an English sentence, even for a message added to a service later.

English pages show a known message as its pattern's text (the source text of the translation)
and any other message with its moments in local time. The page's own form checks raise
:class:`FormError`, which carries its text and values and so needs no pattern. A running job's
progress message is translated the same way (:func:`progress_text`); one the catalogue does not
know is left out on a Dutch page (the progress bar still shows how far the job is).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bezetting.core.errors import BezettingError, InputError
from bezetting.web.i18n import DEFAULT_LANGUAGE, LOCAL_ZONE, Formats, _n, translations
from bezetting.web.setting_labels import SETTING_LABELS

__all__ = [
    "BY_CODE",
    "FIXED",
    "PATTERNS",
    "FormError",
    "KnownMessage",
    "error_text",
    "message_text",
    "progress_text",
]


class FormError(InputError):
    """A form field the page refuses: ``text`` (an English text marked for translation) with
    ``values`` for its ``%(name)s`` placeholders. A ``field`` value is shown as the form's label
    for it (:data:`FIELDS`), a date as the page writes dates."""

    def __init__(self, text: str, **values: object) -> None:
        self.text = text
        self.values = values
        super().__init__(text % values)


@dataclass(frozen=True)
class KnownMessage:
    """A service message with figures: its English ``pattern`` (named groups) and ``text``,
    the source text of its translation, which uses the same names."""

    pattern: re.Pattern[str]
    text: str


def _known(pattern: str, text: str) -> KnownMessage:
    return KnownMessage(re.compile(pattern), text)


_MOMENT = r"(?P<{}>\d{{4}}-\d\d-\d\d[T ][0-9:.+-]+)"
"""An ISO 8601 moment with its offset, as the services write it."""

FIXED = (
    _n("you cannot take your own offer"),
    _n("the note is longer than 400 characters"),
    _n("the reason is longer than 400 characters"),
    _n("approving a swap needs the schedule's version (schedule_version)"),
    _n("the two shifts lie more than 6 weeks apart; swap them in two steps"),
    _n("only a planner, an admin or a team lead decides swaps"),
    _n("only an agent offers, takes or withdraws swaps"),
    _n("one cannot report sick for the future; report it when it happens"),
    _n("requests are decided by planners and team leads"),
    _n("deciding from the team page is for team leads"),
    _n("this user is not linked to an agent"),
    _n("only an agent has a calendar of their own"),
    _n("the form's security token is missing or wrong; reload the page and try again"),
    _n("the security cookie is missing; log in again"),
    _n("the login form expired or came from elsewhere; reload it and try again"),
    _n("choose the shift to offer"),
    _n("only an admin or planner opens a pulse survey"),
    _n("the list of surveys is for admins, planners and team leads"),
    _n("only an agent answers a pulse survey"),
    _n("only an agent declares availability of their own"),
    _n("a window is at most 14 days; for longer, ask for time off"),
    _n("the note is longer than 200 characters"),
    _n("a day off needs a weekday or a date"),
    _n("give a weekday or a date, not both"),
    _n("you have this wish already"),
    _n("only a planner or an admin changes the planning settings"),
    # accounts (services/users.py, web/routes/accounts.py)
    _n("the current password is not right"),
    _n("the new password is the same as the current one"),
    _n("the two new passwords differ; type the same one twice"),
    _n("you cannot deactivate your own account"),
    _n("change your own password on your account page"),
    _n("only an admin manages accounts"),
    _n("an agent's account needs the agent's employee number"),
    _n("a client viewer's account needs the client"),
)
"""Service and page messages without figures, translated whole by the catalogue."""

PATTERNS = (
    _known(
        r"the password must have at least (?P<count>\d+) characters",
        _n("the password must have at least %(count)s characters"),
    ),
    _known(r"'(?P<email>.*)' is not an e-mail address", _n("%(email)s is not an e-mail address")),
    _known(
        r"a user with e-mail '(?P<email>.*)' exists already",
        _n("a user with e-mail %(email)s exists already"),
    ),
    _known(
        r"no agent with employee number '(?P<number>.*)'",
        _n("no agent with employee number %(number)s"),
    ),
    _known(r"no team named '(?P<team>.*)'", _n("no team named %(team)s")),
    _known(r"no client with code '(?P<code>.*)'", _n("no client with code %(code)s")),
    _known(
        r"shift (?P<shift>\d+) is offered for a swap already",
        _n("that shift is offered for a swap already"),
    ),
    _known(
        r"swap (?P<swap>\d+) is (?P<state>\w+), not (?P<wanted>\w+)",
        _n("swap %(swap)s is %(state)s, not %(wanted)s"),
    ),
    _known(
        r"swap (?P<swap>\d+) was (?P<state>\w+) already by (?P<by>\S+) at " + _MOMENT.format("at"),
        _n("This swap was already %(state)s, by %(by)s on %(at)s."),
    ),
    _known(
        r"swap (?P<swap>\d+) was (?P<state>\w+) already at " + _MOMENT.format("at"),
        _n("This swap was already %(state)s, on %(at)s."),
    ),
    _known(
        r"swap (?P<swap>\d+) is (?P<state>\w+) already",
        _n("swap %(swap)s is %(state)s already"),
    ),
    _known(
        r"swap (?P<swap>\d+) was taken by someone else just now",
        _n("swap %(swap)s was taken by someone else just now"),
    ),
    _known(
        r"no open swap with id (?P<swap>\d+) that you may take",
        _n("no open swap with id %(swap)s that you may take"),
    ),
    _known(r"no swap with id (?P<swap>\d+)(?: of yours| in your team)?", _n("no swap %(swap)s")),
    _known(
        r"no published shift with id (?P<shift>\S+) of yours",
        _n("no published shift %(shift)s of yours"),
    ),
    _known(
        r"shift (?P<shift>\S+) is no longer published as it was when the swap was agreed; the "
        r"swap cannot go ahead \(withdraw or reject it\)",
        _n(
            "shift %(shift)s is no longer published as it was when the swap was agreed; the swap "
            "cannot go ahead (withdraw or reject it)"
        ),
    ),
    _known(
        r"shift (?P<shift>\d+) started at " + _MOMENT.format("at") + r"; only shifts that have "
        r"not started can be swapped",
        _n("shift %(shift)s started at %(at)s; only shifts that have not started can be swapped"),
    ),
    _known(
        r"schedule (?P<schedule>\d+) is at version (?P<version>\d+), (?:not|but the change was "
        r"made to version) (?P<seen>\d+): .*",
        _n(
            "schedule %(schedule)s is at version %(version)s, not %(seen)s: someone changed it "
            "since you looked; reload the page and try again"
        ),
    ),
    _known(r"no schedule with id (?P<schedule>\d+)", _n("no schedule %(schedule)s")),
    _known(r"survey (?P<survey>\d+) is not open now", _n("survey %(survey)s is not open now")),
    _known(
        r"you answered survey (?P<survey>\d+) already",
        _n("you answered survey %(survey)s already"),
    ),
    _known(r"no survey with id (?P<survey>\d+)", _n("no survey %(survey)s")),
    _known(
        r"the answer must be from 1 to (?P<most>\d+), got (?P<value>\S+)",
        _n("the answer must be from 1 to %(most)s, got %(value)s"),
    ),
    _known(
        r"the question must have 1 to (?P<most>\d+) characters",
        _n("the question must have 1 to %(most)s characters"),
    ),
    _known(
        r"the survey would close at " + _MOMENT.format("at") + r", which has passed; nobody could "
        r"answer it",
        _n(
            "the question would close at %(at)s, which has passed, so nobody could answer it: "
            "choose a later last day"
        ),
    ),
    _known(
        r"scale_max must be from (?P<low>\d+) to (?P<high>\d+)",
        _n("the scale must run to a number from %(low)s to %(high)s"),
    ),
    _known(
        r"schedule (?P<schedule>\d+) is already published",
        _n("schedule %(schedule)s is already published"),
    ),
    _known(
        r"schedule (?P<schedule>\d+) cannot be published: agent \d+ \((?P<agent>.+)\) works "
        + _MOMENT.format("from_at")
        + r" \.\. "
        + _MOMENT.format("until_at")
        + r" in it and "
        + _MOMENT.format("other_from_at")
        + r" \.\. "
        + _MOMENT.format("other_until_at")
        + r" in published schedule (?P<other>\d+); overlapping shifts in all: (?P<count>\d+); "
        r"publish it replacing what has not started, or move or remove them first",
        _n(
            "schedule %(schedule)s cannot be published: %(agent)s works %(from_at)s \u2013 "
            "%(until_at)s in it and %(other_from_at)s \u2013 %(other_until_at)s in published "
            "schedule %(other)s; overlapping shifts in all: %(count)s; publish it replacing what "
            "has not started, or move or remove them first"
        ),
    ),
    _known(
        r"schedule (?P<schedule>\d+) cannot be published: each of its shifts falls on its "
        r"agent's approved time off \((?P<count>\d+) in all\), such as agent \d+ "
        r"\((?P<agent>.+)\) working "
        + _MOMENT.format("from_at")
        + r" \.\. "
        + _MOMENT.format("until_at")
        + r" on time off "
        + _MOMENT.format("off_from_at")
        + r" \.\. "
        + _MOMENT.format("off_until_at")
        + r"; nothing was published: plan other agents for them, or publish once the time off "
        r"is withdrawn",
        _n(
            "schedule %(schedule)s is not published: each of its shifts falls on its agent's "
            "approved time off (%(count)s in all), such as %(agent)s working %(from_at)s "
            "\u2013 %(until_at)s on time off %(off_from_at)s \u2013 %(off_until_at)s; plan other "
            "agents for them, or publish once the time off is withdrawn"
        ),
    ),
    _known(
        r"schedule (?P<schedule>\d+) is not published: it keeps the shifts that schedule "
        r"(?P<other>\d+) replaced, and publishing it would bring them back; build a new draft "
        r"instead",
        _n(
            "schedule %(schedule)s is not published: it keeps the shifts that schedule %(other)s "
            "replaced, and publishing it would bring them back; build a new draft instead"
        ),
    ),
    _known(
        r"schedule (?P<schedule>\d+) has no shifts to publish",
        _n("schedule %(schedule)s has no shifts to publish"),
    ),
    _known(
        r"starts_at: time off cannot start before today \((?P<today>[0-9-]+)\); it starts on "
        r"(?P<first>[0-9-]+)",
        _n("time off cannot start before today (%(today)s)"),
    ),
    _known(
        r"ends_at: time off ends after your last working day \((?P<end>[0-9-]+)\); it ends on "
        r"(?P<last>[0-9-]+)",
        _n("time off ends after your last working day (%(end)s)"),
    ),
    _known(
        r"ends_at: time off is at most (?P<most>\d+) days at once; (?P<first>[0-9-]+) to "
        r"(?P<last>[0-9-]+) is (?P<days>\d+) days",
        _n("time off is at most %(most)s days at once; %(first)s to %(last)s is %(days)s days"),
    ),
    _known(r"time off must end after it starts \(.*\)", _n("time off must end after it starts")),
    _known(
        r"overlaps your pending time off \("
        + _MOMENT.format("period_from")
        + r" \.\. "
        + _MOMENT.format("period_until")
        + r"\)",
        _n("overlaps your pending time off %(period)s"),
    ),
    _known(
        r"overlaps your approved time off \("
        + _MOMENT.format("period_from")
        + r" \.\. "
        + _MOMENT.format("period_until")
        + r"\)",
        _n("overlaps your approved time off %(period)s"),
    ),
    _known(
        r"request (?P<request>\d+) is (?P<state>\w+); only approved time off is cancelled",
        _n("this time off is %(state)s; only approved time off can be cancelled"),
    ),
    _known(
        r"the time off of request (?P<request>\d+) started at "
        + _MOMENT.format("at")
        + r"; only time off that has not started can be cancelled",
        _n("this time off started at %(at)s; only time off that has not started can be cancelled"),
    ),
    _known(
        r"agent (?P<agent>\d+) left after their last working day, (?P<last>[0-9-]+); a sick "
        r"report is for agents still employed",
        _n(
            "this agent left after their last working day, %(last)s; a sick report is for "
            "agents still employed"
        ),
    ),
    _known(
        r"agent (?P<agent>\d+) is already reported (?P<state>\w+) since " + _MOMENT.format("at"),
        _n("already reported %(state)s since %(at)s"),
    ),
    _known(r"agent (?P<agent>\d+) is not reported absent", _n("not reported absent")),
    _known(
        r"the report of "
        + _MOMENT.format("at")
        + r" can no longer be undone \(only within (?P<minutes>\d+) minutes\); report better "
        r"instead",
        _n(
            "the sick report of %(at)s can no longer be undone (only within %(minutes)s "
            "minutes): report better instead"
        ),
    ),
    _known(
        r"better at "
        + _MOMENT.format("at")
        + r" is not after the start "
        + _MOMENT.format("since"),
        _n("better at %(at)s is not after the start %(since)s"),
    ),
    _known(r"no request with id (?P<request>\d+)", _n("no request %(request)s")),
    _known(
        r"request (?P<request>\d+) is a shift swap: .*",
        _n("request %(request)s is a shift swap: decide it in the swaps section"),
    ),
    _known(
        r"request (?P<request>\d+) is (?P<state>\w+) already",
        _n("request %(request)s is %(state)s already"),
    ),
    _known(r"no agent with id (?P<agent>\d+)", _n("no agent %(agent)s")),
    _known(r"no queue with id (?P<queue>\d+)", _n("no queue %(queue)s")),
    _known(
        r"this page is for: (?P<roles>[a-z_, ]+)", _n("this page is for another role (%(roles)s)")
    ),
    _known(
        r"too many failed logins; try again in (?P<seconds>\d+) seconds",
        _n("too many failed logins; try again in %(seconds)s seconds"),
    ),
    _known(
        r"queue '(?P<queue>[^']+)' has no contact records in the (?P<days>\d+) days before "
        r"(?P<day>[0-9-]+); .*",
        _n(
            "queue %(queue)s has no contacts in the %(days)s days before %(day)s; import its "
            "contact history first"
        ),
    ),
    _known(
        r"queue '(?P<queue>[^']+)' has (?P<days>\d+) days of contact history before "
        r"(?P<day>[0-9-]+) \(from [0-9-]+\); a forecast needs at least (?P<least>\d+)",
        _n(
            "queue %(queue)s has %(days)s days of contact history before %(day)s; a forecast "
            "needs at least %(least)s"
        ),
    ),
    _known(
        r"no queue of '[^']+' has a requirement between (?P<first>[0-9-]+) and (?P<last>[0-9-]+): "
        r"forecast and compute requirements first",
        _n("no queue has agents needed from %(first)s to %(last)s: start a forecast first"),
    ),
    _known(
        r"queue '(?P<queue>[^']+)' needs no skill and no skill has its code: .*",
        _n("queue %(queue)s has no skill; link a skill to it"),
    ),
    _known(
        r"the solver found no schedule in (?P<seconds>[0-9.e+]+) s \(status \w+\); give it more "
        r"time",
        _n("the solver found no schedule in %(seconds)s s; give it more time"),
    ),
    _known(
        r"the window cannot start in the past \(" + _MOMENT.format("at") + r"\)",
        _n("the time cannot start in the past (%(at)s)"),
    ),
    _known(r"the window must end after it starts \(.*\)", _n("the time must end after it starts")),
    _known(
        r"overlaps your (?P<kind>\w+) window (?P<window>\d+) \("
        + _MOMENT.format("from_at")
        + r" \.\. "
        + _MOMENT.format("until_at")
        + r"\)",
        _n("overlaps a time you gave already (%(from_at)s \u2013 %(until_at)s)"),
    ),
    _known(
        r"you have a published shift then \("
        + _MOMENT.format("from_at")
        + r" \.\. "
        + _MOMENT.format("until_at")
        + r"\); ask for time off or offer it for a swap",
        _n(
            "you have a published shift then (%(from_at)s \u2013 %(until_at)s); ask for time off "
            "or offer it for a swap"
        ),
    ),
    _known(r"no availability window (?P<window>\d+) of yours", _n("no time %(window)s of yours")),
    _known(
        r"window (?P<window>\d+) was set by your planner; ask them to change it",
        _n("this time was set by your planner; ask them to change it"),
    ),
    _known(
        r"window (?P<window>\d+) has begun; it can no longer be withdrawn",
        _n("this time has begun; it can no longer be withdrawn"),
    ),
    _known(
        r"rules: min_shortened_daily_rest_minutes exceeds min_daily_rest_minutes",
        _n("the shortened rest between shifts is longer than the rest itself"),
    ),
    _known(
        r"breaks: part_minutes (?P<part>\d+) is shorter than the rule pack's shortest break part "
        r"\((?P<least>\d+) min\)",
        _n(
            "breaks are planned in parts of %(part)s minutes, shorter than the rules' shortest "
            "part of a break (%(least)s minutes)"
        ),
    ),
    _known(
        r"rules: week_starts_on_weekday must be 0 \(Monday\) to 6 \(Sunday\), got (?P<day>-?\d+)",
        _n("the week starts on a day from 0 (Monday) to 6 (Sunday), not %(day)s"),
    ),
    _known(
        r"the stored planning settings no longer parse: (?P<reason>.+); store corrected settings "
        r"or clear them",
        _n(
            "The stored planning settings are not valid (%(reason)s). Correct them and save, or "
            "go back to the law and the defaults."
        ),
    ),
    _known(r"no wish (?P<wish>\d+) of yours", _n("no wish %(wish)s of yours")),
    _known(
        r"a (?P<kind>\w+) wish holds every day; give no weekday or date",
        _n("this wish holds every day; choose 'every day'"),
    ),
    _known(
        r"you have (?P<most>\d+) wishes already; remove one first",
        _n("you have %(most)s wishes already; remove one first"),
    ),
)
"""Service messages with figures, tried in order (the first full match wins)."""

STATES = {
    "open": _n("open"),
    "accepted": _n("taken, waiting for approval"),
    "approved": _n("approved"),
    "rejected": _n("rejected"),
    "withdrawn": _n("withdrawn"),
    "pending": _n("pending"),
    "cancelled": _n("cancelled"),
    "sick": _n("sick"),
    "care_leave": _n("on care leave"),
    "other": _n("absent"),
}
"""The state words a message may name (swap stages, request states, absence kinds)."""

BY_CODE = {
    "bezetting_error": _n("That did not work."),
    "invalid_input": _n("A value is not valid; check the form and try again."),
    "invalid_row": _n("A row of the file is not valid."),
    "invalid_rows": _n("The file has rows that are not valid."),
    "invalid_field": _n("A field of the file is not valid."),
    "invalid_fields": _n("The file has fields that are not valid."),
    "invalid_scenario": _n("The scenario is not valid."),
    "not_found": _n("That is not there, or it is not yours to see."),
    "conflict": _n("Someone changed this in the meantime; reload the page and try again."),
    "overlapping_shifts": _n(
        "The schedule is not published: an agent would have two shifts at the same time."
    ),
    "shifts_on_time_off": _n(
        "The schedule is not published: all its shifts fall on approved time off of their agents."
    ),
    "replaced_schedule": _n(
        "The schedule is not published: it keeps the shifts another schedule replaced, and "
        "publishing it would bring them back."
    ),
    "infeasible": _n("No answer meets these conditions."),
    "forbidden": _n("You may not do this."),
    "unauthenticated": _n("Log in first."),
    "rate_limited": _n("Too many attempts; wait a while and try again."),
    "unreadable_planning_settings": _n(
        "The stored planning settings are not valid; correct them or go back to the defaults."
    ),
    "swap_breaks_labour_rules": _n(
        "The swap is refused: it breaks working-time rules or contract limits."
    ),
    "unknown_job_kind": _n("There is no such kind of job."),
    "unknown_job": _n("There is no such job."),
    "invalid_job_params": _n("The job's settings are not valid."),
    "job_cancelled": _n("The job was cancelled."),
    "job_wait_timeout": _n("The job is taking longer; it goes on."),
    "broker_unavailable": _n("The job queue cannot be reached; try again later."),
    "invalid_job_result": _n("The job gave a result that cannot be stored."),
    "job_not_succeeded": _n("The job did not succeed."),
    "internal_error": _n("The job stopped on an unexpected error; the server log has details."),
    "worker_lost": _n("The job was interrupted; start it again."),
}
"""A sentence for every error code, for a message no pattern knows; a test keeps it complete."""


FIELDS = {
    "day": _n("Day"),
    "role": _n("Role"),
    "queue": _n("Queue"),
    "schedule": _n("Scheduled"),
    "question": _n("Question"),
    "scale_max": _n("Scale 1 to"),
    "name": _n("Name (optional)"),
    "first_day": _n("First day"),
    "last_day": _n("Last day"),
    "days": _n("Days"),
    "weeks": _n("Weeks"),
    "time_limit_seconds": _n("Time limit (seconds)"),
    "shift_in_return_id": _n("In return"),
    "shift_id": _n("Shift"),
    "version": _n("Version"),
    "schedule_version": _n("Version"),
    "from": _n("From"),
    "to": _n("To"),
    "weekday": _n("When"),
    "weight": _n("How much"),
    **SETTING_LABELS,
}
"""The labels of the form fields a :class:`FormError` may name, as the form shows them."""


PROGRESS = (
    _n("queued"),
    _n("started"),
    _n("done"),
    _n("cancelled"),
    _n("reading contact history"),
    _n("saving the forecast"),
    _n("computing the requirement"),
    _n("reading agents and requirements"),
    _n("saving the draft"),
)
"""The fixed progress messages of the jobs the planning page starts."""

PROGRESS_PATTERNS = (
    _known(r"backtest (?P<done>\d+) of (?P<total>\d+)", _n("backtest %(done)s of %(total)s")),
    _known(
        r"part (?P<part>\d+) of (?P<parts>\d+): cost (?P<cost>\d+), lower bound (?P<bound>\d+)",
        _n("part %(part)s of %(parts)s: cost %(cost)s, lower bound %(bound)s"),
    ),
    _known(
        r"part (?P<part>\d+) of (?P<parts>\d+): cost (?P<cost>\d+), no bound yet",
        _n("part %(part)s of %(parts)s: cost %(cost)s, no bound yet"),
    ),
    _known(
        r"schedule (?P<schedule>\d+) saved as a draft", _n("schedule %(schedule)s saved as a draft")
    ),
)
"""Progress messages with figures."""


_WHOLE_DAYS = ("off_from_at", "off_until_at")
"""Figures of a time off, which runs from midnight to midnight: written as its first and last
day ("Mar 23, 2020 - Mar 24, 2020", not "... - Mar 25, 2020, 00:00")."""


def _figure(name: str, value: str, language: str) -> str:
    """A matched figure as the page shows it: a moment in local time, a day as the page writes
    dates, a state as a word."""
    if name in _WHOLE_DAYS:  # time off: whole days, the end exclusive
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        formats = Formats(language)
        if formats.time(moment) != "00:00":  # part of a day (the API takes any moment)
            return formats.datetime(moment)
        return formats.date(moment) if name == "off_from_at" else formats.last_day(moment)
    if name == "at" or name.endswith("_at") or name == "since":
        try:
            return Formats(language).datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    if name in ("first", "last", "today"):  # days, written as the page writes dates
        try:
            return Formats(language).date(date.fromisoformat(value))
        except ValueError:
            return value
    gettext = translations(language).gettext
    if name in ("state", "wanted"):
        return gettext(STATES.get(value, value))
    if name == "roles":
        return ", ".join(gettext(role.strip().replace("_", " ")) for role in value.split(","))
    return value


def _translated(
    message: str, fixed: tuple[str, ...], patterns: tuple[KnownMessage, ...], language: str
) -> str | None:
    gettext = translations(language).gettext
    if message in fixed:
        return gettext(message)
    for known in patterns:
        match = known.pattern.fullmatch(message)
        if match is not None:
            found = match.groupdict()
            figures = {k: _figure(k, v, language) for k, v in found.items()}
            for name, value in found.items():
                start = found.get(name.replace("until_at", "from_at"))
                if name.endswith("until_at") and start is not None and name not in _WHOLE_DAYS:
                    figures[name] = _end_of_span(start, value, language)
            if "period_from" in found and "period_until" in found:
                figures["period"] = _period(found["period_from"], found["period_until"], language)
            return gettext(known.text) % figures
    return None


def _end_of_span(start: str, end: str, language: str) -> str:
    """The end of a span from ``start``: its time alone when it falls on the same local day
    (``08:00`` to ``17:00`` on one day names the date once), else its date and time."""
    try:
        first, last = datetime.fromisoformat(start), datetime.fromisoformat(end)
    except ValueError:
        return end
    formats = Formats(language)
    if first.astimezone(LOCAL_ZONE).date() == last.astimezone(LOCAL_ZONE).date():
        return formats.time(last)
    return formats.datetime(last)


def _period(start: str, end: str, language: str) -> str:
    """A period as the pages list time off: whole local days by their first and last day
    (``end`` exclusive; one day once), else its moments."""
    gettext = translations(language).gettext
    try:
        first, last = datetime.fromisoformat(start), datetime.fromisoformat(end)
    except ValueError:
        return f"{start} \u2013 {end}"
    formats = Formats(language)
    local_first, local_last = first.astimezone(LOCAL_ZONE), last.astimezone(LOCAL_ZONE)
    if local_first.time() == local_last.time() == time(0):
        last_day = local_last.date() - timedelta(days=1)
        if last_day == local_first.date():
            return gettext("on %(day)s") % {"day": formats.date(last_day)}
        return gettext("from %(first)s to %(last)s") % {
            "first": formats.date(local_first.date()),
            "last": formats.date(last_day),
        }
    return gettext("from %(first)s to %(last)s") % {
        "first": formats.datetime(first),
        "last": _end_of_span(start, end, language),
    }


_ANY_MOMENT = re.compile(_MOMENT.format("at"))
_SPAN = re.compile(_MOMENT.format("from_at") + r" \.\. " + _MOMENT.format("until_at"))


def _local_moments(message: str, language: str) -> str:
    """``message`` with each ISO moment in local time as the page writes it, and ``a .. b``
    as a span with a dash."""
    spans = _SPAN.sub(
        lambda m: (
            f"{_figure('at', m.group('from_at'), language)} \u2013 "
            f"{_end_of_span(m.group('from_at'), m.group('until_at'), language)}"
        ),
        message,
    )
    return _ANY_MOMENT.sub(lambda m: _figure("at", m.group("at"), language), spans)


def message_text(code: str, message: str, language: str) -> str:
    """``message`` (of an error with ``code``) in ``language``. An English page, too, shows a
    known message as its pattern's text (local times, states as words, no internal ids) and any
    other with its moments in local time."""
    found = _translated(message, FIXED, PATTERNS, language)
    if found is not None:
        return found
    if language == DEFAULT_LANGUAGE:
        return _local_moments(message, language)
    return translations(language).gettext(BY_CODE.get(code, BY_CODE["bezetting_error"]))


def progress_text(message: str, language: str) -> str:
    """A job's progress ``message`` in ``language``; empty when there is no translation."""
    if language == DEFAULT_LANGUAGE:
        return message
    return _translated(message, PROGRESS, PROGRESS_PATTERNS, language) or ""


def error_text(error: BezettingError, language: str) -> str:
    """What a page says about ``error`` in ``language``."""
    if isinstance(error, FormError):
        gettext = translations(language).gettext
        formats = Formats(language)
        values = {
            name: formats.date(value) if isinstance(value, date) else value
            for name, value in error.values.items()
        }
        field = values.get("field")
        if isinstance(field, str):
            values["field"] = gettext(FIELDS.get(field, field))
        return gettext(error.text) % values
    return message_text(error.code, str(error), language)
