"""Staffing engine versus pyworkforce (ErlangC and ErlangA), side by side on one grid.

    .venv/bin/python bench/staffing.py            # 96 intervals x 1,000 queues
    .venv/bin/python bench/staffing.py --quick    # 96 intervals x 20 queues

Both answer the same question for every (interval, queue) cell: the fewest agents that answer
80% of calls within 20 seconds (service level over offered calls), Erlang C and Erlang A.
pyworkforce needs Python >= 3.12 for its current releases, so it runs in its own venv
(``bench/.peer-venv-staffing``, created here on first use) in a subprocess, on the same cells
written to a temporary JSON file. Each side is timed around its own computation only (no
interpreter start-up, no file I/O). Cells where the answers differ, and a random sample of the
rest, are checked against the 60-digit reference of the test suite
(``tests/core/queueing/reference.py``) to say who is right.

pyworkforce's ErlangA computes its service level by uniformisation in pure Python and takes
minutes on a tenth of the grid, so Erlang A runs on a random subset of cells (``--a-cells``),
with a time budget for the peer (``--a-budget-seconds``); bezetting runs on exactly the cells
the peer finished.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import numpy as np
from numpy.typing import NDArray

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for tests.core.queueing.reference

from tests.core.queueing import reference  # noqa: E402

from bezetting.core.queueing import (  # noqa: E402
    QueueModel,
    ServiceTarget,
    erlang_a_metrics,
    erlang_c_metrics,
    required_agents,
)

PEER_VENV = REPO / "bench" / ".peer-venv-staffing"
PEER_PYTHONS = ("python3.13", "python3.12", "/root/.pyenv/versions/3.12.1/bin/python3.12")
INTERVAL_SECONDS = 900.0
SERVICE_LEVEL = 0.8
ANSWER_WITHIN_SECONDS = 20.0

PEER_SCRIPT = r"""
import json, signal, sys, time
from importlib.metadata import version
from pyworkforce.queuing import ErlangA, ErlangC

job = json.load(open(sys.argv[1]))
model, cells, budget, per_cell = job["model"], job["cells"], job["budget"], job["per_cell"]

class Timeout(Exception):
    pass

def alarm(signum, frame):
    raise Timeout()

signal.signal(signal.SIGALRM, alarm)
out = []
compute = 0.0
started = time.perf_counter()
for c in cells:
    if budget and time.perf_counter() - started > budget:
        break
    t0 = time.perf_counter()
    if per_cell:
        signal.setitimer(signal.ITIMER_REAL, per_cell)
    try:
        if model == "erlang-c":
            e = ErlangC(transactions=c["transactions"], aht=c["aht_min"], asa=c["asa_min"],
                        interval=c["interval_min"])
        else:
            e = ErlangA(transactions=c["transactions"], aht=c["aht_min"], asa=c["asa_min"],
                        interval=c["interval_min"], patience=c["patience_min"])
        r = e.required_positions(service_level=c["service_level"])
        signal.setitimer(signal.ITIMER_REAL, 0)
        out.append({"id": c["id"], "agents": int(r["raw_positions"]),
                    "service_level": float(r["service_level"]), "error": None})
    except Timeout:
        out.append({"id": c["id"], "agents": None, "service_level": None,
                    "error": f"timeout after {per_cell:g} s"})
    except Exception as exc:
        signal.setitimer(signal.ITIMER_REAL, 0)
        out.append({"id": c["id"], "agents": None, "service_level": None,
                    "error": f"{type(exc).__name__}: {exc}"[:200]})
    compute += time.perf_counter() - t0
json.dump({"version": version("pyworkforce"), "results": out, "seconds": compute},
          open(sys.argv[2], "w"))
"""


class PeerCell(TypedDict):
    """One cell of the peer script's JSON output: agents and SL, or the error instead."""

    id: int
    agents: int | None
    service_level: float | None
    error: str | None


class PeerRun(TypedDict):
    """The peer script's JSON output."""

    version: str
    results: list[PeerCell]
    seconds: float


@dataclass(frozen=True)
class Grid:
    """One row per (interval, queue) cell, flattened."""

    load: NDArray[np.float64]
    aht_seconds: NDArray[np.float64]
    patience_seconds: NDArray[np.float64]


