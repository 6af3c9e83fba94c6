"""Shared benchmark plumbing: peak memory of a phase, result table and JSON file."""

from __future__ import annotations

import json
import multiprocessing
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).resolve().parent / "results"


def _child(target: Callable[..., dict[str, Any]], args: tuple[Any, ...], queue: Any) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    extra = target(*args)
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put(
        {
            "seconds": seconds,
            "peak_rss_mib": peak_kib / 1024,
            "rss_before_mib": before / 1024,
            **extra,
        }
    )


def measure_in_child(target: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run module-level `target(*args)` in a fresh process so its peak memory is its own.

    Spawned, not forked: forking after polars started its thread pool can deadlock.
    """
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(target, args, queue))
    process.start()
    result = queue.get()
    process.join()
    if process.exitcode != 0:
        raise RuntimeError(f"benchmark phase failed with exit code {process.exitcode}")
    return dict(result)


def report(
    name: str,
    title: str,
    columns: list[str],
    rows: list[list[Any]],
    payload: dict[str, Any],
    *,
    width: int | None = None,
) -> Path:
    """Print the table (`width` columns wide even into a file or pipe, where rich would use
    80) and write `payload` as bench/results/<name>.json."""
    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*(f"{v:,.2f}" if isinstance(v, float) else str(v) for v in row))
    Console(width=width).print(table)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str))
    print(f"wrote {path}")
    return path
