"""The benchmarks still run end to end (at a tiny size; their figures are not judged here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
RUNS = {
    "bench_import_flow": ["--rows", "2000", "--stage-mb", "1"],
    "bench_import": ["--rows", "2000", "--cases", "import,small", "--small-runs", "1"],
    "bench_preview": ["--rows", "2000"],
    "bench_backups": ["--rows", "2000"],
    "bench_reads": ["--runs", "5"],
    "bench_small_ops": ["--rounds", "1", "--seconds", "0.5", "--connections", "2"],
    "bench_writes": ["--rows", "2000", "--runs", "2"],
}


@pytest.mark.parametrize("bench", sorted(RUNS))
def test_the_benchmark_runs_to_its_report(bench: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{bench}", "--backend", "sqlite", *RUNS[bench]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| case | backend | result |" in done.stdout