def make_grid(*, intervals: int, queues: int, seed: int) -> Grid:
    """Loads from 0.5 to 5,000 Erlang: a log-uniform peak per queue times a two-hump day."""
    rng = np.random.default_rng(seed)
    peak = np.exp(rng.uniform(np.log(0.5), np.log(5_000.0), size=queues))
    hours = np.linspace(0.0, 24.0, intervals, endpoint=False)
    day = 0.08 + np.exp(-(((hours - 10.5) / 2.5) ** 2)) + 0.8 * np.exp(-(((hours - 15) / 2) ** 2))
    day = day / day.max()
    load = np.clip(np.round(day[:, None] * peak[None, :], 3), 0.5, 5_000.0)
    aht = np.broadcast_to(np.round(rng.uniform(120.0, 600.0, size=queues)), load.shape)
    patience = np.broadcast_to(np.round(rng.uniform(30.0, 300.0, size=queues)), load.shape)
    return Grid(load.ravel(), np.ascontiguousarray(aht).ravel(), patience.ravel().copy())


def peer_python() -> Path:
    """The peer venv's interpreter; the venv is created (and pyworkforce installed) if missing."""
    python = PEER_VENV / "bin" / "python"
    if python.exists():
        return python
    base = os.environ.get("PEER_PYTHON")
    candidates = [base] if base else [shutil.which(p) or p for p in PEER_PYTHONS]
    for candidate in candidates:
        if not candidate:
            continue
        ok = subprocess.run(
            [candidate, "-c", "import sys; sys.exit(sys.version_info < (3, 12))"],
            capture_output=True,
            check=False,
        )
        if ok.returncode == 0:
            break
    else:
        sys.exit("pyworkforce >= 0.5.2 needs Python >= 3.12: set PEER_PYTHON to one")
    print(f"creating {PEER_VENV} with {candidate} and installing pyworkforce ...")
    subprocess.run([candidate, "-m", "venv", str(PEER_VENV)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "pyworkforce"],
        check=True,
    )
    return python


def run_peer(
    model: str, grid: Grid, ids: NDArray[np.int64], *, budget: float, per_cell: float
) -> PeerRun:
    cells = [
        {
            "id": int(i),
            "transactions": float(grid.load[i] * INTERVAL_SECONDS / grid.aht_seconds[i]),
            "aht_min": float(grid.aht_seconds[i] / 60.0),
            "asa_min": ANSWER_WITHIN_SECONDS / 60.0,
            "interval_min": INTERVAL_SECONDS / 60.0,
            "patience_min": float(grid.patience_seconds[i] / 60.0),
            "service_level": SERVICE_LEVEL,
        }
        for i in ids
    ]
    with tempfile.TemporaryDirectory() as tmp:
        script, job, out = Path(tmp, "peer.py"), Path(tmp, "job.json"), Path(tmp, "out.json")
        script.write_text(PEER_SCRIPT)
        job.write_text(
            json.dumps({"model": model, "cells": cells, "budget": budget, "per_cell": per_cell})
        )
        subprocess.run([str(peer_python()), str(script), str(job), str(out)], check=True)
        result: PeerRun = json.loads(out.read_text())
    return result


def run_bezetting(
    model: QueueModel, grid: Grid, ids: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.float64], float]:
    target = ServiceTarget(service_level=SERVICE_LEVEL, answer_within_seconds=ANSWER_WITHIN_SECONDS)
    started = time.perf_counter()
    result = required_agents(
        grid.load[ids],
        aht_seconds=grid.aht_seconds[ids],
        target=target,
        model=model,
        patience_seconds=grid.patience_seconds[ids] if model is QueueModel.ERLANG_A else None,
    )
    seconds = time.perf_counter() - started
    return (
        np.ravel(result.agents),
        np.ravel(result.metrics.service_level_offered),
        seconds,
    )


