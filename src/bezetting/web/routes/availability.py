"""The agent at home says when they cannot or would like to work, and what they wish every
week (a day off, early or late shifts, home or office): a section of "My schedule"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any

from babel import Locale
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from bezetting.api.deps import AppContext, Context
from bezetting.core.errors import ConflictError, InputError
from bezetting.services.availability import (
    add_standing_wish,
    declare_window,
    own_availability,
    remove_standing_wish,
    withdraw_window,
)
from bezetting.services.errors import NotFoundError
from bezetting.store.enums import AvailabilityKind, PreferenceKind
from bezetting.web.error_text import FormError
from bezetting.web.forms import form_day, form_time, form_whole
from bezetting.web.i18n import LOCAL_ZONE, _n
from bezetting.web.rendering import FormProblem, htmx_refusal, is_htmx, language_of, render
from bezetting.web.session import FormData, Viewer, viewer_for

__all__ = ["availability_values", "router"]

router = APIRouter(include_in_schema=False)
Agent = Annotated[tuple[Viewer, FormData], Depends(viewer_for("/my/schedule"))]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
_SECTION = "/my/schedule#my-availability"
_WINDOW_KINDS = {k.value: k for k in (AvailabilityKind.UNAVAILABLE, AvailabilityKind.PREFERRED)}
_WISH_KINDS = {k.value: k for k in PreferenceKind}
_EVERY_DAY = "every"


def availability_values(
    context: AppContext, viewer: Viewer, *, language: str, error: str | None
) -> dict[str, Any]:
    """What the section shows: my windows not yet over, my standing wishes, weekday names."""
    own = own_availability(context.sessions, viewer.who, now=context.clock())
    names = Locale.parse(language).days["format"]["wide"]
    return {
        "windows": own.windows,
        "wishes": own.wishes,
        "weekday_names": [names[i] for i in range(7)],
        "availability_error": error,
        "now": context.clock(),
    }


def _answer(
    request: Request,
    context: AppContext,
    viewer: Viewer,
    action: Callable[[], Any],
    form: FormData | None = None,
) -> Response:
    """Run an action; HTMX gets the section again (with the refusal in it and, for a refused
    ``form``, what was typed), a form post a redirect back to the section."""
    error, status = None, 200
    try:
        action()
    except NotFoundError:
        raise  # 404 for what is not mine, as everywhere
    except (InputError, ConflictError) as exc:
        error, status = htmx_refusal(request, exc)
        if form is not None:  # the section's form keeps what was typed (``kept``)
            request.state.form_problem = FormProblem(request.url.path, error, dict(form))
    if not is_htmx(request):
        return RedirectResponse(_SECTION, status_code=303)
    return render(
        request,
        "_my_availability.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        status_code=status,
        values=availability_values(context, viewer, language=language_of(request), error=error),
    )


def _local(day: Any, at: Any) -> datetime:
    return datetime.combine(day, at, LOCAL_ZONE)


@router.post("/my/availability")
def declare(request: Request, context: Context, access: Agent) -> Response:
    """A window on one day (``day``, ``from``, ``to`` in local time; an end before the start
    is on the next day, so 22:00 to 06:00 is a night) that I cannot work or would like to work
    (``kind``). An end equal to the start is refused: a slip, not a window of 24 hours."""
    viewer, form = access

    def act() -> None:
        kind = _WINDOW_KINDS.get(form.get("kind", ""))
        if kind is None:
            raise FormError(_n("choose 'I cannot work' or 'I would like to work'"))
        day = form_day(form, "day")
        starts_at = _local(day, form_time(form, "from"))
        ends_at = _local(day, form_time(form, "to"))
        if ends_at == starts_at:
            raise FormError(
                _n("%(field)s: the end is the same as the start; choose a later time"),
                field="to",
            )
        if ends_at < starts_at:
            ends_at = _local(day + timedelta(days=1), form_time(form, "to"))
        note = form.get("note", "").strip() or None
        declare_window(
            context.sessions,
            viewer.who,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            now=context.clock(),
            note=note,
        )

    return _answer(request, context, viewer, act, form)


@router.post("/my/availability/{window_id}/withdraw")
def withdraw(request: Request, context: Context, access: Agent, window_id: RowId) -> Response:
    """Take back a window I declared, before it begins."""
    viewer, _ = access
    return _answer(
        request,
        context,
        viewer,
        lambda: withdraw_window(context.sessions, viewer.who, window_id, now=context.clock()),
    )


@router.post("/my/wishes")
def add_wish(request: Request, context: Context, access: Agent) -> Response:
    """A standing wish (``kind``), on a weekday or every day (``weekday``), ``weight`` 1-3."""
    viewer, form = access

    def act() -> None:
        kind = _WISH_KINDS.get(form.get("kind", ""))
        if kind is None:
            raise FormError(_n("choose what you wish for"))
        raw_day = form.get("weekday", _EVERY_DAY).strip() or _EVERY_DAY
        weekday = (
            None if raw_day == _EVERY_DAY else form_whole(form, "weekday", low=0, high=6, default=0)
        )
        if weekday is None and kind is PreferenceKind.DAY_OFF:
            # The page has no date field: say which of its fields to change.
            raise FormError(
                _n("%(field)s: a day off is on one weekday; choose it"), field="weekday"
            )
        add_standing_wish(
            context.sessions,
            viewer.who,
            kind=kind,
            weekday=weekday,
            weight=form_whole(form, "weight", low=1, high=3, default=1),
            now=context.clock(),
        )

    return _answer(request, context, viewer, act, form)


@router.post("/my/wishes/{wish_id}/remove")
def remove_wish(request: Request, context: Context, access: Agent, wish_id: RowId) -> Response:
    """Drop one of my standing wishes."""
    viewer, _ = access
    return _answer(
        request,
        context,
        viewer,
        lambda: remove_standing_wish(context.sessions, viewer.who, wish_id),
    )
