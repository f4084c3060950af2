"""The team lead's page: the team, today's absences, open requests and swaps to decide,
reporting a team member sick or better, figures. And the planner's "Time off" page: the same
open time-off requests and approved time off ahead, of every team (a planner or admin reaches
every agent of the organisation, :mod:`bezetting.services.access`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from bezetting.api.deps import AppContext, Context
from bezetting.services.absence import (
    AbsenceReport,
    report_better,
    report_sick,
    undo_sick_report,
)
from bezetting.services.access import check_agent_reach, visible_agents
from bezetting.services.overview import (
    TeamOverview,
    TeamRequest,
    decide_team_request,
    team_overview,
)
from bezetting.services.requests import (
    RequestView,
    cancel_time_off,
    decide_request,
    time_off_clashes,
    visible_requests,
)
from bezetting.services.swaps import SwapStage, visible_swaps
from bezetting.web.i18n import LOCAL_ZONE
from bezetting.web.rendering import is_htmx, render
from bezetting.web.session import FormData, Viewer, viewer_for
from bezetting.web.swap_decisions import Refusals, approves, decide_and_answer

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
TeamLead = Annotated[tuple[Viewer, FormData], Depends(viewer_for("/team"))]
Planner = Annotated[tuple[Viewer, FormData], Depends(viewer_for("/time-off"))]
_PLANNER_REQUESTS = "/time-off/requests"
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _overview(context: AppContext, viewer: Viewer) -> TeamOverview:
    return team_overview(context.sessions, viewer.who, now=context.clock(), zone=LOCAL_ZONE)


def _values(
    context: AppContext, viewer: Viewer, *, refused: Refusals | None = None
) -> dict[str, Any]:
    """The page's values. Swaps are decided in their own section (the labour rules and the
    schedule version), so the open requests leave them out; a swap is the team's when both
    agents are in the team. ``clashes``: per pending time-off request, the published shifts
    approving it would give back. ``approved_ahead``: approved time off that has not started,
    which the team lead may still cancel."""
    overview = _overview(context, viewer)
    names = {a.id: a.name for a in overview.agents}
    requests = [t for t in overview.pending if t.request.kind != "swap"]
    now = context.clock()
    swaps = [
        s
        for s in visible_swaps(context.sessions, viewer.who, now=context.clock())
        if s.stage is SwapStage.ACCEPTED
        and s.offered_by_agent_id in names
        and s.taken_by_agent_id in names
    ]
    return {
        "overview": overview,
        "names": names,
        "requests": requests,
        "clashes": time_off_clashes(
            context.sessions, viewer.who, [t.request.id for t in requests], now=context.clock()
        ),
        "approved_ahead": _approved_ahead(context, viewer, names),
        "now": now,
        "swaps": swaps,
        "refused": refused or {},
        "stale": {},
        "swap_base": "/team/swaps",
    }


def _approved_ahead(
    context: AppContext, viewer: Viewer, names: dict[int, str]
) -> list[TeamRequest]:
    """Approved time off of the agents in ``names`` that has not started: it may be cancelled."""
    now = context.clock()
    return [
        TeamRequest(request=r, agent_name=names[r.agent_id])
        for r in visible_requests(context.sessions, viewer.who)
        if r.kind == "time_off"
        and r.status == "approved"
        and r.starts_at is not None
        and r.starts_at > now
        and r.agent_id in names
    ]


@router.get("/team")
def team(request: Request, context: Context, access: TeamLead) -> Response:
    """The team lead's overview of today."""
    viewer, _ = access
    return render(
        request,
        "team.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values=_values(context, viewer),
    )


def _request_item(
    request: Request,
    context: AppContext,
    viewer: Viewer,
    item: TeamRequest,
    *,
    home: str = "/team",
    request_base: str = "/team/requests",
) -> Response:
    """One request of the list again, after a decision or a cancellation."""
    if not is_htmx(request):
        return RedirectResponse(home, status_code=303)
    return render(
        request,
        "_team_request.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values={"item": item, "now": context.clock(), "request_base": request_base},
    )


@router.post("/team/requests/{request_id}/decision")
def decide(
    request: Request,
    context: Context,
    access: TeamLead,
    request_id: Annotated[int, Path(ge=1)],
) -> Response:
    """Approve or reject a pending request of an agent of the team (``decision`` field)."""
    viewer, form = access
    decided = decide_team_request(
        context.sessions,
        viewer.who,
        request_id,
        approve=approves(form),
        now=context.clock(),
    )
    return _request_item(request, context, viewer, decided)


@router.post("/team/requests/{request_id}/cancel")
def cancel(request: Request, context: Context, access: TeamLead, request_id: RecordId) -> Response:
    """Cancel approved time off of an agent of the team that has not started (plans changed):
    the shifts it gave back wait in the "(given back)" draft for the planner."""
    viewer, _ = access
    view = cancel_time_off(context.sessions, viewer.who, request_id, now=context.clock())
    names = {a.id: a.name for a in _overview(context, viewer).agents}
    item = TeamRequest(request=view, agent_name=names.get(view.agent_id, ""))
    return _request_item(request, context, viewer, item)


