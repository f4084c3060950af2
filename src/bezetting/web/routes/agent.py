"""The agent at home: "My schedule" (this week and next), time off, shift swaps, reporting sick
and better, the open pulse question, the calendar feed."""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Annotated, Any

import icalendar
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from bezetting.api.deps import AppContext, Context
from bezetting.core.errors import ConflictError, InputError
from bezetting.services.absence import (
    AbsenceReport,
    report_better,
    report_sick,
    request_time_off,
    undo_sick_report,
)
from bezetting.services.access import ShiftView, published_shifts
from bezetting.services.calendar_feed import feed_key, renew_feed_key
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.overview import feed_shifts, own_absences
from bezetting.services.requests import RequestView, visible_requests, withdraw_time_off
from bezetting.services.surveys import answer_survey, pulse_questions
from bezetting.services.swaps import (
    SwapRefusedError,
    SwapStage,
    accept_swap,
    offer_swap,
    offers_above_maximum,
    own_shifts_overlapping,
    returns_that_fit,
    visible_swaps,
    withdraw_swap,
)
from bezetting.web.error_text import FormError, error_text
from bezetting.web.forms import form_day, form_id, form_whole
from bezetting.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, LOCAL_ZONE, _n, translations
from bezetting.web.labour_rules import RuleBreach, breaches_of
from bezetting.web.rendering import FormProblem, htmx_refusal, is_htmx, language_of, render
from bezetting.web.routes.availability import availability_values
from bezetting.web.session import FormData, Viewer, viewer_for, viewer_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Agent = Annotated[tuple[Viewer, FormData], Depends(viewer_for("/my/schedule"))]

_FEED_PAST = timedelta(days=28)
_FEED_AHEAD = timedelta(days=120)
_RETURN_AHEAD = timedelta(weeks=6)  # a swap's two shifts may lie at most 6 weeks apart
_PENDING = (SwapStage.OPEN, SwapStage.ACCEPTED)
SwapId = Annotated[int, Path(ge=1, le=2**31 - 1)]
_TAKE = re.compile(r"/my/swaps/(\d+)/accept")
SurveyId = Annotated[int, Path(ge=1, le=2**31 - 1)]
RequestId = Annotated[int, Path(ge=1, le=2**31 - 1)]


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
    """The feed address for a calendar app, in the page's language (``lang``, when not the
    default, since the app sends no Accept-Language of the agent's)."""
    key = feed_key(context.sessions, context.settings.secret_key.get_secret_value(), user_id)
    url = request.url_for("calendar_feed").include_query_params(user=user_id, key=key)
    language = language_of(request)
    if language != DEFAULT_LANGUAGE:
        url = url.include_query_params(lang=language)
    return str(url)


def _own_requests(context: AppContext, viewer: Viewer) -> list[RequestView]:
    """The agent's requests except swaps, which the swaps section shows with their stage."""
    return [r for r in visible_requests(context.sessions, viewer.who) if r.kind != "swap"]


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
            "requests": _own_requests(context, viewer),
            "error": error,
        },
    )


@router.get("/my/schedule")
def my_schedule(request: Request, context: Context, access: Agent) -> Response:
    """The agent's published shifts for this week and next, requests and absences. Shown again
    for a form refused without JavaScript (:mod:`bezetting.web.site`): a refused take with a
    shift in return shows that offer's shifts to give, the chosen one kept."""
    viewer, _ = access
    return _page(request, context, viewer, choosing=_refused_take_with_return(request))


def _refused_take_with_return(request: Request) -> int | None:
    """The offer whose take, with a shift in return, was just refused (no JavaScript)."""
    problem: FormProblem | None = getattr(request.state, "form_problem", None)
    if problem is None or not problem.values.get("shift_in_return_id"):
        return None
    taken = _TAKE.fullmatch(problem.action)
    return int(taken.group(1)) if taken else None