def reference_sl(model: QueueModel, grid: Grid, i: int, agents: int) -> float:
    """Service level at ``agents`` by the 60-digit reference (0 when Erlang C is unstable)."""
    a, aht = float(grid.load[i]), float(grid.aht_seconds[i])
    if model is QueueModel.ERLANG_C:
        if agents <= a:
            return 0.0
        return float(
            reference.erlang_c_metrics(agents, a, aht, ANSWER_WITHIN_SECONDS).service_level
        )
    if agents < 1:
        return 0.0
    patience = float(grid.patience_seconds[i])
    m = reference.erlang_a_metrics(agents, a, aht, patience, ANSWER_WITHIN_SECONDS)
    return float(m.service_level_offered)


def is_right(model: QueueModel, grid: Grid, i: int, agents: int) -> bool:
    """``agents`` is the fewest meeting the target according to the reference."""
    return (
        reference_sl(model, grid, i, agents) >= SERVICE_LEVEL
        and reference_sl(model, grid, i, agents - 1) < SERVICE_LEVEL
    )


def forward_sl(
    model: QueueModel, grid: Grid, ids: NDArray[np.int64], agents: NDArray[np.float64]
) -> NDArray[np.float64]:
    """bezetting's service level at the given staffing (to compare with the peer's)."""
    a, aht = grid.load[ids], grid.aht_seconds[ids]
    if model is QueueModel.ERLANG_C:
        m = erlang_c_metrics(
            agents, load_erlangs=a, aht_seconds=aht, answer_within_seconds=ANSWER_WITHIN_SECONDS
        )
    else:
        m = erlang_a_metrics(
            agents,
            load_erlangs=a,
            aht_seconds=aht,
            patience_seconds=grid.patience_seconds[ids],
            answer_within_seconds=ANSWER_WITHIN_SECONDS,
            with_asa=False,
        )
    return np.asarray(m.service_level_offered)