@router.get("/time-off")
def time_off(request: Request, context: Context, access: Planner) -> Response:
    """The planner's time-off page: open time-off requests of every team to decide (with the
    shifts approving would give back) and approved time off ahead to cancel, as the team lead
    has them on the team page for their team."""
    viewer, _ = access
    names = _agent_names(context, viewer)
    pending = [
        TeamRequest(request=r, agent_name=names[r.agent_id])
        for r in visible_requests(context.sessions, viewer.who)
        if r.kind == "time_off" and r.status == "pending" and r.agent_id in names
    ]
    pending.sort(key=lambda t: (t.request.starts_at or context.clock(), t.request.id))
    return render(
        request,
        "time_off.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values={
            "requests": pending,
            "clashes": time_off_clashes(
                context.sessions, viewer.who, [t.request.id for t in pending], now=context.clock()
            ),
            "approved_ahead": _approved_ahead(context, viewer, names),
            "now": context.clock(),
            "request_base": _PLANNER_REQUESTS,
        },
    )


def _agent_names(context: AppContext, viewer: Viewer) -> dict[int, str]:
    return {a.id: a.name for a in visible_agents(context.sessions, viewer.who)}


def _planner_item(
    request: Request, context: AppContext, viewer: Viewer, view: RequestView
) -> Response:
    item = TeamRequest(
        request=view, agent_name=_agent_names(context, viewer).get(view.agent_id, "")
    )
    return _request_item(
        request, context, viewer, item, home="/time-off", request_base=_PLANNER_REQUESTS
    )


@router.post("/time-off/requests/{request_id}/decision")
def planner_decides(
    request: Request, context: Context, access: Planner, request_id: RecordId
) -> Response:
    """Approve or reject a pending time-off request of any team (``decision`` field); approving
    gives back the shifts it overlaps, as on the team page."""
    viewer, form = access
    view = decide_request(
        context.sessions, viewer.who, request_id, approve=approves(form), now=context.clock()
    )
    return _planner_item(request, context, viewer, view)


@router.post("/time-off/requests/{request_id}/cancel")
def planner_cancels(
    request: Request, context: Context, access: Planner, request_id: RecordId
) -> Response:
    """Cancel approved time off of any team that has not started (after the page asked to
    confirm); the shifts it gave back wait in the "(given back)" draft."""
    viewer, _ = access
    view = cancel_time_off(context.sessions, viewer.who, request_id, now=context.clock())
    return _planner_item(request, context, viewer, view)


@router.post("/team/swaps/{swap_id}/decision")
def decide_a_swap(
    request: Request, context: Context, access: TeamLead, swap_id: RecordId
) -> Response:
    """Approve (against ``schedule_version``, the version the page showed) or reject a swap two
    agents of the team agreed on (see :mod:`bezetting.web.swap_decisions`)."""
    viewer, form = access
    return decide_and_answer(
        request,
        context,
        viewer,
        swap_id,
        form,
        home="/team",
        page="team.html",
        values=lambda refused: _values(context, viewer, refused=refused),
    )


def _report(
    request: Request, context: AppContext, viewer: Viewer, agent_id: int, *, report: AbsenceReport
) -> Response:
    """Report an agent of the team sick or better now, or undo a sick report made by mistake
    (the reach check as in the API). HTMX gets the agent's row and, out of band, the summary
    the report changes ("absent now", "Absent today"); the row says when the report was
    withdrawn as a mistake (better within ten minutes, or undo) rather than closed."""
    check_agent_reach(context.sessions, viewer.who, agent_id)
    reported = report(context.sessions, agent_id=agent_id, now=context.clock())
    if not is_htmx(request):
        return RedirectResponse("/team", status_code=303)
    values = _values(context, viewer)
    agent = next((a for a in values["overview"].agents if a.id == agent_id), None)
    if agent is None:  # past their last day: no longer on the team's list to update
        return RedirectResponse("/team", status_code=303)
    return render(
        request,
        "_team_agent_changed.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values={**values, "a": agent, "withdrawn": reported.withdrawn},
    )


@router.post("/team/agents/{agent_id}/sick")
def report_agent_sick(
    request: Request, context: Context, access: TeamLead, agent_id: RecordId
) -> Response:
    """Report an agent of the team sick from now."""
    return _report(request, context, access[0], agent_id, report=report_sick)


@router.post("/team/agents/{agent_id}/better")
def report_agent_better(
    request: Request, context: Context, access: TeamLead, agent_id: RecordId
) -> Response:
    """Report an agent of the team better now."""
    return _report(request, context, access[0], agent_id, report=report_better)


@router.post("/team/agents/{agent_id}/undo")
def undo_agent_sick_report(
    request: Request, context: Context, access: TeamLead, agent_id: RecordId
) -> Response:
    """Take back a sick report of an agent of the team as a mistake, within ten minutes."""
    return _report(request, context, access[0], agent_id, report=undo_sick_report)
