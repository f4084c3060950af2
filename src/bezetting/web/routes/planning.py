"""The planner's page: coverage per queue and day (chart), schedules to publish, swaps to
decide, forecast and schedule jobs to start, the jobs list, pulse questions to open, and the
planning settings (a collective agreement's rules, breaks and weights) to see and change.

The chart counts the published schedules, or with ``?schedule=ID`` that one schedule alone: a
draft is judged against the requirement there, and published from there, before anyone sees it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from bezetting.api.deps import AppContext, Context
from bezetting.core.errors import ConflictError, InputError
from bezetting.jobs import UnknownJobError
from bezetting.services.access import visible_agents, visible_queues
from bezetting.services.errors import NotFoundError
from bezetting.services.overview import (
    CoverageInterval,
    ScheduleSummary,
    queue_coverage,
    schedule_summaries,
)
from bezetting.services.planning_settings import (
    UnreadableSettingsError,
    planning_settings,
    set_planning_settings,
)
from bezetting.services.schedules import PublishedSchedule, publish_schedule
from bezetting.services.surveys import DEFAULT_SCALE, MAX_QUESTION_LENGTH, open_survey, surveys
from bezetting.services.swaps import SwapStage, visible_swaps
from bezetting.web.charts import (
    ChartLabels,
    column_digits,
    coverage_legend,
    coverage_svg,
    shown_intervals,
)
from bezetting.web.error_text import FormError, error_text
from bezetting.web.forms import form_day, form_id, form_whole
from bezetting.web.i18n import LOCAL_ZONE, Formats, _n, translations
from bezetting.web.planning_settings import (
    settings_from_form,
    settings_rows,
    stored_setting_rows,
    stored_settings_text,
)
from bezetting.web.rendering import htmx_refusal, is_htmx, language_of, render
from bezetting.web.session import FormData, Viewer, viewer_for
from bezetting.web.setting_labels import RULE_PACK_NAME_FIELD
from bezetting.web.swap_decisions import Refusals, decide_and_answer

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Planner = Annotated[tuple[Viewer, FormData], Depends(viewer_for("/planning"))]
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]
JobId = Annotated[str, Path(min_length=1, max_length=64)]
_RECENT_JOBS = 20
_ALL_QUEUES = "all"
_PULSE_DAYS = 7  # a pulse question is open for a week unless the planner says otherwise


def _labels(language: str) -> ChartLabels:
    _ = translations(language).gettext
    return ChartLabels(
        title=_("Coverage per interval"),
        agents=_("agents"),
        contacts=_("contacts"),
        scheduled=_("scheduled agents"),
        required=_("required agents"),
        forecast=_("forecast contacts"),
        offered=_("contacts offered"),
    )


@router.get("/planning")
def planning(
    request: Request,
    context: Context,
    access: Planner,
    queue: Annotated[int | None, Query(ge=1)] = None,
    day: Annotated[str | None, Query(max_length=10)] = None,
    schedule: Annotated[str | None, Query(max_length=12)] = None,
) -> Response:
    """Coverage of one queue on one day (by the published schedules, or by ``schedule``
    alone: empty means the published ones), the schedules, the swaps to decide and the jobs."""
    viewer, _ = access
    chosen_day = form_day({"day": day}, "day") if day else None
    chosen_schedule = form_id({"schedule": schedule or ""}, "schedule")
    return render(
        request,
        "planning.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values=_page_values(
            request, context, viewer, queue=queue, day=chosen_day, schedule=chosen_schedule
        ),
    )


def _page_values(
    request: Request,
    context: AppContext,
    viewer: Viewer,
    *,
    queue: int | None = None,
    day: date | None = None,
    schedule: int | None = None,
    refused: Refusals | None = None,
) -> dict[str, Any]:
    queues = visible_queues(context.sessions, viewer.who)
    schedules = schedule_summaries(context.sessions, viewer.who)
    shown_schedule = _shown_schedule(schedules, schedule)
    chosen_day = (
        day
        or (shown_schedule.period_start if shown_schedule is not None else None)
        or context.clock().astimezone(LOCAL_ZONE).date()
    )
    chosen = queue if queue is not None else (queues[0].id if queues else None)
    coverage = chart = chart_legend = None
    shown: tuple[CoverageInterval, ...] = ()
    if chosen is not None:
        coverage = queue_coverage(
            context.sessions,
            viewer.who,
            chosen,
            day=chosen_day,
            zone=LOCAL_ZONE,
            schedule_id=schedule,
        )
        language = language_of(request)
        labels = _labels(language)
        chart = coverage_svg(coverage, Formats(language), labels)
        chart_legend = coverage_legend(labels)
        shown = shown_intervals(coverage)
    return {
        "queues": queues,
        "queue_id": chosen,
        "day": chosen_day,
        "shown_schedule": shown_schedule,
        "coverage": coverage,
        "chart": chart,
        "chart_legend": chart_legend,
        "shown_intervals": shown,
        "scheduled_digits": column_digits(i.scheduled_agents for i in shown),
        "schedules": schedules,
        "next_monday": _next_monday(chosen_day),
        "first_unplanned_monday": _first_unplanned_monday(chosen_day, schedules),
        **_swap_values(context, viewer, refused=refused),
        **_jobs_values(context, viewer),
        **_pulse_values(context, viewer, today=context.clock().astimezone(LOCAL_ZONE).date()),
        **_settings_values(request, context, viewer),
    }


def _shown_schedule(
    schedules: list[ScheduleSummary], schedule_id: int | None
) -> ScheduleSummary | None:
    """The schedule whose coverage the page shows; None for the published ones together.

    Raises:
        NotFoundError: ``schedule_id`` is not one of the organisation's schedules.
    """
    if schedule_id is None:
        return None
    for summary in schedules:
        if summary.id == schedule_id:
            return summary
    raise NotFoundError(f"no schedule with id {schedule_id}")


def _settings_values(request: Request, context: AppContext, viewer: Viewer) -> dict[str, Any]:
    """The organisation's planning settings: every value in force, and those that differ; or,
    when the stored ones no longer parse, why, what is stored, and the form filled with it."""
    try:
        settings = planning_settings(context.sessions, organisation_id=viewer.who.organisation_id)
    except UnreadableSettingsError as unreadable:
        rules = unreadable.stored.get("rules")
        name = rules.get("name") if isinstance(rules, dict) else None
        return {
            "settings": unreadable,
            "settings_problem": error_text(unreadable, language_of(request)),
            "stored_settings_text": stored_settings_text(unreadable.stored),
            "setting_rows": stored_setting_rows(unreadable.stored),
            "settings_changed": [],
            "rule_pack_name_field": RULE_PACK_NAME_FIELD,
            "stored_rule_pack_name": name if isinstance(name, str) else "",
        }
    rows = settings_rows(settings)
    return {
        "settings": settings,
        "settings_problem": None,
        "setting_rows": rows,
        "settings_changed": [row for row in rows if row.changed],
        "rule_pack_name_field": RULE_PACK_NAME_FIELD,
        "stored_rule_pack_name": settings.rules.get("name", ""),
    }


def _pulse_values(
    context: AppContext, viewer: Viewer, *, today: date, error: str | None = None
) -> dict[str, Any]:
    """The organisation's pulse questions and the form to open one (this week by default)."""
    return {
        "surveys": surveys(context.sessions, viewer.who),
        "pulse_first_day": today,
        "pulse_last_day": today + timedelta(days=_PULSE_DAYS - 1),
        "pulse_scale": DEFAULT_SCALE,
        "pulse_max_length": MAX_QUESTION_LENGTH,
        "pulse_error": error,
        "now": context.clock(),
    }


