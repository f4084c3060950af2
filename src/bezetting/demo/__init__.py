"""The demo: a fictional Dutch municipal customer-service centre in the spring-2020 surge.

Two views of it:

* :func:`build_demo_day` plans one surge day (Monday 16 March 2020) in memory, for a table and
  a chart (``bezetting demo --day``);
* :func:`demo_agents`, :func:`demo_queues` and :func:`demo_history` describe the whole
  organisation (about 80 agents, five queues, eight weeks of contacts), which
  ``bezetting.services.demo_organisation`` stores in the database (``bezetting demo``).

Shapes come from the public Anonymous Bank call-centre data (1999), shipped as small derived
files (:mod:`bezetting.demo.figures`); volumes, handle-time levels and the people are invented.
Nothing here reads the raw data or touches a database.
"""

from __future__ import annotations

from bezetting.demo.day import DemoDay, DemoQueue, build_demo_day
from bezetting.demo.figures import PublicDataFigures, public_data_figures
from bezetting.demo.history import DemoContact, demo_history
from bezetting.demo.organisation import (
    DEMO_ORGANISATION_CODE,
    DEMO_ORGANISATION_NAME,
    HISTORY_WEEKS,
    PARTNER_CLIENT_CODE,
    PLAN_FIRST_DAY,
    PLAN_WEEKS,
    PLANNED_AT,
    SURGE_FIRST_DAY,
    DemoAgent,
    DemoPreference,
    DemoQueueSpec,
    demo_agents,
    demo_queues,
)

__all__ = [
    "DEMO_ORGANISATION_CODE",
    "DEMO_ORGANISATION_NAME",
    "HISTORY_WEEKS",
    "PARTNER_CLIENT_CODE",
    "PLANNED_AT",
    "PLAN_FIRST_DAY",
    "PLAN_WEEKS",
    "SURGE_FIRST_DAY",
    "DemoAgent",
    "DemoContact",
    "DemoDay",
    "DemoPreference",
    "DemoQueue",
    "DemoQueueSpec",
    "PublicDataFigures",
    "build_demo_day",
    "demo_agents",
    "demo_history",
    "demo_queues",
    "public_data_figures",
]