def compare(
    model: QueueModel,
    grid: Grid,
    ids: NDArray[np.int64],
    peer: PeerRun,
    *,
    sample: int,
    seed: int,
) -> None:
    results = {r["id"]: r for r in peer["results"]}
    done = np.array([i for i in ids if i in results], dtype=np.int64)
    failed = [results[i] for i in done if results[i]["agents"] is None]
    ok_ids = np.array([i for i in done if results[i]["agents"] is not None], dtype=np.int64)
    ours, _, ours_seconds = run_bezetting(model, grid, done)
    ours_by_id = dict(zip(done.tolist(), ours.tolist(), strict=True))
    peer_agents = np.array([results[i]["agents"] for i in ok_ids], dtype=float)
    peer_sl = np.array([results[i]["service_level"] for i in ok_ids], dtype=float)
    ours_ok = np.array([ours_by_id[i] for i in ok_ids], dtype=float)
    same = peer_agents == ours_ok
    sl_ours_at_peer = forward_sl(model, grid, ok_ids, peer_agents)
    sl_close = np.abs(sl_ours_at_peer - peer_sl) <= 1e-6

    print(f"\n## {model.value}: {len(done)} cells (peer finished {len(done)} of {len(ids)})")
    print(
        f"pyworkforce {peer['version']}: {peer['seconds']:.2f} s;  bezetting: "
        f"{ours_seconds:.3f} s;  speed ratio: {peer['seconds'] / ours_seconds:.0f}x"
    )
    print(f"peer failed (exception or timeout): {len(failed)}")
    for f in failed[:5]:
        i = f["id"]
        print(f"  cell {i}: load {grid.load[i]:g} aht {grid.aht_seconds[i]:g} s: {f['error']}")
    print(
        f"same agents: {same.sum()} of {len(ok_ids)};  peer's SL equal to ours at the "
        f"peer's agents within 1e-6: {sl_close.sum()} of {len(ok_ids)}"
    )
    diff = ours_ok - peer_agents
    if (~same).any():
        values, counts = np.unique(diff[~same], return_counts=True)
        print(
            "  agents (bezetting - peer) where they differ: "
            + ", ".join(f"{v:+.0f}: {c}" for v, c in zip(values, counts, strict=True))
        )
    if (~sl_close).any():
        worst = int(np.argmax(np.abs(sl_ours_at_peer - peer_sl)))
        i = int(ok_ids[worst])
        print(
            f"  largest SL gap: cell {i} (load {grid.load[i]:g}, aht {grid.aht_seconds[i]:g} s, "
            f"{peer_agents[worst]:.0f} agents): peer {peer_sl[worst]:.9f}, bezetting "
            f"{sl_ours_at_peer[worst]:.9f}, reference "
            f"{reference_sl(model, grid, i, int(peer_agents[worst])):.9f}"
        )

    # Who is right: every disagreement (up to `sample`) and a random sample of agreements.
    rng = np.random.default_rng(seed)
    disagree = ok_ids[~same][:sample]
    agree = ok_ids[same]
    agree = rng.choice(agree, size=min(sample, len(agree)), replace=False) if len(agree) else agree
    ours_right = peer_right = 0
    wrong_examples: list[str] = []
    checked = np.concatenate([disagree, agree])
    for i in checked:
        i = int(i)
        peer_agents_i = results[i]["agents"]
        assert peer_agents_i is not None  # `checked` is drawn from ok_ids alone
        peer_n = int(peer_agents_i)
        our_n = int(ours_by_id[i])
        o, p = is_right(model, grid, i, our_n), is_right(model, grid, i, peer_n)
        ours_right += o
        peer_right += p
        if not o:
            wrong_examples.append(f"bezetting wrong at cell {i} (load {grid.load[i]:g}): {our_n}")
        if not p and len(wrong_examples) < 8:
            wrong_examples.append(
                f"peer wrong at cell {i} (load {grid.load[i]:g}, aht {grid.aht_seconds[i]:g} s): "
                f"{peer_n} agents, reference SL there {reference_sl(model, grid, i, peer_n):.6f} "
                f"and at {peer_n - 1}: {reference_sl(model, grid, i, peer_n - 1):.6f}"
            )
    print(
        f"checked against the 60-digit reference: {len(checked)} cells "
        f"({len(disagree)} disagreements + {len(agree)} random agreements): "
        f"bezetting right {ours_right}, pyworkforce right {peer_right}"
    )
    for line in wrong_examples[:8]:
        print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="96 intervals x 20 queues")
    parser.add_argument("--queues", type=int, default=None)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument(
        "--a-cells", type=int, default=2_000, help="Erlang A: random cells offered to the peer"
    )
    parser.add_argument(
        "--a-budget-seconds",
        type=float,
        default=600.0,
        help="Erlang A: the peer stops starting cells after this long",
    )
    parser.add_argument(
        "--a-cell-timeout-seconds",
        type=float,
        default=60.0,
        help="Erlang A: one peer cell taking longer counts as failed",
    )
    parser.add_argument(
        "--check-sample",
        type=int,
        default=100,
        help="cells per model checked against the mpmath reference",
    )
    args = parser.parse_args()
    queues = args.queues or (20 if args.quick else 1_000)
    grid = make_grid(intervals=96, queues=queues, seed=args.seed)
    ids = np.arange(grid.load.size)
    print(
        f"# grid: 96 intervals x {queues} queues = {ids.size} cells, load "
        f"{grid.load.min():g}..{grid.load.max():g} Erlang (median {np.median(grid.load):g}), "
        f"target {SERVICE_LEVEL:.0%} within {ANSWER_WITHIN_SECONDS:g} s; "
        f"machine: {os.cpu_count()} cores (shared), python {sys.version.split()[0]}"
    )

    peer_c = run_peer("erlang-c", grid, ids, budget=0.0, per_cell=0.0)
    compare(QueueModel.ERLANG_C, grid, ids, peer_c, sample=args.check_sample, seed=args.seed)

    rng = np.random.default_rng(args.seed + 1)
    subset = rng.permutation(ids)[: args.a_cells]
    a_sample = max(10, args.check_sample // 5)  # the Erlang A reference is slower
    peer_a = run_peer(
        "erlang-a", grid, subset, budget=args.a_budget_seconds, per_cell=args.a_cell_timeout_seconds
    )
    compare(QueueModel.ERLANG_A, grid, subset, peer_a, sample=a_sample, seed=args.seed)


if __name__ == "__main__":
    main()
