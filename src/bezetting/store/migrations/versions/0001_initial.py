"""Initial schema: every table of the first cut of the domain (docs/data-model.md).

Revision ID: 0001
Revises:
Create Date: 2026-11-27 18:32:45.093455
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "running",
                "succeeded",
                "failed",
                "cancelled",
                name="job_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("progress", sa.Double(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("progress >= 0 AND progress <= 1", name=op.f("ck_jobs_progress")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index(op.f("ix_jobs_created_at"), "jobs", ["created_at"], unique=False)
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("code", name=op.f("uq_organisations_code")),
    )
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_clients_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint(
            "organisation_id", "code", name=op.f("uq_clients_organisation_id_code")
        ),
    )
    op.create_index(
        op.f("ix_clients_organisation_id"), "clients", ["organisation_id"], unique=False
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "contacts",
                "agents",
                "availability",
                name="import_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("file_name", sa.String(length=400), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_import_batches_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        sa.UniqueConstraint(
            "organisation_id",
            "kind",
            "file_sha256",
            name=op.f("uq_import_batches_organisation_id_kind_file_sha256"),
        ),
    )
    op.create_index(
        op.f("ix_import_batches_organisation_id"),
        "import_batches",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                name="schedule_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("period_start <= period_end", name=op.f("ck_schedules_period_order")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_schedules_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
    )
    op.create_index(
        op.f("ix_schedules_organisation_id"), "schedules", ["organisation_id"], unique=False
    )
    op.create_table(
        "skills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_skills_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skills")),
        sa.UniqueConstraint("organisation_id", "code", name=op.f("uq_skills_organisation_id_code")),
    )
    op.create_index(op.f("ix_skills_organisation_id"), "skills", ["organisation_id"], unique=False)
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=400), nullable=False),
        sa.Column("scale_max", sa.SmallInteger(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_surveys_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
    )
    op.create_index(
        op.f("ix_surveys_organisation_id"), "surveys", ["organisation_id"], unique=False
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_teams_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_teams_organisation_id_name")),
    )
    op.create_index(op.f("ix_teams_organisation_id"), "teams", ["organisation_id"], unique=False)
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column(
            "employment_type",
            sa.Enum(
                "permanent",
                "temp",
                "on_call",
                name="employment_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("contract_hours_min", sa.Double(), nullable=False),
        sa.Column("contract_hours_target", sa.Double(), nullable=False),
        sa.Column("contract_hours_max", sa.Double(), nullable=False),
        sa.Column("can_work_home", sa.Boolean(), nullable=False),
        sa.Column("can_work_office", sa.Boolean(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("agency_hours_elsewhere", sa.Double(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "contract_hours_min <= contract_hours_target "
            "AND contract_hours_target <= contract_hours_max",
            name=op.f("ck_agents_contract_hours_order"),
        ),
        sa.CheckConstraint("contract_hours_min >= 0", name=op.f("ck_agents_contract_hours_min")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_agents_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_agents_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint(
            "organisation_id", "external_id", name=op.f("uq_agents_organisation_id_external_id")
        ),
    )
    op.create_index(op.f("ix_agents_organisation_id"), "agents", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_agents_team_id"), "agents", ["team_id"], unique=False)
    op.create_table(
        "queues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "voice",
                "chat",
                "email",
                "callback",
                name="channel",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("interval_minutes", sa.SmallInteger(), nullable=False),
        sa.Column("service_target_share", sa.Double(), nullable=False),
        sa.Column("service_target_seconds", sa.Double(), nullable=False),
        sa.Column("max_abandon_share", sa.Double(), nullable=True),
        sa.Column("patience_seconds", sa.Double(), nullable=True),
        sa.Column("chat_concurrency", sa.SmallInteger(), nullable=False),
        sa.Column("email_deadline_seconds", sa.Double(), nullable=True),
        sa.CheckConstraint("chat_concurrency >= 1", name=op.f("ck_queues_chat_concurrency")),
        sa.CheckConstraint(
            "interval_minutes IN (15, 30, 60)", name=op.f("ck_queues_interval_minutes")
        ),
        sa.CheckConstraint(
            "service_target_seconds > 0", name=op.f("ck_queues_service_target_seconds")
        ),
        sa.CheckConstraint(
            "service_target_share > 0 AND service_target_share <= 1",
            name=op.f("ck_queues_service_target_share"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_queues_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_queues_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queues")),
        sa.UniqueConstraint("organisation_id", "code", name=op.f("uq_queues_organisation_id_code")),
    )
    op.create_index(op.f("ix_queues_client_id"), "queues", ["client_id"], unique=False)
    op.create_index(op.f("ix_queues_organisation_id"), "queues", ["organisation_id"], unique=False)
    op.create_table(
        "survey_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("value >= 1", name=op.f("ck_survey_answers_value")),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_answers_survey_id_surveys")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_survey_answers_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answers")),
    )
    op.create_index(
        op.f("ix_survey_answers_survey_id"), "survey_answers", ["survey_id"], unique=False
    )
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "sick",
                "care_leave",
                "other",
                name="absence_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("better_reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "ends_at IS NULL OR starts_at < ends_at", name=op.f("ck_absences_starts_before_ends")
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_absences_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    op.create_index(
        "ix_absences_agent_id_starts_at", "absences", ["agent_id", "starts_at"], unique=False
    )
    op.create_table(
        "agent_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "day_off",
                "early",
                "late",
                "home",
                "office",
                name="preference_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("weekday", sa.SmallInteger(), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.Column("weight", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "weekday IS NULL OR weekday BETWEEN 0 AND 6", name=op.f("ck_agent_preferences_weekday")
        ),
        sa.CheckConstraint("weight BETWEEN 1 AND 3", name=op.f("ck_agent_preferences_weight")),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_agent_preferences_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_preferences")),
    )
    op.create_index(
        op.f("ix_agent_preferences_agent_id"), "agent_preferences", ["agent_id"], unique=False
    )
    op.create_table(
        "agent_skills",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("proficiency", sa.Double(), nullable=False),
        sa.CheckConstraint("proficiency > 0", name=op.f("ck_agent_skills_proficiency")),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_agent_skills_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_agent_skills_skill_id_skills")
        ),
        sa.PrimaryKeyConstraint("agent_id", "skill_id", name=op.f("pk_agent_skills")),
    )
    op.create_table(
        "agent_state_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "logged_out",
                "available",
                "on_contact",
                "after_contact_work",
                "break",
                "lunch",
                "training",
                "meeting",
                "coaching",
                "other",
                name="agent_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_agent_state_events_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_state_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_agent_state_events_event_id")),
    )
    op.create_index(
        "ix_agent_state_events_agent_id_occurred_at",
        "agent_state_events",
        ["agent_id", "occurred_at"],
        unique=False,
    )
    op.create_table(
        "availability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "available",
                "unavailable",
                "preferred",
                name="availability_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_availability_starts_before_ends")),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_availability_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batches.id"],
            name=op.f("fk_availability_import_batch_id_import_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability")),
        sa.UniqueConstraint(
            "agent_id",
            "starts_at",
            "ends_at",
            "kind",
            name=op.f("uq_availability_agent_id_starts_at_ends_at_kind"),
        ),
    )
    op.create_index(op.f("ix_availability_agent_id"), "availability", ["agent_id"], unique=False)
    op.create_table(
        "contact_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "voice",
                "chat",
                "email",
                "callback",
                name="channel",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("customer_pseudonym", sa.String(length=64), nullable=True),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("abandoned", sa.Boolean(), nullable=False),
        sa.Column("agent_code", sa.String(length=64), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.String(length=200), nullable=True),
        sa.Column("csat", sa.SmallInteger(), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "csat IS NULL OR csat BETWEEN 1 AND 10", name=op.f("ck_contact_records_csat")
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_contact_records_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batches.id"],
            name=op.f("fk_contact_records_import_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["queue_id"], ["queues.id"], name=op.f("fk_contact_records_queue_id_queues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_records")),
        sa.UniqueConstraint(
            "queue_id", "external_id", name=op.f("uq_contact_records_queue_id_external_id")
        ),
    )
    op.create_index(
        op.f("ix_contact_records_agent_id"), "contact_records", ["agent_id"], unique=False
    )
    op.create_index(
        op.f("ix_contact_records_customer_pseudonym"),
        "contact_records",
        ["customer_pseudonym"],
        unique=False,
    )
    op.create_index(
        "ix_contact_records_queue_id_arrived_at",
        "contact_records",
        ["queue_id", "arrived_at"],
        unique=False,
    )
    op.create_table(
        "forecasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("backtest", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["queue_id"], ["queues.id"], name=op.f("fk_forecasts_queue_id_queues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecasts")),
        sa.UniqueConstraint("queue_id", "version", name=op.f("uq_forecasts_queue_id_version")),
    )
    op.create_index(op.f("ix_forecasts_queue_id"), "forecasts", ["queue_id"], unique=False)
    op.create_table(
        "opening_exceptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=True),
        sa.Column("closes", sa.Time(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["queue_id"], ["queues.id"], name=op.f("fk_opening_exceptions_queue_id_queues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_exceptions")),
    )
    op.create_index(
        op.f("ix_opening_exceptions_queue_id"), "opening_exceptions", ["queue_id"], unique=False
    )
    op.create_table(
        "opening_hours",
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.CheckConstraint("opens < closes", name=op.f("ck_opening_hours_opens_before_closes")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_opening_hours_weekday")),
        sa.ForeignKeyConstraint(
            ["queue_id"], ["queues.id"], name=op.f("fk_opening_hours_queue_id_queues")
        ),
        sa.PrimaryKeyConstraint("queue_id", "weekday", "opens", name=op.f("pk_opening_hours")),
    )
    op.create_table(
        "queue_skills",
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["queue_id"], ["queues.id"], name=op.f("fk_queue_skills_queue_id_queues")
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_queue_skills_skill_id_skills")
        ),
        sa.PrimaryKeyConstraint("queue_id", "skill_id", name=op.f("pk_queue_skills")),
    )
    op.create_table(
        "shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_shifts_starts_before_ends")),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_shifts_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"], ["schedules.id"], name=op.f("fk_shifts_schedule_id_schedules")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
    )
    op.create_index(op.f("ix_shifts_agent_id"), "shifts", ["agent_id"], unique=False)
    op.create_index(op.f("ix_shifts_schedule_id"), "shifts", ["schedule_id"], unique=False)
    op.create_table(
        "trainees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("cohort", sa.String(length=64), nullable=False),
        sa.Column("capabilities", sa.JSON(), nullable=False),
        sa.Column("track", sa.String(length=64), nullable=False),
        sa.Column("expected_go_live", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_trainees_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_trainees_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainees")),
    )
    op.create_index(
        op.f("ix_trainees_organisation_id"), "trainees", ["organisation_id"], unique=False
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "planner",
                "team_lead",
                "agent",
                "client_viewer",
                name="role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], name=op.f("fk_users_agent_id_agents")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_users_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_users_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_users_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_index(op.f("ix_users_organisation_id"), "users", ["organisation_id"], unique=False)
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "contact_work",
                "break",
                "lunch",
                "training",
                "meeting",
                "coaching",
                name="activity_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("skill_id", sa.Integer(), nullable=True),
        sa.Column(
            "location",
            sa.Enum("home", "office", name="location", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_activities_starts_before_ends")),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_activities_shift_id_shifts")
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_activities_skill_id_skills")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    op.create_index(op.f("ix_activities_shift_id"), "activities", ["shift_id"], unique=False)
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_api_tokens_token_sha256")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"], unique=False)
    op.create_table(
        "forecast_intervals",
        sa.Column("forecast_id", sa.Integer(), nullable=False),
        sa.Column("interval_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("volume", sa.Double(), nullable=False),
        sa.Column("aht_seconds", sa.Double(), nullable=False),
        sa.Column("volume_lo", sa.Double(), nullable=True),
        sa.Column("volume_hi", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["forecast_id"],
            ["forecasts.id"],
            name=op.f("fk_forecast_intervals_forecast_id_forecasts"),
        ),
        sa.PrimaryKeyConstraint(
            "forecast_id", "interval_start", name=op.f("pk_forecast_intervals")
        ),
    )
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "time_off",
                "swap",
                "availability_change",
                name="request_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                "cancelled",
                name="request_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=400), nullable=True),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("counterpart_agent_id", sa.Integer(), nullable=True),
        sa.Column("counterpart_shift_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at",
            name=op.f("ck_requests_starts_before_ends"),
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_requests_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["counterpart_agent_id"],
            ["agents.id"],
            name=op.f("fk_requests_counterpart_agent_id_agents"),
        ),
        sa.ForeignKeyConstraint(
            ["counterpart_shift_id"],
            ["shifts.id"],
            name=op.f("fk_requests_counterpart_shift_id_shifts"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"], ["users.id"], name=op.f("fk_requests_decided_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_requests_shift_id_shifts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
    )
    op.create_index(op.f("ix_requests_agent_id"), "requests", ["agent_id"], unique=False)
    op.create_table(
        "requirements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("forecast_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=64), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["forecast_id"], ["forecasts.id"], name=op.f("fk_requirements_forecast_id_forecasts")
        ),
        sa.ForeignKeyConstraint(
            ["queue_id"], ["queues.id"], name=op.f("fk_requirements_queue_id_queues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirements")),
    )
    op.create_index(op.f("ix_requirements_queue_id"), "requirements", ["queue_id"], unique=False)
    op.create_table(
        "requirement_intervals",
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column("interval_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agents", sa.Integer(), nullable=False),
        sa.Column("agents_fractional", sa.Double(), nullable=False),
        sa.Column("gross_agents_fractional", sa.Double(), nullable=True),
        sa.Column("service_level", sa.Double(), nullable=True),
        sa.Column("asa_seconds", sa.Double(), nullable=True),
        sa.Column("abandon_rate", sa.Double(), nullable=True),
        sa.Column("occupancy", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["requirements.id"],
            name=op.f("fk_requirement_intervals_requirement_id_requirements"),
        ),
        sa.PrimaryKeyConstraint(
            "requirement_id", "interval_start", name=op.f("pk_requirement_intervals")
        ),
    )


def downgrade() -> None:
    op.drop_table("requirement_intervals")
    op.drop_index(op.f("ix_requirements_queue_id"), table_name="requirements")
    op.drop_table("requirements")
    op.drop_index(op.f("ix_requests_agent_id"), table_name="requests")
    op.drop_table("requests")
    op.drop_table("forecast_intervals")
    op.drop_index(op.f("ix_api_tokens_user_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index(op.f("ix_activities_shift_id"), table_name="activities")
    op.drop_table("activities")
    op.drop_index(op.f("ix_users_organisation_id"), table_name="users")
    op.drop_table("users")
    op.drop_index(op.f("ix_trainees_organisation_id"), table_name="trainees")
    op.drop_table("trainees")
    op.drop_index(op.f("ix_shifts_schedule_id"), table_name="shifts")
    op.drop_index(op.f("ix_shifts_agent_id"), table_name="shifts")
    op.drop_table("shifts")
    op.drop_table("queue_skills")
    op.drop_table("opening_hours")
    op.drop_index(op.f("ix_opening_exceptions_queue_id"), table_name="opening_exceptions")
    op.drop_table("opening_exceptions")
    op.drop_index(op.f("ix_forecasts_queue_id"), table_name="forecasts")
    op.drop_table("forecasts")
    op.drop_index("ix_contact_records_queue_id_arrived_at", table_name="contact_records")
    op.drop_index(op.f("ix_contact_records_customer_pseudonym"), table_name="contact_records")
    op.drop_index(op.f("ix_contact_records_agent_id"), table_name="contact_records")
    op.drop_table("contact_records")
    op.drop_index(op.f("ix_availability_agent_id"), table_name="availability")
    op.drop_table("availability")
    op.drop_index("ix_agent_state_events_agent_id_occurred_at", table_name="agent_state_events")
    op.drop_table("agent_state_events")
    op.drop_table("agent_skills")
    op.drop_index(op.f("ix_agent_preferences_agent_id"), table_name="agent_preferences")
    op.drop_table("agent_preferences")
    op.drop_index("ix_absences_agent_id_starts_at", table_name="absences")
    op.drop_table("absences")
    op.drop_index(op.f("ix_survey_answers_survey_id"), table_name="survey_answers")
    op.drop_table("survey_answers")
    op.drop_index(op.f("ix_queues_organisation_id"), table_name="queues")
    op.drop_index(op.f("ix_queues_client_id"), table_name="queues")
    op.drop_table("queues")
    op.drop_index(op.f("ix_agents_team_id"), table_name="agents")
    op.drop_index(op.f("ix_agents_organisation_id"), table_name="agents")
    op.drop_table("agents")
    op.drop_index(op.f("ix_teams_organisation_id"), table_name="teams")
    op.drop_table("teams")
    op.drop_index(op.f("ix_surveys_organisation_id"), table_name="surveys")
    op.drop_table("surveys")
    op.drop_index(op.f("ix_skills_organisation_id"), table_name="skills")
    op.drop_table("skills")
    op.drop_index(op.f("ix_schedules_organisation_id"), table_name="schedules")
    op.drop_table("schedules")
    op.drop_index(op.f("ix_import_batches_organisation_id"), table_name="import_batches")
    op.drop_table("import_batches")
    op.drop_index(op.f("ix_clients_organisation_id"), table_name="clients")
    op.drop_table("clients")
    op.drop_table("organisations")
    op.drop_index(op.f("ix_jobs_created_at"), table_name="jobs")
    op.drop_table("jobs")