def _swap_values(
    context: AppContext, viewer: Viewer, *, refused: Refusals | None = None
) -> dict[str, Any]:
    """The swaps two agents agreed on, waiting for a decision, with the agents' names."""
    swaps = visible_swaps(context.sessions, viewer.who, now=context.clock())
    return {
        "swaps": [s for s in swaps if s.stage is SwapStage.ACCEPTED],
        "names": {a.id: a.name for a in visible_agents(context.sessions, viewer.who)},
        "refused": refused or {},
        "stale": {},
        "swap_base": "/planning/swaps",
    }


def _next_monday(day: date) -> date:
    """The first Monday after ``day``: where a new forecast or schedule usually starts."""
    return day + timedelta(days=7 - day.weekday())


def _first_unplanned_monday(day: date, schedules: list[ScheduleSummary]) -> date:
    """Where a new schedule should start: the first Monday after ``day`` that no published
    schedule covers, since one that overlaps a published schedule cannot be published."""
    published = [s.period_end for s in schedules if s.status == "published"]
    start = _next_monday(day)
    if published and max(published) >= start:
        return _next_monday(max(published))
    return start


def _jobs_values(context: AppContext, viewer: Viewer) -> dict[str, Any]:
    return {
        "jobs": context.runner.store.recent(
            limit=_RECENT_JOBS, organisation_id=viewer.who.organisation_id
        )
    }