def _page(
    request: Request,
    context: AppContext,
    viewer: Viewer,
    *,
    refused_breaches: list[RuleBreach] | None = None,
    status: int = 200,
    choosing: int | None = None,
) -> Response:
    """The whole page; a take refused by the labour rules (no JavaScript) shows the broken
    rules at its form (``refused_breaches``, with the request's form problem), and offer
    ``choosing`` its shifts to give in return."""
    start = _week_start(context.clock())
    end = start + timedelta(days=14)
    shifts = published_shifts(context.sessions, viewer.who, starts_from=start, ends_before=end)
    return render(
        request,
        "my_schedule.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        status_code=status,
        values={
            "days": _by_day(shifts),
            "week_start": start,
            "week_end": end - timedelta(days=1),
            "requests": _own_requests(context, viewer),
            "feed_url": _feed_url(request, context, viewer.who.user_id),
            "feed_renewed": False,
            "error": None,
            "today": context.clock().astimezone(LOCAL_ZONE).date(),
            "time_off_max_days": context.settings.time_off_max_days,
            **_swap_values(context, viewer, breaches=[], error=None, choosing=choosing),
            "refused_breaches": refused_breaches or [],
            **_absence_values(context, viewer, error=None),
            **_pulse_values(context, viewer, error=None),
            **availability_values(context, viewer, language=language_of(request), error=None),
        },
    )


def _pulse_values(context: AppContext, viewer: Viewer, *, error: str | None) -> dict[str, Any]:
    """The questions open now, each with whether I answered it (never what I answered)."""
    return {
        "pulse": pulse_questions(context.sessions, viewer.who, now=context.clock()),
        "pulse_error": error,
    }


def _swap_values(
    context: AppContext,
    viewer: Viewer,
    *,
    breaches: list[RuleBreach],
    error: str | None,
    choosing: int | None = None,
) -> dict[str, Any]:
    """What the swap section shows: my offers (by the shift's start), offers I may take, shifts
    I took, and the outcome of the last action. For the offer I am ``choosing`` a shift to give
    in return for, ``returns`` holds those of my shifts the swap check accepts: one check per
    shift, some tenths of a second each with a year of history, so only for that one offer.
    ``overlapping`` holds, per offer, my own shift it overlaps: such an offer can only be
    taken by giving a shift in return, so "take it for nothing" is not offered for it; nor is
    it for the offers in ``above_maximum``, which would bring me above my contract's maximum
    hours that week (a cheap count, not the full check)."""
    now = context.clock()
    me = viewer.who.agent_id
    swaps = visible_swaps(context.sessions, viewer.who, now=now)
    mine = [s for s in swaps if s.offered_by_agent_id == me]
    busy = {s.shift_id for s in mine if s.stage in _PENDING} | {
        s.shift_in_return_id
        for s in swaps
        if s.taken_by_agent_id == me and s.stage in _PENDING and s.shift_in_return_id is not None
    }
    upcoming = published_shifts(
        context.sessions, viewer.who, starts_from=now, ends_before=now + _RETURN_AHEAD
    )
    candidates = {s.id: s for s in upcoming if s.starts_at > now and s.id not in busy}
    takeable = [s for s in swaps if s.stage is SwapStage.OPEN and s.offered_by_agent_id != me]
    chosen = [s.id for s in takeable if s.id == choosing]
    fitting = returns_that_fit(
        context.sessions, viewer.who, chosen, shift_ids=list(candidates), now=now
    )
    return {
        "overlapping": own_shifts_overlapping(context.sessions, viewer.who, takeable, now=now),
        "above_maximum": offers_above_maximum(context.sessions, viewer.who, takeable),
        "now": now,
        "my_offers": sorted(mine, key=lambda s: (s.starts_at, s.id)),
        "takeable": takeable,
        "taken": [s for s in swaps if s.taken_by_agent_id == me and s.offered_by_agent_id != me],
        "returns": {
            swap_id: [candidates[i] for i in shift_ids] for swap_id, shift_ids in fitting.items()
        },
        "offered_shift_ids": {s.shift_id for s in mine if s.stage in _PENDING},
        "breaches": breaches,
        "refused_breaches": [],
        "swap_error": error,
        "changed_shift_id": None,
    }


def _absence_values(
    context: AppContext, viewer: Viewer, *, error: str | None, withdrawn: bool = False
) -> dict[str, Any]:
    return {
        "absences": own_absences(context.sessions, viewer.who, now=context.clock()),
        "absence_error": error,
        "absence_withdrawn": withdrawn,
    }


