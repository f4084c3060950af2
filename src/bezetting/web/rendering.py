"""Jinja2 environments (one per language, so no request ever sees another's translations).

Templates get, besides their own values: ``_``/``gettext``/``ngettext`` (via
``jinja2.ext.i18n``), ``fmt`` (dates, times and numbers in the page's language, in
Europe/Amsterdam), ``lang``, ``viewer`` (who is logged in, or None), ``nav`` (the pages the
viewer may open), ``csrf_token`` (for forms and HTMX posts) and ``error_text(code, message)`` and
``progress_text(message)`` (a service error or a job's progress in the page's language), and
the filters ``schedule_name`` (a stored schedule name with its known suffixes in that language)
and ``sentence`` (a refusal as a sentence: capital first, full stop last, see :func:`sentence`),
and ``replaced_by(name)`` (the schedule that replaced a kept draft's shifts, or None).

A form refused without JavaScript comes back as its page (:func:`bezetting.web.site`), with a
:class:`FormProblem` in the request's state: ``problem_for(action)`` gives its message to the
form that posted to ``action`` (which shows it next to itself), ``kept(action, field, default)``
what was typed in ``field``; a page whose form does not ask shows the message at the top.
``full_path`` (for the language switch) is always an address that can be opened: for a post, the
page the form lives on.

On the pages of :data:`REDIRECTED_PAGES` (the planning page so far) such a refusal is sent as
Post/Redirect/Get (:func:`refusal_redirect`): the answer to the post is
a redirect to the form's page, with the problem in a short-lived cookie (signed under the secret
key and bound to the login session) that the next full page of that address shows once, with
the post's status (409 or 422), and drops. Reloading that page asks for it again rather than
sending the form again. A problem too large for a cookie is rendered as the post's answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.routing import Match

from bezetting.api.deps import SESSION_COOKIE, AppContext
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
from bezetting.web.schedule_names import replaced_by, schedule_name

__all__ = [
    "NAVIGATION",
    "REDIRECTED_PAGES",
    "REFUSAL_COOKIE",
    "SECURITY_HEADERS",
    "FormProblem",
    "NavItem",
    "form_page",
    "is_htmx",
    "language_of",
    "page_roles",
    "refusal_redirect",
    "render",
    "sentence",
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
    NavItem("/time-off", _n("Time off"), frozenset({Role.PLANNER, Role.ADMIN})),
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


REFUSAL_COOKIE = "bezetting_refused"
"""Carries a refused form's problem across the redirect to its page (see the module docstring)."""
_REFUSAL_SECONDS = 120
REDIRECTED_PAGES = frozenset({"/planning", "/account", "/admin/users"})
"""The pages whose forms' refusals come back by a redirect so far; the others' still come back as
the post's answer (their tests look at that answer; each page joins by its path here)."""
_REFUSAL_MAX_CHARACTERS = 3800  # a browser keeps a cookie of up to 4096 bytes


def _refusal_signature(request: Request, payload: str) -> str:
    """HMAC-SHA-256 of ``payload`` under the secret key, bound to the login session."""
    context: AppContext = request.app.state.bezetting
    key = context.settings.secret_key.get_secret_value().encode("utf-8")
    session = request.cookies.get(SESSION_COOKIE, "")
    return hmac.new(key, f"{session}\n{payload}".encode(), hashlib.sha256).hexdigest()


def refusal_redirect(
    request: Request, problem: FormProblem, status: int
) -> RedirectResponse | None:
    """A plain form post's refusal as a redirect to the form's page, which then shows
    ``problem`` once with ``status``; None when the problem does not fit in a cookie or the
    form's page is not (yet) one of :data:`REDIRECTED_PAGES` (the caller then renders the page
    as the post's answer)."""
    target = form_page(request)
    page = urlsplit(target).path
    if page not in REDIRECTED_PAGES:
        return None
    kept = {
        "page": page,
        "action": problem.action,
        "message": problem.message,
        "values": dict(problem.values),
        "status": status,
    }
    payload = base64.urlsafe_b64encode(json.dumps(kept).encode("utf-8")).decode("ascii")
    cookie = f"{payload}.{_refusal_signature(request, payload)}"
    if len(cookie) > _REFUSAL_MAX_CHARACTERS:
        return None
    context: AppContext = request.app.state.bezetting
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        REFUSAL_COOKIE,
        cookie,
        max_age=_REFUSAL_SECONDS,
        httponly=True,
        samesite="lax",
        secure=context.secure_cookies,
        path="/",
    )
    return response


def _kept_refusal(request: Request) -> tuple[FormProblem, int] | None:
    """The refusal :func:`refusal_redirect` kept for this page, and its status; None when there
    is none, or it is for another page, another session, or altered."""
    raw = request.cookies.get(REFUSAL_COOKIE)
    if not raw or request.method != "GET" or is_htmx(request):
        return None
    payload, _, signature = raw.rpartition(".")
    if not hmac.compare_digest(signature, _refusal_signature(request, payload)):
        return None
    try:
        kept = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
        if kept["page"] != request.url.path:
            return None
        values = {str(k): str(v) for k, v in kept["values"].items()}
        return FormProblem(str(kept["action"]), str(kept["message"]), values), int(kept["status"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


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


def sentence(text: str) -> str:
    """``text`` as a sentence: its first letter a capital and a full stop at its end (the
    services' messages start in lower case and end bare, as they may follow a code or a field
    name; a page that shows one on its own shows a sentence). Figures and names inside stay.

    >>> sentence("schedule 3 is already published")
    'Schedule 3 is already published.'
    """
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else f"{text}."


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
    environment.filters["sentence"] = sentence
    environment.globals["replaced_by"] = replaced_by
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
    kept = _kept_refusal(request) if problem is None else None
    if kept is not None:
        problem, kept_status = kept
        status_code = kept_status if status_code == 200 else status_code
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
    if REFUSAL_COOKIE in request.cookies and request.method == "GET" and not is_htmx(request):
        response.delete_cookie(REFUSAL_COOKIE, path="/")  # shown once (or for another page)
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response
