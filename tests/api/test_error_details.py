"""The error body lists every bad field of a schedule problem, as it lists bad rows."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bezetting.api.errors import install_error_handlers
from bezetting.core.schedule.files import problem_from_mapping


def test_every_bad_field_is_a_detail_with_its_path_label_and_reason() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/problem")
    def read_problem() -> None:
        problem_from_mapping(
            {
                "horizon": {"first_day": "2020-03-16", "days": 7},
                "shifts": [{"name": "late", "start": "12:70", "length_minutes": 510}],
                "weights": {"wish_not_met": "veel"},
            },
            source="problem.yaml",
        )

    answer = TestClient(app).get("/problem")
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_fields"
    assert error["message"].startswith("problem.yaml: 2 bad field(s):")
    assert error["details"] == [
        {
            "field": "shifts[0].start",
            "label": "shift 'late'",
            "reason": "'12:70' is not a clock time from 00:00 to 23:59",
        },
        {
            "field": "weights.wish_not_met",
            "label": "",
            "reason": "must be a number of cost units >= 0, got 'veel'",
        },
    ]
