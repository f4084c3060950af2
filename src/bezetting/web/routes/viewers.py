"""The client viewer's queues with their figures per day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from bezetting.api.deps import Context
from bezetting.services.overview import MIN_ANSWERS_SHOWN, queue_weeks
from bezetting.web.charts import DailyLabels, daily_legend, daily_svg
from bezetting.web.error_text import FormError, error_text
from bezetting.web.forms import form_day
from bezetting.web.i18n import LOCAL_ZONE, Formats, _n, translations
from bezetting.web.rendering import language_of, render
from bezetting.web.session import FormData, Viewer, viewer_for

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
ClientViewer = Annotated[tuple[Viewer, FormData], Depends(viewer_for("/client"))]
_WEEK_DAYS = 7
_EARLIEST = date(1970, 1, 1)  # no contact centre's figures go back further (nor can year 1)


def _first_day(week: str | None, *, today: date) -> date:
    """The period's first day from the address (``?week=YYYY-MM-DD``): by default the last
    seven complete days; a first day after today (no figures yet) or before 1970 is refused."""
    if not week:
        return today - timedelta(days=_WEEK_DAYS)
    first = form_day({"week": week}, "week")
    if first > today:
        raise FormError(
            _n("%(field)s: %(value)s is after today; figures go up to today"),
            field="week",
            value=first,
        )
    if first < _EARLIEST:
        raise FormError(
            _n("%(field)s: %(value)s is before %(earliest)s; no figures go back that far"),
            field="week",
            value=first,
            earliest=_EARLIEST,
        )
    return first


def _chart_labels(language: str) -> DailyLabels:
    _ = translations(language).gettext
    return DailyLabels(
        title=_("Contacts offered and forecast per day"),
        contacts=_("contacts"),
        offered=_("contacts offered"),
        forecast=_("forecast contacts"),
    )


@router.get("/client")
def client(
    request: Request,
    context: Context,
    access: ClientViewer,
    week: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """The client's own queues, per day of a week: service level, contacts offered against
    the forecast, abandonment, waiting, satisfaction; today's figures so far (``?week=`` picks
    the first day; a bad one is said at the top, over the default week, with status 422)."""
    viewer, _ = access
    language = language_of(request)
    now = context.clock()
    today = now.astimezone(LOCAL_ZONE).date()
    problem = None
    try:
        first = _first_day(week, today=today)
    except FormError as refused:
        problem = error_text(refused, language)
        first = _first_day(None, today=today)
    last = min(first + timedelta(days=_WEEK_DAYS - 1), today)
    weeks = queue_weeks(
        context.sessions, viewer.who, first_day=first, days=_WEEK_DAYS, now=now, zone=LOCAL_ZONE
    )
    labels = _chart_labels(language)
    earlier, following = first - timedelta(days=_WEEK_DAYS), first + timedelta(days=_WEEK_DAYS)
    return render(
        request,
        "client.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        status_code=422 if problem else 200,
        values={
            "problem": problem,
            "weeks": weeks,
            "charts": {
                w.queue_id: daily_svg(
                    w.days, Formats(language), labels, chart_id=f"week-chart-{w.queue_id}"
                )
                for w in weeks
            },
            "chart_legend": daily_legend(labels),
            "first_day": first,
            "last_day": last,
            # A queue whose last contact came before the period's last day is said to stop there.
            "data_complete_from": datetime(last.year, last.month, last.day, tzinfo=LOCAL_ZONE),
            "previous_week": earlier if earlier >= _EARLIEST else None,
            "next_week": following if following <= today else None,
            "live_week": today - timedelta(days=_WEEK_DAYS - 1) if last < today else None,
            "min_csat_answers": MIN_ANSWERS_SHOWN,
        },
    )