def _swap_answer(
    request: Request,
    context: AppContext,
    viewer: Viewer,
    action: Callable[[], int | None],
    *,
    choosing: int | None = None,
) -> Response:
    """Run a swap action and answer: HTMX gets the swap section (with the refusal's reasons or
    the error in it), a plain form post a redirect, or the whole page when it was refused: the
    reasons beside the form that posted, as for every form (:mod:`bezetting.web.rendering`);
    a refusal other than the labour rules' comes back through :mod:`bezetting.web.site`.

    ``action`` returns the id of the own shift whose "Offer for swap" button changed, if any,
    so that HTMX can replace that button too (out of band)."""
    changed: int | None = None
    breaches: list[RuleBreach] = []
    refused: SwapRefusedError | None = None
    error: str | None = None
    status = 200
    try:
        changed = action()
    except SwapRefusedError as exc:
        breaches, status, refused = breaches_of(exc), 422, exc
    except NotFoundError:
        raise  # 404 for what is out of reach, as everywhere
    except (InputError, ConflictError) as exc:
        error, status = htmx_refusal(request, exc)
    if not is_htmx(request):
        if refused is not None:
            typed = getattr(request.state, "form", {})
            request.state.form_problem = FormProblem(
                request.url.path,
                _refusal_in_words(breaches, language_of(request)),
                {k: v for k, v in typed.items() if k != "csrf_token"},
            )
            return _page(
                request,
                context,
                viewer,
                refused_breaches=breaches,
                status=status,
                choosing=choosing,
            )
        return RedirectResponse("/my/schedule", status_code=303)
    values = _swap_values(context, viewer, breaches=breaches, error=error, choosing=choosing)
    values["changed_shift_id"] = changed
    return render(
        request,
        "_my_swaps.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        status_code=status,
        values=values,
    )


def _refusal_in_words(breaches: list[RuleBreach], language: str) -> str:
    """A refused swap's reasons in one line, for the top of the page when no form on it shows
    them (the offer is no longer listed, say: the taker's last working day came before it)."""
    gettext = translations(language).gettext
    reasons = "; ".join(dict.fromkeys(gettext(b.title) for b in breaches))
    return f"{gettext(_n('The swap is refused, for these reasons:'))} {reasons}"


@router.post("/my/swaps")
def offer(request: Request, context: Context, access: Agent) -> Response:
    """Offer one of my published shifts that has not started (``shift_id``, ``note``)."""
    viewer, form = access

    def act() -> int:
        shift_id = form_id(form, "shift_id")
        if shift_id is None:
            raise FormError(_n("choose the shift to offer"))
        note = form.get("note", "").strip() or None
        offer_swap(context.sessions, viewer.who, shift_id=shift_id, now=context.clock(), note=note)
        return shift_id

    return _swap_answer(request, context, viewer, act)


@router.post("/my/swaps/{swap_id}/accept")
def accept(request: Request, context: Context, access: Agent, swap_id: SwapId) -> Response:
    """Take a colleague's offer, optionally giving one of my shifts (``shift_in_return_id``);
    checked against the labour rules for both of us."""
    viewer, form = access

    giving = form_id(form, "shift_in_return_id")

    def act() -> None:
        accept_swap(
            context.sessions, viewer.who, swap_id, shift_in_return_id=giving, now=context.clock()
        )

    return _swap_answer(
        request, context, viewer, act, choosing=swap_id if giving is not None else None
    )


@router.get("/my/swaps/{swap_id}/returns")
def choose_return(request: Request, context: Context, access: Agent, swap_id: SwapId) -> Response:
    """The swap section (HTMX) or the page with offer ``swap_id`` showing the shifts of mine it
    would accept in return (:func:`bezetting.services.swaps.returns_that_fit`)."""
    viewer, _ = access
    if not is_htmx(request):
        return _page(request, context, viewer, choosing=swap_id)
    return render(
        request,
        "_my_swaps.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values=_swap_values(context, viewer, breaches=[], error=None, choosing=swap_id),
    )


