"""The team lead's page: the team, today's absences, open requests to decide, figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from bezetting.api.deps import Context
from bezetting.core.errors import InputError
from bezetting.services.overview import decide_team_request, team_overview
from bezetting.web.i18n import LOCAL_ZONE
from bezetting.web.rendering import is_htmx, render
from bezetting.web.session import FormData, Viewer, viewer_for

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
TeamLead = Annotated[tuple[Viewer, FormData], Depends(viewer_for("/team"))]


@router.get("/team")
def team(request: Request, context: Context, access: TeamLead) -> Response:
    """The team lead's overview of today."""
    viewer, _ = access
    overview = team_overview(context.sessions, viewer.who, now=context.clock(), zone=LOCAL_ZONE)
    names = {a.id: a.name for a in overview.agents}
    return render(
        request,
        "team.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values={"overview": overview, "names": names},
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
    decision = form.get("decision", "")
    if decision not in ("approve", "reject"):
        raise InputError(f"decision: {decision!r} must be 'approve' or 'reject'")
    decided = decide_team_request(
        context.sessions,
        viewer.who,
        request_id,
        approve=decision == "approve",
        now=context.clock(),
    )
    if not is_htmx(request):
        return RedirectResponse("/team", status_code=303)
    return render(
        request,
        "_team_request.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values={"item": decided},
    )
