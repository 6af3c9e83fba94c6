"""Benchmark: 100,000 synthetic participants, CSV -> validated -> stored (SQLite, PostgreSQL)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import measure_in_child, report

from recomentor import fields as F
from recomentor.settings import Settings
from recomentor.store import open_store
from recomentor.store.participants import upsert_participants
from recomentor.survey import ColumnMapping, import_participants
from recomentor.survey.participants import (
    canonical_frame,
    latest_per_id,
    to_records,
    validate_participants,
)
from recomentor.survey.reader import ReadLimits, read_table
from recomentor.synth import write_synthetic

TARGET_SECONDS = 20.0
TARGET_PEAK_MIB = 1024.0


def _parse_validate(csv_path: Path, settings: Settings) -> list[dict[str, Any]]:
    limits = ReadLimits.of(settings)
    table = read_table(csv_path.read_bytes(), source="bench.csv", limits=limits)
    mapping = ColumnMapping()
    frame, _ = canonical_frame(table.frame, table.headers, mapping, F.PARTICIPANT_FIELDS)
    valid, problems = validate_participants(frame, mapping, max_text_chars=settings.max_text_chars)
    if problems:
        raise SystemExit(f"synthetic data should be valid: {problems[:3]}")
    latest, _ = latest_per_id(valid)
    return to_records(latest)


def parse_phase(csv_path: Path, settings: Settings) -> dict[str, Any]:
    return {"rows": len(_parse_validate(csv_path, settings))}


def store_phase(csv_path: Path, settings: Settings, url: str) -> dict[str, Any]:
    records = _parse_validate(csv_path, settings)
    store = open_store(url)
    start = time.perf_counter()
    with store.session() as session:
        counts = upsert_participants(session, records)
    return {"write_seconds": time.perf_counter() - start, "inserted": counts.inserted}


def whole_phase(csv_path: Path, settings: Settings, url: str) -> dict[str, Any]:
    store = open_store(url)
    start = time.perf_counter()
    first = import_participants(store, csv_path.read_bytes(), source="bench.csv", settings=settings)
    first_seconds = time.perf_counter() - start
    start = time.perf_counter()
    again = import_participants(store, csv_path.read_bytes(), source="bench.csv", settings=settings)
    return {
        "first_seconds": first_seconds,
        "inserted": first.inserted,
        "reimport_seconds": time.perf_counter() - start,
        "reimport_unchanged": again.unchanged,
    }


_PG_SCHEMAS: list[tuple[str, str]] = []


def _fresh_pg_schema(base_url: str, tag: str) -> str:
    """A new schema per phase so each starts from an empty database; dropped at the end."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    schema = f"bench_{tag}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    _PG_SCHEMAS.append((url.render_as_string(hide_password=False), schema))
    scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("RECOMENTOR_TEST_DATABASE_URL", ""))
    args = parser.parse_args()
    n = args.participants
    work = Path(tempfile.mkdtemp(prefix="recomentor-bench-import-"))
    csv_path = write_synthetic(work / "synth", n, 0, seed=7)["participants"]
    # The synthetic file outgrows the default upload limit at large n.
    settings = Settings(
        home=work / "home", max_rows=max(n, 200_000), max_upload_bytes=1024 * 1024 * 1024
    )
    urls = {"sqlite": lambda tag: f"sqlite:///{work / f'{tag}.db'}"}
    if args.postgres:
        urls["postgresql"] = lambda tag: _fresh_pg_schema(args.postgres, tag)

    parsed = measure_in_child(parse_phase, csv_path, settings)
    results: dict[str, Any] = {"participants": n, "csv_bytes": csv_path.stat().st_size}
    results["parse_validate"] = parsed
    rows: list[list[Any]] = [
        ["parse + validate", "-", parsed["seconds"], n / parsed["seconds"], parsed["peak_rss_mib"]]
    ]
    for name, url_for in urls.items():
        print(f"{name}: store write ...", file=sys.stderr, flush=True)
        write = measure_in_child(store_phase, csv_path, settings, url_for("write"))
        print(f"{name}: whole import ...", file=sys.stderr, flush=True)
        whole = measure_in_child(whole_phase, csv_path, settings, url_for("whole"))
        results[name] = {"store_write": write, "whole_import": whole}
        rows += [
            ["store write (upsert)", name, write["write_seconds"],
             n / write["write_seconds"], write["peak_rss_mib"]],
            ["whole import", name, whole["first_seconds"],
             n / whole["first_seconds"], whole["peak_rss_mib"]],
            ["re-import unchanged", name, whole["reimport_seconds"],
             n / whole["reimport_seconds"], whole["peak_rss_mib"]],
        ]  # fmt: skip
    results["targets"] = {"whole_import_seconds": TARGET_SECONDS, "peak_rss_mib": TARGET_PEAK_MIB}
    report(
        "import",
        f"Import of {n:,} synthetic participants ({results['csv_bytes'] / 1e6:.1f} MB CSV); "
        f"targets: whole import < {TARGET_SECONDS:.0f} s, peak < {TARGET_PEAK_MIB:.0f} MiB",
        ["phase", "database", "seconds", "rows/s", "peak RSS MiB"],
        rows,
        results,
    )


def _drop_pg_schemas() -> None:
    from sqlalchemy import create_engine, text

    for url, schema in _PG_SCHEMAS:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


if __name__ == "__main__":
    try:
        main()
    finally:
        _drop_pg_schemas()
