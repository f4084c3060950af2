"""Planning settings over HTTP: a planner replaces them, staff read them, a bad key or value is
a 422 naming it and nothing changes; stored ones that no longer parse are a 409 with the reason
and what is stored, wherever planning needs them, until a PUT replaces them."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.conftest import World, bearer
from tests.services.planning_world import RENAMED_RULE, store_settings_unchecked

PATH = "/api/v1/planning-settings"
CAO = {
    "rules": {"name": "CAO Contactcentra 2026", "min_daily_rest_minutes": 600},
    "breaks": {"part_minutes": 45, "earliest_after_start_minutes": 150},
    "weights": {"wish_not_met": 60},
}


def test_a_planner_stores_a_collective_agreement_and_a_team_lead_reads_what_differs(
    client: TestClient, world: World
) -> None:
    before = client.get(PATH, headers=bearer(world, "team_lead"))
    assert before.status_code == 200, before.text
    assert before.json()["rule_pack"] == "Arbeidstijdenwet (NL)"
    assert before.json()["changes"] == []
    assert before.json()["updated_by"] is None

    stored = client.put(PATH, json=CAO, headers=bearer(world, "planner"))
    assert stored.status_code == 200, stored.text
    body = stored.json()
    assert body["rules"] == CAO["rules"]
    assert body["weights"] == {"wish_not_met": 60.0}
    assert body["rule_pack"] == "CAO Contactcentra 2026"
    assert body["updated_by"] == world.emails["planner"]
    rest = body["changes"][0]
    assert (type(rest["value"]), type(rest["default"])) == (int, int)  # minutes stay whole
    assert [(c["section"], c["name"], c["value"], c["default"]) for c in body["changes"]] == [
        ("rules", "min_daily_rest_minutes", 600, 660),
        ("breaks", "part_minutes", 45, 30),
        ("breaks", "latest_before_end_minutes", 60, 150),
        ("weights", "wish_not_met", 60, 30),
    ]
    # 10 h of rest is less than the law's 11 h: marked, so a client can warn as the page does.
    assert [c["less_protective"] for c in body["changes"]] == [True, False, False, False]
    # A team lead reads the values the swaps are checked by, not who set them.
    assert client.get(PATH, headers=bearer(world, "team_lead")).json() == {
        **body,
        "updated_by": None,
    }
    assert client.get(PATH, headers=bearer(world, "admin")).json() == body


def test_a_bad_key_or_value_is_a_422_naming_it_and_changes_nothing(
    client: TestClient, world: World
) -> None:
    planner = bearer(world, "planner")
    assert client.put(PATH, json=CAO, headers=planner).status_code == 200
    for bad, message in (
        ({"rules": {"daily_rest": 600}}, "rules: unknown rule(s) ['daily_rest']"),
        ({"rules": {"min_daily_rest_minutes": 10.5}}, "min_daily_rest_minutes must be a non-neg"),
        ({"weights": {"wish_not_met": -3}}, "weights: wish_not_met must be a number from 0"),
        ({"breaks": {"part_minutes": 5}}, "shorter than the rule pack's shortest break part"),
    ):
        refused = client.put(PATH, json=bad, headers=planner)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == "invalid_input"
        assert message in refused.json()["error"]["message"]
    unknown_key = client.put(PATH, json={"shifts": []}, headers=planner)
    assert unknown_key.status_code == 422
    assert client.get(PATH, headers=planner).json()["rules"] == CAO["rules"]


def test_only_a_planner_or_an_admin_replaces_them(client: TestClient, world: World) -> None:
    for who in ("team_lead", "agent", "client_viewer", "integration"):
        denied = client.put(PATH, json={}, headers=bearer(world, who))
        assert denied.status_code == 403, who
    cleared = client.put(PATH, json={}, headers=bearer(world, "admin"))
    assert cleared.status_code == 200
    assert cleared.json()["changes"] == []


def test_unreadable_stored_settings_are_a_409_with_the_reason_and_what_is_stored_until_replaced(
    app: FastAPI, client: TestClient, world: World
) -> None:
    store_settings_unchecked(app.state.bezetting.sessions, world.organisation_id, RENAMED_RULE)
    planner = bearer(world, "planner")
    for who in ("planner", "team_lead"):
        shown = client.get(PATH, headers=bearer(world, who))
        assert shown.status_code == 409, shown.text
        error = shown.json()["error"]
        assert error["code"] == "unreadable_planning_settings"
        assert error["message"].startswith(
            "the stored planning settings no longer parse: rules: unknown rule(s) "
            "['daily_rest_minutes']"
        )
        [detail] = error["details"]
        assert detail["reason"].startswith("rules: unknown rule(s) ['daily_rest_minutes']")
        assert detail["stored"] == RENAMED_RULE
    # Approving a swap needs the rules: refused the same way, nothing moves.
    approving = client.post(
        f"/api/v1/swaps/{world.accepted_swap_id}/decision",
        json={"approve": True, "schedule_version": world.schedule_version},
        headers=planner,
    )
    assert approving.status_code == 409, approving.text
    assert approving.json()["error"]["code"] == "unreadable_planning_settings"
    # The schedule list still answers.
    assert client.get("/api/v1/schedules", headers=planner).status_code == 200

    corrected = {"rules": {"name": "CAO Klantcontact", "min_daily_rest_minutes": 720}}
    assert client.put(PATH, json=corrected, headers=planner).status_code == 200
    assert client.get(PATH, headers=planner).json()["rule_pack"] == "CAO Klantcontact"
