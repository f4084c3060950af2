"""The server-side SVG chart, the Dutch catalogue's completeness, and how the site is built."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from fastapi.testclient import TestClient

from bezetting.api.app import create_app
from bezetting.cli.serve import APP_FACTORY
from bezetting.config import load_settings
from bezetting.services.overview import CoverageDay, CoverageInterval
from bezetting.web import create_site
from bezetting.web.charts import ChartLabels, coverage_legend, coverage_svg, nice_ceiling
from bezetting.web.i18n import Formats, translations

WEB = Path(__file__).resolve().parents[2] / "src" / "bezetting" / "web"
LABELS = ChartLabels("Coverage", "agents", "contacts", "scheduled", "required", "forecast")


@pytest.mark.parametrize(
    ("value", "whole", "top"),
    [(0.0, True, 4.0), (3.2, True, 4.0), (4.0, True, 4.0), (4.1, True, 8.0), (9, True, 12.0),
     (137.0, False, 200.0), (0.3, False, 0.4), (1000.0, False, 1000.0), (0.0, False, 4.0)],
)  # fmt: skip
def test_axis_tops_give_four_round_steps(value: float, whole: bool, top: float) -> None:
    assert nice_ceiling(value, whole=whole) == pytest.approx(top)


def _day(values: list[tuple[float | None, float | None, float]]) -> CoverageDay:
    start = datetime(2020, 3, 17, 7, 0, tzinfo=UTC)
    intervals = tuple(
        CoverageInterval(
            starts_at=start + timedelta(minutes=30 * i),
            forecast_volume=f,
            required_agents=r,
            scheduled_agents=s,
        )
        for i, (f, r, s) in enumerate(values)
    )
    return CoverageDay(
        queue_id=1, queue_name="q", day=date(2020, 3, 17), interval_minutes=30,
        forecast_version=1, requirement_id=1, intervals=intervals,
    )  # fmt: skip


def test_the_chart_has_a_bar_per_staffed_interval_and_axes() -> None:
    svg = str(coverage_svg(_day([(10, 1, 0), (20, 2, 1.5), (30, 3, 3)]), Formats("en"), LABELS))
    assert svg.startswith("<svg")
    assert 'viewBox="0 0 760 306"' in svg  # scales to its box, see test_browser.py
    assert '<title id="chart-title">Coverage</title>' in svg
    assert svg.count('<rect class="scheduled"') == 2  # two staffed intervals
    assert svg.count('<polyline class="required"') == 1
    assert svg.count('<polyline class="forecast"') == 1
    for label in (">agents<", ">contacts<", ">08<"):
        assert label in svg


def test_the_legend_is_a_list_with_a_key_per_series() -> None:
    legend = str(coverage_legend(LABELS))
    assert legend.startswith('<ul class="chart-legend">')
    for kind in ("scheduled", "required", "forecast"):  # LABELS names each series by its kind
        assert f'<span class="key key-{kind}" aria-hidden="true"></span>{kind}</li>' in legend


def test_a_gap_in_the_requirement_breaks_its_line() -> None:
    svg = str(
        coverage_svg(_day([(None, 1, 0), (None, None, 0), (None, 2, 0)]), Formats("nl"), LABELS)
    )
    assert svg.count('<polyline class="required"') == 2
    assert 'class="forecast"' not in svg


def test_chart_text_is_escaped() -> None:
    labels = ChartLabels("<script>", "a", "c", "s", "r", "f")
    svg = str(coverage_svg(_day([(1, 1, 1)]), Formats("en"), labels))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    legend = str(coverage_legend(ChartLabels("t", "a", "c", "<b>", "r", "f")))
    assert "<b>" not in legend
    assert "&lt;b&gt;" in legend


def test_every_text_of_the_pages_has_a_dutch_translation() -> None:
    found = {
        message
        for _, _, message, _, _ in extract_from_dir(
            WEB,
            [("templates/**.html", "jinja2"), ("**.py", "python")],
            options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
            keywords={"_": None, "gettext": None, "_n": None},
        )
    }
    assert len(found) > 100
    dutch = translations("nl")
    missing = sorted(m for m in found if isinstance(m, str) and dutch.gettext(m) == m
                     and m not in {"Planning", "Training", "Lunch", "Coaching", "Status",
                                   "Interval", "planner", "E-mail", "chat", "e-mail"})  # fmt: skip
    assert missing == []


def test_create_app_alone_has_no_pages_and_the_site_keeps_api_errors_json() -> None:
    settings = load_settings(env="test")
    api_only = TestClient(create_app(settings), follow_redirects=False)
    assert api_only.get("/login").status_code == 404
    site = TestClient(create_site(settings), follow_redirects=False)
    denied = site.get("/api/v1/auth/me")
    assert denied.status_code == 401
    assert denied.json()["error"]["code"] == "unauthenticated"
    assert site.get("/static/htmx.min.js").status_code == 200


def test_bezetting_serve_runs_the_site() -> None:
    module, _, name = APP_FACTORY.partition(":")
    assert (module, name) == ("bezetting.web", "create_site")


def test_the_dutch_catalogue_translates_each_text_once() -> None:
    # Babel keeps the last of two entries for one text without a word: a second translation
    # added later would silently replace the first.
    catalogue = (WEB / "locale" / "nl" / "LC_MESSAGES" / "messages.po").read_text("utf-8")
    texts = re.findall(r'^msgid (".*"(?:\n".*")*)', catalogue, flags=re.M)
    texts = [t for t in texts if t != '""']
    assert sorted({t for t in texts if texts.count(t) > 1}) == []