def _jobs_answer(request: Request, context: AppContext, viewer: Viewer) -> Response:
    """The jobs list (HTMX, polling while a job is queued or running) or back to the page."""
    if not is_htmx(request):
        return RedirectResponse("/planning#jobs", status_code=303)
    return render(
        request,
        "_jobs.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values={**_jobs_values(context, viewer), "started": True},
    )


@router.get("/planning/jobs")
def jobs(request: Request, context: Context, access: Planner) -> Response:
    """The recent jobs (an HTMX fragment the page polls while a job runs)."""
    viewer, _ = access
    return render(
        request,
        "_jobs.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values=_jobs_values(context, viewer),
    )


def _submit(context: AppContext, viewer: Viewer, kind: str, params: dict[str, Any]) -> str:
    """Queue a job for the viewer's own organisation, as ``POST /api/v1/jobs`` does."""
    organisation_id = viewer.who.organisation_id
    return context.runner.submit(
        kind,
        {**params, "organisation_id": organisation_id},
        organisation_id=organisation_id,
        created_by_user_id=viewer.who.user_id,
    )


@router.post("/planning/jobs/forecast")
def start_forecast(request: Request, context: Context, access: Planner) -> Response:
    """Forecast one queue or all of them (``queue``: an id or ``all``) from ``first_day`` for
    ``days`` days, and compute the agents needed: one job per queue."""
    viewer, form = access
    queues = {q.id for q in visible_queues(context.sessions, viewer.who)}
    chosen = form.get("queue", "").strip()
    if chosen == _ALL_QUEUES:
        queue_ids = sorted(queues)
    elif chosen.isdigit() and int(chosen) in queues:
        queue_ids = [int(chosen)]
    else:
        raise FormError(_n("%(field)s: choose one of your queues, or all of them"), field="queue")
    if not queue_ids:
        raise FormError(_n("there are no queues to forecast yet"))
    first_day = form_day(form, "first_day")
    days = form_whole(form, "days", low=1, high=366, default=28)
    for queue_id in queue_ids:
        params = {"queue_id": queue_id, "first_day": first_day.isoformat(), "days": days}
        _submit(context, viewer, "forecast", params)
    return _jobs_answer(request, context, viewer)


