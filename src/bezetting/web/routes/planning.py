"""The planner's page: coverage per queue and day (chart), schedules to publish, jobs."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from bezetting.api.deps import Context
from bezetting.core.errors import InputError
from bezetting.services.access import visible_queues
from bezetting.services.overview import queue_coverage, schedule_summaries
from bezetting.services.schedules import publish_schedule
from bezetting.web.charts import ChartLabels, coverage_svg
from bezetting.web.i18n import LOCAL_ZONE, Formats, translations
from bezetting.web.rendering import is_htmx, language_of, render
from bezetting.web.session import FormData, Viewer, viewer_for

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Planner = Annotated[tuple[Viewer, FormData], Depends(viewer_for("/planning"))]
_RECENT_JOBS = 20


def _labels(language: str) -> ChartLabels:
    _ = translations(language).gettext
    return ChartLabels(
        title=_("Coverage per interval"),
        agents=_("agents"),
        contacts=_("contacts"),
        scheduled=_("scheduled agents"),
        required=_("required agents"),
        forecast=_("forecast contacts"),
    )


@router.get("/planning")
def planning(
    request: Request,
    context: Context,
    access: Planner,
    queue: Annotated[int | None, Query(ge=1)] = None,
    day: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    """Coverage of one queue on one day, the schedules and the recent jobs."""
    viewer, _ = access
    queues = visible_queues(context.sessions, viewer.who)
    chosen_day = context.clock().astimezone(LOCAL_ZONE).date()
    if day:
        try:
            chosen_day = date.fromisoformat(day)
        except ValueError:
            raise InputError(f"day: {day!r} is not a date (YYYY-MM-DD)") from None
    chosen = queue if queue is not None else (queues[0].id if queues else None)
    coverage = chart = None
    if chosen is not None:
        coverage = queue_coverage(
            context.sessions, viewer.who, chosen, day=chosen_day, zone=LOCAL_ZONE
        )
        language = language_of(request)
        chart = coverage_svg(coverage, Formats(language), _labels(language))
    return render(
        request,
        "planning.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values={
            "queues": queues,
            "queue_id": chosen,
            "day": chosen_day,
            "coverage": coverage,
            "chart": chart,
            "schedules": schedule_summaries(context.sessions, viewer.who),
            "jobs": context.runner.store.recent(
                limit=_RECENT_JOBS, organisation_id=viewer.who.organisation_id
            ),
        },
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
        values={
            "jobs": context.runner.store.recent(
                limit=_RECENT_JOBS, organisation_id=viewer.who.organisation_id
            )
        },
    )


@router.post("/planning/schedules/{schedule_id}/publish")
def publish(
    request: Request,
    context: Context,
    access: Planner,
    schedule_id: Annotated[int, Path(ge=1)],
) -> Response:
    """Publish a draft at the version the planner saw (a newer version is a conflict)."""
    viewer, form = access
    raw = form.get("version", "")
    if not raw.isdigit():
        raise InputError(f"version: {raw!r} must be a whole number")
    visible = {s.id for s in schedule_summaries(context.sessions, viewer.who)}
    if schedule_id not in visible:
        raise InputError(f"no schedule with id {schedule_id}")
    publish_schedule(context.sessions, schedule_id, expected_version=int(raw), now=context.clock())
    if not is_htmx(request):
        return RedirectResponse("/planning", status_code=303)
    row = next(s for s in schedule_summaries(context.sessions, viewer.who) if s.id == schedule_id)
    return render(
        request,
        "_schedule_row.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values={"schedule": row},
    )
