"""Approving or rejecting a swap two agents agreed on, from the team page or the planning page.

Both pages call the same service as the API (:func:`bezetting.services.swaps.decide_swap`):
approving checks the schedule version the page showed (a newer one is a conflict, 409, with the
message) and the labour rules (a swap that breaks one now stays as it is, and the reasons show
on the swap, 422). A swap decided in another tab or by someone else meanwhile answers 409 with
what happened, by whom and when, and shows the swap as it is now (no buttons).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from bezetting.api.deps import AppContext
from bezetting.services.swaps import (
    SwapDecidedError,
    SwapRefusedError,
    SwapView,
    decide_swap,
    visible_swaps,
)
from bezetting.web.error_text import FormError, error_text
from bezetting.web.forms import form_id
from bezetting.web.i18n import _n
from bezetting.web.labour_rules import RuleBreach, breaches_of
from bezetting.web.rendering import is_htmx, language_of, render
from bezetting.web.session import FormData, Viewer

__all__ = ["Refusals", "approves", "decide_and_answer"]

Refusals = dict[int, list[RuleBreach]]
"""The broken rules of the swaps that were just refused, by swap id."""


def approves(form: FormData) -> bool:
    """The ``decision`` field: ``approve`` or ``reject``."""
    decision = form.get("decision", "")
    if decision not in ("approve", "reject"):
        raise FormError(_n("decision: %(value)r must be 'approve' or 'reject'"), value=decision)
    return decision == "approve"


def decide_and_answer(
    request: Request,
    context: AppContext,
    viewer: Viewer,
    swap_id: int,
    form: FormData,
    *,
    home: str,
    page: str,
    values: Callable[[Refusals], dict[str, Any]],
) -> Response:
    """Decide the swap and answer: HTMX gets the swap's item (``_team_swap.html``), a plain form
    post a redirect to ``home``, or the whole ``page`` with the reasons when a rule refused it.

    ``values`` gives the page's values with the refusals shown; they hold ``swaps`` (the swaps
    to decide), ``names`` (agent names by id) and ``stale`` (what happened to a swap decided
    meanwhile, by swap id: the page shows it instead of buttons)."""
    approve = approves(form)
    refused: Refusals = {}
    status = 200
    decided: SwapView | None = None
    stale: dict[int, str] = {}
    try:
        decided = decide_swap(
            context.sessions,
            viewer.who,
            swap_id,
            approve=approve,
            schedule_version=form_id(form, "schedule_version"),
            now=context.clock(),
        )
    except SwapRefusedError as exc:
        refused, status = {swap_id: breaches_of(exc)}, 422
    except SwapDecidedError as exc:
        decided = _as_it_is_now(context, viewer, swap_id)
        if decided is None:
            raise  # out of the viewer's reach now: the message alone, as any conflict
        stale, status = {swap_id: error_text(exc, language_of(request))}, 409
    if not refused and not stale and not is_htmx(request):
        return RedirectResponse(home, status_code=303)
    shown = {**values(refused), "stale": stale}
    if not is_htmx(request):
        return render(
            request,
            page,
            viewer=viewer.who,
            csrf_token=viewer.csrf_token,
            status_code=status,
            values=shown,
        )
    swap = decided if decided is not None else next(s for s in shown["swaps"] if s.id == swap_id)
    return render(
        request,
        "_team_swap.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        status_code=status,
        values={**shown, "swap": swap},
    )


def _as_it_is_now(context: AppContext, viewer: Viewer, swap_id: int) -> SwapView | None:
    """The swap as the viewer may see it now (it was decided meanwhile); None out of reach."""
    now = context.clock()
    seen = visible_swaps(context.sessions, viewer.who, now=now)
    return next((s for s in seen if s.id == swap_id), None)
