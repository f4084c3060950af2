"""The client viewer's queues with their figures."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from bezetting.api.deps import Context
from bezetting.services.overview import queue_figures
from bezetting.web.i18n import LOCAL_ZONE
from bezetting.web.rendering import render
from bezetting.web.session import FormData, Viewer, viewer_for

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
ClientViewer = Annotated[tuple[Viewer, FormData], Depends(viewer_for("/client"))]
_WINDOW_DAYS = 7


@router.get("/client")
def client(request: Request, context: Context, access: ClientViewer) -> Response:
    """The client's own queues: service level, abandonment, waiting, satisfaction (7 days)."""
    viewer, _ = access
    today = context.clock().astimezone(LOCAL_ZONE).date()
    until = datetime(today.year, today.month, today.day, tzinfo=LOCAL_ZONE)
    since = until - timedelta(days=_WINDOW_DAYS)
    return render(
        request,
        "client.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values={
            "figures": queue_figures(context.sessions, viewer.who, since=since, until=until),
            "since": since,
            "until": until - timedelta(days=1),
            # A queue whose last contact came before the window's last day is said to stop there.
            "data_complete_from": until - timedelta(days=1),
        },
    )
