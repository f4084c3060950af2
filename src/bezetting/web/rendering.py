"""Jinja2 environments (one per language, so no request ever sees another's translations).

Templates get, besides their own values: ``_``/``gettext``/``ngettext`` (via
``jinja2.ext.i18n``), ``fmt`` (dates, times and numbers in the page's language, in
Europe/Amsterdam), ``lang``, ``viewer`` (who is logged in, or None), ``nav`` (the pages the
viewer may open), ``csrf_token`` (for forms and HTMX posts) and ``error_text(code, message)`` and
``progress_text(message)`` (a service error or a job's progress in the page's language), and
the filter ``schedule_name`` (a stored schedule name with its known suffixes in that language).

A form refused without JavaScript comes back as its page (:func:`bezetting.web.site`), with a
:class:`FormProblem` in the request's state: ``problem_for(action)`` gives its message to the
form that posted to ``action`` (which shows it next to itself), ``kept(action, field, default)``
what was typed in ``field``; a page whose form does not ask shows the message at the top.
``full_path`` (for the language switch) is always an address that can be opened: for a post, the
page the form lives on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.routing import Match

from bezetting.api.docs import DOCS_HEADERS
from bezetting.core.errors import BezettingError, ConflictError
from bezetting.services.users import Principal
from bezetting.store.enums import Role
from bezetting.web.error_text import error_text, message_text, progress_text
from bezetting.web.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGES,
    Formats,
    _n,
    choose_language,
    translations,
)
from bezetting.web.schedule_names import schedule_name

__all__ = [
    "NAVIGATION",
    "SECURITY_HEADERS",
    "FormProblem",
    "NavItem",
    "form_page",
    "is_htmx",
    "language_of",
    "page_roles",
    "render",
]

SECURITY_HEADERS = {**DOCS_HEADERS, "Cache-Control": "no-store"}
"""Sent with every page: no inline script or style, no framing, no caching of personal data."""


@dataclass(frozen=True)
class NavItem:
    """A page in the navigation: its path, its (translatable) title and who may open it."""

    path: str
    title: str
    roles: frozenset[Role]


NAVIGATION = (
    NavItem("/my/schedule", _n("My schedule"), frozenset({Role.AGENT})),
    NavItem("/team", _n("My team"), frozenset({Role.TEAM_LEAD})),
    NavItem("/planning", _n("Planning"), frozenset({Role.PLANNER, Role.ADMIN})),
    NavItem("/client", _n("Our queues"), frozenset({Role.CLIENT_VIEWER})),
    NavItem("/admin/users", _n("Users"), frozenset({Role.ADMIN})),
    NavItem("/account", _n("Account"), frozenset(Role)),
)
"""Every page per role; the first one a role may open is its home page."""


def page_roles(path: str) -> frozenset[Role]:
    """Who may open the page at ``path``."""
    for item in NAVIGATION:
        if item.path == path:
            return item.roles
    raise KeyError(path)


@dataclass
class FormProblem:
    """A form post that was refused: where it posted to, why (in the page's language) and what
    was typed, so that its page can show it again (no JavaScript needed)."""

    action: str
    message: str
    values: Mapping[str, str]
    shown: bool = field(default=False, compare=False)


def form_page(request: Request) -> str:
    """The page a form post came from, as an address to open: the page the route belongs to
    (with the query the browser's Referer gives it, e.g. the planning page's queue and day),
    else the posted address when it can be opened too, else ``/``."""
    page: str | None = getattr(request.state, "page", None)
    referer = urlsplit(request.headers.get("referer", ""))
    if page is not None:
        same_site = referer.netloc == request.url.netloc and referer.path == page
        return page + (f"?{referer.query}" if same_site and referer.query else "")
    scope = {"type": "http", "path": request.url.path, "method": "GET"}
    if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
        return request.url.path
    return "/"


def _problem_helpers(problem: FormProblem | None) -> dict[str, Any]:
    def problem_for(action: str) -> str | None:
        if problem is None or problem.action != action:
            return None
        problem.shown = True
        return problem.message

    def kept(action: str, name: str, default: object = "") -> object:
        if problem is None or problem.action != action or name not in problem.values:
            return default
        return problem.values[name]

    return {"problem_for": problem_for, "kept": kept}


@cache
def _environment(language: str) -> Environment:
    environment = Environment(
        loader=PackageLoader("bezetting.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_translations(  # type: ignore[attr-defined]
        translations(language), newstyle=True
    )
    environment.globals["error_text"] = partial(message_text, language=language)
    environment.globals["progress_text"] = partial(progress_text, language=language)
    environment.filters["schedule_name"] = partial(schedule_name, language=language)
    return environment


def language_of(request: Request) -> str:
    """The page language for this request (cookie, then Accept-Language)."""
    return choose_language(
        cookie=request.cookies.get(LANGUAGE_COOKIE),
        accept_language=request.headers.get("accept-language"),
    )


def is_htmx(request: Request) -> bool:
    """Whether HTMX sent the request (it then wants a fragment, not a page)."""
    return request.headers.get("hx-request") == "true"


def htmx_refusal(request: Request, exc: BezettingError) -> tuple[str, int]:
    """A refused action's message (in the page's language) and status for the HTMX fragment
    that shows it: 409 for a lost race, 422 for bad input. A plain form post re-raises, so that
    the form's page comes back with the reason and what was typed (:mod:`bezetting.web.site`)."""
    if not is_htmx(request):
        raise exc
    return error_text(exc, language_of(request)), 409 if isinstance(exc, ConflictError) else 422


def render(
    request: Request,
    template: str,
    *,
    viewer: Principal | None,
    csrf_token: str = "",
    status_code: int = 200,
    values: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` in the request's language with the common values."""
    language = language_of(request)
    environment = _environment(language)
    nav = [] if viewer is None else [i for i in NAVIGATION if viewer.role in i.roles]
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    problem: FormProblem | None = getattr(request.state, "form_problem", None)
    context: dict[str, Any] = {
        "fmt": Formats(language),
        "lang": language,
        "languages": LANGUAGES,
        "viewer": viewer,
        "nav": nav,
        "csrf_token": csrf_token,
        "path": request.url.path,
        "full_path": here if request.method in ("GET", "HEAD") else form_page(request),
        "unclaimed_problem": None,
        "problem_at_form": False,
        **_problem_helpers(problem),
    }
    context.update(values or {})
    page = environment.get_template(template)
    html = page.render(context)
    if problem is not None:
        if problem.shown:
            # the page opens at its top, and the form may be a screen or two further down
            context["problem_at_form"] = True  # the top points to the reason at the form
        else:
            context["unclaimed_problem"] = problem.message  # no form showed it: the top says it
        html = page.render(context)
    response = HTMLResponse(html, status_code=status_code)
    for name, value in {**SECURITY_HEADERS, **(headers or {})}.items():
        response.headers[name] = value
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response