@router.post("/planning/jobs/schedule")
def start_schedule(request: Request, context: Context, access: Planner) -> Response:
    """Build a draft schedule of ``weeks`` weeks from ``first_day`` from the newest
    requirements, searching at most ``time_limit_seconds``; ``name`` is optional."""
    viewer, form = access
    params: dict[str, Any] = {
        "first_day": form_day(form, "first_day").isoformat(),
        "weeks": form_whole(form, "weeks", low=1, high=6, default=2),
        "time_limit_seconds": form_whole(form, "time_limit_seconds", low=1, high=3600, default=60),
    }
    name = form.get("name", "").strip()
    if len(name) > 200:
        raise FormError(_n("%(field)s: at most 200 characters"), field="name")
    if name:
        params["name"] = name
    _submit(context, viewer, "schedule", params)
    return _jobs_answer(request, context, viewer)


@router.post("/planning/settings")
def change_settings(request: Request, context: Context, access: Planner) -> Response:
    """Store the planning settings of the form (only what differs from the defaults), or with
    ``reset`` go back to the law's values, the planning break policy and default weights."""
    viewer, form = access
    organisation_id = viewer.who.organisation_id
    wanted = {} if form.get("reset") == "1" else settings_from_form(form)
    set_planning_settings(
        context.sessions,
        organisation_id=organisation_id,
        settings=wanted,
        now=context.clock(),
        by=viewer.who,
    )
    if not is_htmx(request):
        return RedirectResponse("/planning#planning-settings", status_code=303)
    return render(
        request,
        "_planning_settings.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values={
            **_settings_values(request, context, viewer),
            "schedules": schedule_summaries(context.sessions, viewer.who),
            "saved": True,
        },
    )


@router.post("/planning/jobs/{job_id}/cancel")
def cancel_job(request: Request, context: Context, access: Planner, job_id: JobId) -> Response:
    """Cancel a job of the planner's organisation: a queued one at once, a running one at its
    next progress report (a schedule job when its solver returns); another's job is 404."""
    viewer, _ = access
    if context.runner.status(job_id).organisation_id != viewer.who.organisation_id:
        raise UnknownJobError(f"no job with id {job_id!r}")
    context.runner.cancel(job_id)
    return _jobs_answer(request, context, viewer)


@router.post("/planning/schedules/{schedule_id}/publish")
def publish(
    request: Request,
    context: Context,
    access: Planner,
    schedule_id: Annotated[int, Path(ge=1)],
) -> Response:
    """Publish a draft at the version the planner saw (a newer version is a conflict); with
    ``replace`` ticked, in place of the published shifts of its period not yet started. A form
    that names ``queue`` and ``day`` (the coverage view's) returns to that schedule's view."""
    viewer, form = access
    version = form_id(form, "version")
    if version is None:
        raise FormError(_n("%(field)s: the form names no version"), field="version")
    visible = {s.id for s in schedule_summaries(context.sessions, viewer.who)}
    if schedule_id not in visible:
        raise InputError(f"no schedule with id {schedule_id}")
    replace = form.get("replace") == "1"
    back = _back_from_publishing(form, schedule_id)  # a bad field refuses before publishing
    try:
        published = publish_schedule(
            context.sessions,
            schedule_id,
            expected_version=version,
            now=context.clock(),
            replace_published=replace,
        )
    except (InputError, ConflictError) as exc:
        if isinstance(exc, NotFoundError):
            raise
        refusal, status = htmx_refusal(request, exc)  # a plain post: the page, with the reason
        return _schedule_row(request, context, viewer, schedule_id, refusal, status)
    if published.left_out:
        return _left_out_answer(request, context, viewer, form, published)
    if not is_htmx(request):
        return RedirectResponse(back, status_code=303)
    if replace:  # other rows changed too (shift counts, versions, a draft of what was replaced)
        return Response(status_code=200, headers={"HX-Redirect": "/planning"})
    return _schedule_row(request, context, viewer, schedule_id)


def _schedule_row(
    request: Request,
    context: AppContext,
    viewer: Viewer,
    schedule_id: int,
    refusal: str | None = None,
    status: int = 200,
) -> Response:
    """The schedule's row as it is now (HTMX), with the reason publishing was refused."""
    row = next(s for s in schedule_summaries(context.sessions, viewer.who) if s.id == schedule_id)
    return render(
        request,
        "_schedule_row.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        status_code=status,
        values={"schedule": row, "refusal": refusal},
    )


