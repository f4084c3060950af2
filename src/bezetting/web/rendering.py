"""Jinja2 environments (one per language, so no request ever sees another's translations).

Templates get, besides their own values: ``_``/``gettext``/``ngettext`` (via
``jinja2.ext.i18n``), ``fmt`` (dates, times and numbers in the page's language, in
Europe/Amsterdam), ``lang``, ``viewer`` (who is logged in, or None), ``nav`` (the pages the
viewer may open), ``csrf_token`` (for forms and HTMX posts) and ``error_text(code, message)`` and
``progress_text(message)`` (a service error or a job's progress in the page's language).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bezetting.api.docs import DOCS_HEADERS
from bezetting.services.users import Principal
from bezetting.store.enums import Role
from bezetting.web.error_text import message_text, progress_text
from bezetting.web.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGES,
    Formats,
    _n,
    choose_language,
    translations,
)

__all__ = [
    "NAVIGATION",
    "SECURITY_HEADERS",
    "NavItem",
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
)
"""Every page per role; the first one a role may open is its home page."""


def page_roles(path: str) -> frozenset[Role]:
    """Who may open the page at ``path``."""
    for item in NAVIGATION:
        if item.path == path:
            return item.roles
    raise KeyError(path)


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
    context: dict[str, Any] = {
        "fmt": Formats(language),
        "lang": language,
        "languages": LANGUAGES,
        "viewer": viewer,
        "nav": nav,
        "csrf_token": csrf_token,
        "path": request.url.path,
        "full_path": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    }
    context.update(values or {})
    html = environment.get_template(template).render(context)
    response = HTMLResponse(html, status_code=status_code)
    for name, value in {**SECURITY_HEADERS, **(headers or {})}.items():
        response.headers[name] = value
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response
