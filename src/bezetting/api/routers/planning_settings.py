"""``/planning-settings``: the organisation's planning settings (a collective agreement's rule
overrides, break policy and objective weights; docs/planning.md).

Staff read them (team leads decide swaps that are checked by them); a planner or an admin
replaces them. The body is checked by the service with the core's readers, so a bad key or
value is a 422 naming the key and the reason, and nothing changes. Stored settings that no
longer parse make the read a 409 ``unreadable_planning_settings`` with the reason and what is
stored (``bezetting.api.errors``); a PUT replaces them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from bezetting.api.deps import Context, require_roles
from bezetting.services.planning_settings import (
    SETTINGS_ROLES,
    OrganisationPlanningSettings,
    planning_settings,
    set_planning_settings,
)
from bezetting.services.users import Principal
from bezetting.store.enums import Role

__all__ = ["PlanningSettingsIn", "PlanningSettingsOut", "SettingChangeOut", "router"]

router = APIRouter(prefix="/planning-settings", tags=["planning settings"])
Reader = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.PLANNER, Role.TEAM_LEAD))]
Changer = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.PLANNER))]


class PlanningSettingsIn(BaseModel):
    """What to store, each key as in a problem file; absent or empty: the default."""

    model_config = ConfigDict(extra="forbid")

    rules: dict[str, Any] = {}
    breaks: dict[str, Any] = {}
    weights: dict[str, Any] = {}


class SettingChangeOut(BaseModel):
    """A value in force that differs from its default."""

    section: str
    name: str
    value: int | float
    default: int | float
    source: str
    less_protective: bool
    """A rule whose value protects the worker less than the Arbeidstijdenwet does."""


class PlanningSettingsOut(BaseModel):
    """What is stored, the rule pack in force, and every value that differs from its default."""

    rules: dict[str, Any]
    breaks: dict[str, int]
    weights: dict[str, float]
    rule_pack: str
    changes: list[SettingChangeOut]
    updated_at: datetime | None
    updated_by: str | None
    """The e-mail of who changed them last, for a planner or an admin only (a team lead reads
    the values, not who set them); None from the command line."""

    @classmethod
    def of(cls, s: OrganisationPlanningSettings, *, reader: Principal) -> PlanningSettingsOut:
        return cls(
            rules=dict(s.rules),
            breaks=dict(s.breaks),
            weights=dict(s.weights),
            rule_pack=s.rule_pack.name,
            changes=[
                SettingChangeOut(
                    section=c.section,
                    name=c.name,
                    value=c.value,
                    default=c.default,
                    source=c.source,
                    less_protective=c.less_protective,
                )
                for c in s.changes()
            ],
            updated_at=s.updated_at,
            updated_by=s.updated_by if reader.role in SETTINGS_ROLES else None,
        )


@router.get("", response_model=PlanningSettingsOut, summary="The organisation's planning settings")
def show(who: Reader, context: Context) -> PlanningSettingsOut:
    return PlanningSettingsOut.of(
        planning_settings(context.sessions, organisation_id=who.organisation_id), reader=who
    )


@router.put(
    "", response_model=PlanningSettingsOut, summary="Replace the organisation's planning settings"
)
def replace(body: PlanningSettingsIn, who: Changer, context: Context) -> PlanningSettingsOut:
    stored = set_planning_settings(
        context.sessions,
        organisation_id=who.organisation_id,
        settings=body.model_dump(),
        now=context.clock(),
        by=who,
    )
    return PlanningSettingsOut.of(stored, reader=who)