def _left_out_answer(
    request: Request,
    context: AppContext,
    viewer: Viewer,
    form: FormData,
    published: PublishedSchedule,
) -> Response:
    """Say which shifts publishing left out (on approved time off) and where they went: the
    schedule list with the message (a new "(given back)" draft is in it), or the whole page
    for a plain post, so the message is not lost in a redirect."""
    if is_htmx(request):
        template, headers = (
            "_schedules.html",
            {"HX-Retarget": "#schedules", "HX-Reswap": "outerHTML"},
        )
        values: dict[str, Any] = {"schedules": schedule_summaries(context.sessions, viewer.who)}
    else:
        template, headers = "planning.html", {}
        from_coverage = form_id(form, "queue") is not None and form.get("day", "").strip() != ""
        values = _page_values(
            request,
            context,
            viewer,
            queue=form_id(form, "queue"),
            day=form_day(form, "day") if from_coverage else None,
            schedule=published.id if from_coverage else None,
        )
    name = next(s.name for s in values["schedules"] if s.id == published.id)
    return render(
        request,
        template,
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values={**values, "left_out": published.left_out, "published_name": name},
        headers=headers,
    )


def _back_from_publishing(form: FormData, schedule_id: int) -> str:
    """Where a plain publish form returns: the coverage view it was sent from, if any."""
    queue, day = form_id(form, "queue"), form.get("day", "").strip()
    if queue is None or not day:
        return "/planning"
    shown_day = form_day(form, "day").isoformat()
    return "/planning?" + urlencode({"schedule": schedule_id, "queue": queue, "day": shown_day})


@router.post("/planning/swaps/{swap_id}/decision")
def decide_a_swap(
    request: Request, context: Context, access: Planner, swap_id: RecordId
) -> Response:
    """Approve (against ``schedule_version``, the version the page showed) or reject a swap two
    agents agreed on, as a team lead can for their team (:mod:`bezetting.web.swap_decisions`)."""
    viewer, form = access
    return decide_and_answer(
        request,
        context,
        viewer,
        swap_id,
        form,
        home="/planning#swaps",
        page="planning.html",
        values=lambda refused: _page_values(request, context, viewer, refused=refused),
    )


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_ZONE)


@router.post("/planning/surveys")
def open_pulse(request: Request, context: Context, access: Planner) -> Response:
    """Open a pulse question (``question``, ``scale_max``) to every agent from the start of
    ``first_day`` to the end of ``last_day`` (local days)."""
    viewer, form = access
    error, status = None, 200
    try:
        first, last = form_day(form, "first_day"), form_day(form, "last_day")
        if last < first:
            raise FormError(
                _n("%(field)s: %(last)s is before the first day %(first)s"),
                field="last_day",
                last=last,
                first=first,
            )
        question = form.get("question", "").strip()
        if not question or len(question) > MAX_QUESTION_LENGTH:
            raise FormError(
                _n("%(field)s: from 1 to %(most)s characters"),
                field="question",
                most=MAX_QUESTION_LENGTH,
            )
        open_survey(
            context.sessions,
            viewer.who,
            question=question,
            opens_at=_local_midnight(first),
            closes_at=_local_midnight(last + timedelta(days=1)),
            now=context.clock(),
            scale_max=form_whole(form, "scale_max", low=2, high=10, default=DEFAULT_SCALE),
        )
    except InputError as exc:
        if not is_htmx(request):
            raise
        error, status = error_text(exc, language_of(request)), 422
    if not is_htmx(request):
        return RedirectResponse("/planning#pulse", status_code=303)
    today = context.clock().astimezone(LOCAL_ZONE).date()
    return render(
        request,
        "_pulse_surveys.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        status_code=status,
        values=_pulse_values(context, viewer, today=today, error=error),
    )
