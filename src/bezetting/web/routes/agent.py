"""The agent at home: "My schedule" (this week and next), time off, absences, calendar feed."""

from __future__ import annotations

import hmac
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Annotated

import icalendar
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from bezetting.api.deps import AppContext, Context
from bezetting.core.errors import InputError
from bezetting.services.absence import request_time_off
from bezetting.services.access import ShiftView, published_shifts
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.overview import calendar_feed_key, feed_shifts, own_absences
from bezetting.services.requests import visible_requests
from bezetting.web.i18n import LOCAL_ZONE
from bezetting.web.rendering import is_htmx, render
from bezetting.web.session import FormData, Viewer, viewer_for, viewer_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Agent = Annotated[tuple[Viewer, FormData], Depends(viewer_for("/my/schedule"))]

_FEED_PAST = timedelta(days=28)
_FEED_AHEAD = timedelta(days=120)


def _week_start(now: datetime) -> datetime:
    today = now.astimezone(LOCAL_ZONE).date()
    monday = today - timedelta(days=today.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=LOCAL_ZONE)


def _by_day(shifts: list[ShiftView]) -> list[tuple[date, list[ShiftView]]]:
    return [
        (day, list(group))
        for day, group in groupby(shifts, key=lambda s: s.starts_at.astimezone(LOCAL_ZONE).date())
    ]


def _feed_url(request: Request, context: AppContext, user_id: int) -> str:
    key = calendar_feed_key(context.settings.secret_key.get_secret_value(), user_id)
    return str(request.url_for("calendar_feed").include_query_params(user=user_id, key=key))


def _requests_fragment(
    request: Request, context: AppContext, viewer: Viewer, *, error: str | None, status: int
) -> Response:
    return render(
        request,
        "_my_requests.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        status_code=status,
        values={
            "requests": visible_requests(context.sessions, viewer.who),
            "error": error,
        },
    )


@router.get("/my/schedule")
def my_schedule(request: Request, context: Context, access: Agent) -> Response:
    """The agent's published shifts for this week and next, requests and absences."""
    viewer, _ = access
    start = _week_start(context.clock())
    end = start + timedelta(days=14)
    shifts = published_shifts(context.sessions, viewer.who, starts_from=start, ends_before=end)
    return render(
        request,
        "my_schedule.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values={
            "days": _by_day(shifts),
            "week_start": start,
            "week_end": end - timedelta(days=1),
            "requests": visible_requests(context.sessions, viewer.who),
            "absences": own_absences(context.sessions, viewer.who),
            "feed_url": _feed_url(request, context, viewer.who.user_id),
            "error": None,
            "today": context.clock().astimezone(LOCAL_ZONE).date(),
        },
    )


def _day(form: FormData, field: str) -> date:
    raw = form.get(field, "").strip()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{field}: {raw!r} is not a date (YYYY-MM-DD)") from None


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_ZONE)


@router.post("/my/time-off")
def ask_time_off(request: Request, context: Context, access: Agent) -> Response:
    """Ask for whole days off, first to last day inclusive (local days)."""
    viewer, form = access
    if viewer.who.agent_id is None:
        raise PermissionDeniedError("this user is not linked to an agent")
    try:
        first, last = _day(form, "first_day"), _day(form, "last_day")
        if last < first:
            raise InputError(f"last_day: {last} is before the first day {first}")
        reason = form.get("reason", "").strip() or None
        request_time_off(
            context.sessions,
            agent_id=viewer.who.agent_id,
            starts_at=_local_midnight(first),
            ends_at=_local_midnight(last + timedelta(days=1)),
            now=context.clock(),
            reason=reason,
        )
    except InputError as exc:
        if not is_htmx(request):
            raise
        return _requests_fragment(request, context, viewer, error=str(exc), status=422)
    if is_htmx(request):
        return _requests_fragment(request, context, viewer, error=None, status=200)
    return RedirectResponse("/my/schedule", status_code=303)


@router.get("/me/calendar.ics", name="calendar_feed")
def calendar_feed(
    request: Request,
    context: Context,
    user: Annotated[int | None, Query(ge=1)] = None,
    key: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The agent's published shifts as iCalendar, for a calendar app (feed key) or a browser
    (session cookie). Four weeks back to four months ahead."""
    if user is not None and key is not None:
        expected = calendar_feed_key(context.settings.secret_key.get_secret_value(), user)
        if not hmac.compare_digest(key.encode("utf-8"), expected.encode("utf-8")):
            raise NotFoundError("no such calendar feed")
        user_id = user
    else:
        viewer = viewer_of(request, context)
        if viewer.who.agent_id is None:
            raise PermissionDeniedError("only an agent has a calendar of their own")
        user_id = viewer.who.user_id
    now = context.clock()
    shifts = feed_shifts(
        context.sessions, user_id, starts_from=now - _FEED_PAST, ends_before=now + _FEED_AHEAD
    )
    return Response(
        _ics(shifts, host=request.url.hostname or "bezetting", now=now),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


_KIND_TEXT = {
    "contact_work": "Work",
    "break": "Break",
    "lunch": "Lunch",
    "training": "Training",
    "meeting": "Meeting",
    "coaching": "Coaching",
}


def _ics(shifts: list[ShiftView], *, host: str, now: datetime) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//bezetting//schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "bezetting")
    for shift in shifts:
        event = icalendar.Event()
        event.add("uid", f"shift-{shift.id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("summary", "Shift")
        lines = [
            f"{a.astimezone(LOCAL_ZONE):%H:%M}-{b.astimezone(LOCAL_ZONE):%H:%M} "
            f"{_KIND_TEXT.get(kind, kind)} ({location})"
            for kind, a, b, location in shift.activities
        ]
        if lines:
            event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return bytes(calendar.to_ical())
