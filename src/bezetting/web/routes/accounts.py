"""Accounts: everyone's own account page (change the password), and the admin's users page
(create an account, stop or restore a user, give a new password).

A new account and a reset get a random password that the page shows once, for the admin to
hand over; only its hash is stored, and the user then chooses their own on ``/account``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from bezetting.api.deps import Context
from bezetting.services.users import (
    MIN_PASSWORD_LENGTH,
    UserRef,
    WrongPasswordError,
    account_choices,
    change_password,
    create_user,
    new_password,
    reset_password,
    set_active,
    user_by_id,
    user_listing,
)
from bezetting.store.enums import Role
from bezetting.web.error_text import FormError
from bezetting.web.i18n import _n
from bezetting.web.rendering import is_htmx, render
from bezetting.web.session import FormData, Viewer, viewer_for

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Anyone = Annotated[tuple[Viewer, FormData], Depends(viewer_for("/account"))]
Admin = Annotated[tuple[Viewer, FormData], Depends(viewer_for("/admin/users"))]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/account")
def account(request: Request, context: Context, access: Anyone) -> Response:
    """Who the viewer is, and the form to change their password."""
    viewer, _ = access
    changed = request.query_params.get("changed")
    me = user_by_id(
        context.sessions, viewer.who.user_id, organisation_id=viewer.who.organisation_id
    )
    return render(
        request,
        "account.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values={
            "me": me,
            "min_password_length": MIN_PASSWORD_LENGTH,
            "changed": int(changed) if changed is not None and changed.isdigit() else None,
        },
    )


@router.post("/account/password")
def password(request: Request, context: Context, access: Anyone) -> Response:
    """Change the viewer's password (``current_password``, ``new_password`` twice); their other
    sessions end. A wrong current password counts as a failed login for the rate limit."""
    viewer, form = access
    new = form.get("new_password", "")
    if new != form.get("repeat_password", ""):
        raise FormError(_n("the two new passwords differ; type the same one twice"))
    address = request.client.host if request.client else "unknown"
    context.limiter.check(viewer.who.email, address)
    try:
        ended = change_password(
            context.sessions,
            viewer.who,
            current=form.get("current_password", ""),
            new=new,
            now=context.clock(),
        )
    except WrongPasswordError:
        context.limiter.failed(viewer.who.email, address)
        raise
    return _see(request, f"/account?changed={ended}")


@router.get("/admin/users")
def users(request: Request, context: Context, access: Admin) -> Response:
    """Every user of the admin's organisation, and the form for a new one."""
    viewer, _ = access
    return _users_page(request, context, viewer)


@router.post("/admin/users")
def create(request: Request, context: Context, access: Admin) -> Response:
    """A new account (``email``, ``role``; ``agent`` employee number for an agent, ``team`` for
    a team lead, ``client`` code for a client viewer) with a password shown once."""
    viewer, form = access
    try:
        role = Role(form.get("role", ""))
    except ValueError:
        raise FormError(_n("%(field)s: choose one"), field="role") from None

    def chosen(field: str, *, for_role: Role) -> str | None:
        value = form.get(field, "").strip()
        return value or None if role is for_role else None

    password = new_password()
    user = create_user(
        context.sessions,
        email=form.get("email", ""),
        password=password,
        role=role,
        now=context.clock(),
        organisation=viewer.who.organisation_code,
        agent_external_id=chosen("agent", for_role=Role.AGENT),
        client_code=chosen("client", for_role=Role.CLIENT_VIEWER),
        team_name=chosen("team", for_role=Role.TEAM_LEAD),
    )
    return _users_page(request, context, viewer, handed_over=(user, password))


@router.post("/admin/users/{user_id}/active")
def active(request: Request, context: Context, access: Admin, user_id: UserId) -> Response:
    """Stop (``active=0``) or restore (``active=1``) a user."""
    viewer, form = access
    set_active(
        context.sessions,
        viewer.who,
        user_id=user_id,
        active=form.get("active") == "1",
        now=context.clock(),
    )
    return _see(request, f"/admin/users#user-{user_id}")


@router.post("/admin/users/{user_id}/password")
def reset(request: Request, context: Context, access: Admin, user_id: UserId) -> Response:
    """A new random password for the user, shown once."""
    viewer, _ = access
    user, password = reset_password(
        context.sessions, viewer.who, user_id=user_id, now=context.clock()
    )
    return _users_page(request, context, viewer, handed_over=(user, password))


def _see(request: Request, address: str) -> Response:
    """After a post: the browser opens ``address`` (303; for an HTMX request, its redirect)."""
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": address})
    return RedirectResponse(address, status_code=303)


def _users_page(
    request: Request,
    context: Context,
    viewer: Viewer,
    *,
    handed_over: tuple[UserRef, str] | None = None,
) -> Response:
    organisation_id = viewer.who.organisation_id
    values: dict[str, Any] = {
        "users": user_listing(context.sessions, organisation_id=organisation_id),
        "choices": account_choices(context.sessions, organisation_id=organisation_id),
        "roles": list(Role),
        "handed_over": handed_over,
    }
    return render(
        request,
        "admin_users.html",
        viewer=viewer.who,
        csrf_token=viewer.csrf_token,
        values=values,
    )
