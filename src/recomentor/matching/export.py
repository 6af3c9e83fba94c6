"""Matchings as CSV for spreadsheets (formula-injection safe) and as the documented JSON."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Final

import msgspec

from recomentor.matching.service import Matching
from recomentor.ranking.explain import Explanation

CSV_COLUMNS: Final = ("status", "mentor_id", "mentee_id", "score", "summary", "matches", "reason")
# A spreadsheet runs a cell starting with these as a formula (OWASP CSV injection).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    """Text a spreadsheet shows as text: a leading quote defuses formula characters."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _matches(explanation: Explanation) -> str:
    return " | ".join(f"{m.skill} ↔ {m.goal}" for m in explanation.matches)


def matching_csv(matching: Matching) -> str:
    """One row per pair, then one per unpaired mentee; every text cell escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for pair in matching.pairs:
        summary = pair.explanation.summary
        texts = ["paired", pair.mentor_id, pair.mentee_id]
        writer.writerow(
            [escape_cell(t) for t in texts]
            # The score is a number we format ourselves: never a formula, even when negative.
            + [f"{pair.score:.4f}"]
            + [escape_cell(summary), escape_cell(_matches(pair.explanation)), ""]
        )
    for entry in matching.unpaired:
        reason = f"{entry.reason}: {entry.detail}" if entry.detail else entry.reason
        writer.writerow(
            ["unpaired", "", escape_cell(entry.mentee_id), "", "", "", escape_cell(reason)]
        )
    return buffer.getvalue()


def matching_json(matching: Matching) -> str:
    """The same JSON as `matching show --json` and the API."""
    return msgspec.json.format(msgspec.json.encode(matching), indent=2).decode()


def write_matching(matching: Matching, path: Path | str) -> Path:
    """CSV, or JSON when the file name ends in .json."""
    target = Path(path)
    text = matching_json(matching) if target.suffix.lower() == ".json" else matching_csv(matching)
    # utf-8-sig: spreadsheet programs then read accents right.
    target.write_text(text, encoding="utf-8-sig" if target.suffix.lower() != ".json" else "utf-8")
    return target