@router.post("/my/swaps/{swap_id}/withdraw")
def withdraw(request: Request, context: Context, access: Agent, swap_id: SwapId) -> Response:
    """Withdraw my offer while it is not decided."""
    viewer, _ = access

    def act() -> int:
        return withdraw_swap(context.sessions, viewer.who, swap_id, now=context.clock()).shift_id

    return _swap_answer(request, context, viewer, act)


def _absence_answer(
    request: Request, context: AppContext, viewer: Viewer, report: AbsenceReport
) -> Response:
    """Report for myself now and answer with the absence section; it says so when the report
    was taken back as a mistake (services.absence)."""
    if viewer.who.agent_id is None:
        raise PermissionDeniedError("this user is not linked to an agent")
    error, status, withdrawn = None, 200, False
    try:
        ref = report(context.sessions, agent_id=viewer.who.agent_id, now=context.clock())
        withdrawn = ref.withdrawn
    except InputError as exc:
        if not is_htmx(request):
            raise
        error, status = error_text(exc, language_of(request)), 422
    if not is_htmx(request):
        return RedirectResponse("/my/schedule", status_code=303)
    return render(
        request,
        "_my_absences.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        status_code=status,
        values=_absence_values(context, viewer, error=error, withdrawn=withdrawn),
    )


@router.post("/my/sick")
def sick(request: Request, context: Context, access: Agent) -> Response:
    """Report myself sick from now until I report better."""
    return _absence_answer(request, context, access[0], report_sick)


@router.post("/my/better")
def better(request: Request, context: Context, access: Agent) -> Response:
    """Report myself better now: the open absence ends."""
    return _absence_answer(request, context, access[0], report_better)


@router.post("/my/sick/undo")
def undo_sick(request: Request, context: Context, access: Agent) -> Response:
    """Take back my sick report as a mistake, within ten minutes of making it."""
    return _absence_answer(request, context, access[0], undo_sick_report)


@router.post("/my/pulse/{survey_id}")
def answer_pulse(
    request: Request, context: Context, access: Agent, survey_id: SurveyId
) -> Response:
    """Answer an open pulse question once (``value``, 1 to its scale); stored without my name."""
    viewer, form = access
    error, status = None, 200
    try:
        value = form_whole(form, "value", low=1, high=10, default=0)
        answer_survey(context.sessions, viewer.who, survey_id, value=value, now=context.clock())
    except NotFoundError:
        raise
    except InputError as exc:
        if not is_htmx(request):
            raise
        error, status = error_text(exc, language_of(request)), 422
    if not is_htmx(request):
        return RedirectResponse("/my/schedule#my-pulse", status_code=303)
    return render(
        request,
        "_my_pulse.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        status_code=status,
        values=_pulse_values(context, viewer, error=error),
    )


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_ZONE)


def _requests_answer(
    request: Request, context: AppContext, viewer: Viewer, action: Callable[[], object]
) -> Response:
    """Run a time-off action; HTMX gets the requests section again (with the refusal in it), a
    form post a redirect back to the page."""
    try:
        action()
    except NotFoundError:
        raise  # 404 for what is not mine, as everywhere
    except (InputError, ConflictError) as exc:
        error, status = htmx_refusal(request, exc)
        return _requests_fragment(request, context, viewer, error=error, status=status)
    if is_htmx(request):
        return _requests_fragment(request, context, viewer, error=None, status=200)
    return RedirectResponse("/my/schedule#my-requests", status_code=303)


@router.post("/my/time-off")
def ask_time_off(request: Request, context: Context, access: Agent) -> Response:
    """Ask for whole days off, first to last day inclusive (local days): from today (an
    emergency day off is asked for on the day), at most the configured number of days."""
    viewer, form = access
    agent_id = viewer.who.agent_id
    if agent_id is None:
        raise PermissionDeniedError("this user is not linked to an agent")
    most = context.settings.time_off_max_days

    def act() -> None:
        first, last = form_day(form, "first_day"), form_day(form, "last_day")
        today = context.clock().astimezone(LOCAL_ZONE).date()
        if first < today:
            raise FormError(
                _n("%(field)s: time off cannot start before today (%(today)s)"),
                field="first_day",
                today=today,
            )
        if last < first:
            raise FormError(
                _n("%(field)s: %(last)s is before the first day %(first)s"),
                field="last_day",
                last=last,
                first=first,
            )
        days = (last - first).days + 1
        if days > most:
            raise FormError(
                _n(
                    "%(field)s: time off is at most %(most)s days at once; %(first)s to "
                    "%(last)s is %(days)s days"
                ),
                field="last_day",
                most=most,
                first=first,
                last=last,
                days=days,
            )
        request_time_off(
            context.sessions,
            agent_id=agent_id,
            starts_at=_local_midnight(first),
            ends_at=_local_midnight(last + timedelta(days=1)),
            now=context.clock(),
            reason=form.get("reason", "").strip() or None,
            max_days=most,
        )

    return _requests_answer(request, context, viewer, act)


