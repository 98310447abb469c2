"""A few crash trials per backend through `bench.crash_trials` (the full runs are by hand).

Each trial sends an import, restore, deletion or retention sweep to a real `listkeeper serve`,
SIGKILLs it at a random point, restarts it and checks every invariant against the oracle.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench.crash_operations import Limits
from bench.crash_trials import Options, run_trials
from tests.conftest import BACKENDS, required_postgres

TRIALS = 3


@pytest.mark.parametrize("backend", BACKENDS)
def test_killed_operations_leave_every_invariant_intact(backend: str, tmp_path: Path) -> None:
    if backend == "postgresql":
        required_postgres()
    options = Options(
        backend=backend,
        trials=TRIALS,
        seed=2026,
        # Small files and a short wait for jobs: CI stays well under a minute a backend.
        limits=Limits(max_rows=2_000, pool=2_400, settle_timeout=15),
        workdir=tmp_path,
        verbose=False,
    )
    summary = asyncio.run(run_trials(options))
    assert summary.trials == TRIALS
    assert summary.violations == []