@router.post("/my/time-off/{request_id}/withdraw")
def withdraw_time_off_request(
    request: Request, context: Context, access: Agent, request_id: RequestId
) -> Response:
    """Take back my time-off request while it is pending (someone may have decided it just
    now: then the section says so)."""
    viewer, _ = access

    def act() -> None:
        withdraw_time_off(context.sessions, viewer.who, request_id)

    return _requests_answer(request, context, viewer, act)


@router.get("/me/calendar.ics", name="calendar_feed")
def calendar_feed(
    request: Request,
    context: Context,
    user: Annotated[int | None, Query(ge=1)] = None,
    key: Annotated[str | None, Query(max_length=100)] = None,
    lang: Annotated[str | None, Query(max_length=5)] = None,
) -> Response:
    """The agent's published shifts as iCalendar, for a calendar app (feed key) or a browser
    (session cookie). Four weeks back to four months ahead, in ``lang`` (``en`` or ``nl``;
    else English for a calendar app, the page language for a browser)."""
    if user is not None and key is not None:
        expected = feed_key(context.sessions, context.settings.secret_key.get_secret_value(), user)
        if not hmac.compare_digest(key.encode("utf-8"), expected.encode("utf-8")):
            raise NotFoundError("no such calendar feed")
        user_id = user
        language = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    else:
        viewer = viewer_of(request, context)
        if viewer.who.agent_id is None:
            raise PermissionDeniedError("only an agent has a calendar of their own")
        user_id = viewer.who.user_id
        language = lang if lang in LANGUAGES else language_of(request)
    now = context.clock()
    shifts = feed_shifts(
        context.sessions, user_id, starts_from=now - _FEED_PAST, ends_before=now + _FEED_AHEAD
    )
    return Response(
        _ics(shifts, host=request.url.hostname or "bezetting", now=now, language=language),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


@router.post("/my/calendar/renew")
def renew_calendar_address(request: Request, context: Context, access: Agent) -> Response:
    """Give my calendar feed a new address (after the page asked to confirm): the old one
    stops working, so an address shared by mistake opens nothing any more. HTMX gets the
    calendar section with the new address."""
    viewer = access[0]
    renew_feed_key(context.sessions, viewer.who)
    if not is_htmx(request):
        return RedirectResponse("/my/schedule#calendar", status_code=303)
    return render(
        request,
        "_my_calendar.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values={
            "feed_url": _feed_url(request, context, viewer.who.user_id),
            "feed_renewed": True,
        },
    )


_KIND_TEXT = {
    "contact_work": _n("Work"),
    "break": _n("Break"),
    "lunch": _n("Lunch"),
    "training": _n("Training"),
    "meeting": _n("Meeting"),
    "coaching": _n("Coaching"),
}
_PLACE_TEXT = {"home": _n("home"), "office": _n("office")}


def _ics(shifts: list[ShiftView], *, host: str, now: datetime, language: str) -> bytes:
    gettext = translations(language).gettext
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
        event.add("summary", gettext(_n("Shift")))
        lines = [
            f"{a.astimezone(LOCAL_ZONE):%H:%M}-{b.astimezone(LOCAL_ZONE):%H:%M} "
            f"{gettext(_KIND_TEXT.get(kind, kind))} "
            f"({gettext(_PLACE_TEXT.get(location, location))})"
            for kind, a, b, location in shift.activities
        ]
        if lines:
            event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return bytes(calendar.to_ical())
