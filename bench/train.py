"""Benchmark: train + evaluate + log on 50,000 rated pairings with cached embeddings."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS, measure_in_child, report
from sqlalchemy import delete, func, select

from recomentor.embeddings import SentenceEncoder
from recomentor.ranking.roster import load_roster
from recomentor.settings import Settings
from recomentor.store import Store, open_store
from recomentor.store.tables import FeedbackRow, ParticipantRow
from recomentor.survey import import_participants
from recomentor.survey.importer import import_feedback
from recomentor.synth import generate_feedback, generate_organisation, write_synthetic
from recomentor.training.config import TrainingConfig
from recomentor.training.pipeline import train_and_register

TARGET_SECONDS = 60.0
# Ground-truth NDCG@5 the learned model should gain over the heuristic with this much feedback:
# a target this benchmark reports, never a test. One split moves the margin by a few points
# (tests/integration/test_training_synthetic.py writes down the measured spread).
TARGET_NDCG_MARGIN = 0.05


def _count(store: Store, column: Any) -> int:
    with store.session() as session:
        return int(session.execute(select(func.count(column))).scalar_one())


def prepare(home: Path, people: int, feedback: int, seed: int) -> Settings:
    """Participants, their cached embeddings (the slow part, done once) and `feedback` ratings."""
    settings = replace(Settings(home=home), min_feedback=50)
    store = open_store(settings.resolved_database_url)
    truth = home / "synth"
    if not (truth / "topics.csv").is_file():
        write_synthetic(truth, people, 0, seed)  # the truth files the evaluation reads
    if _count(store, ParticipantRow.id) != people:
        data = (truth / "participants.csv").read_bytes()
        import_participants(store, data, source="participants.csv", settings=settings)
    if _count(store, FeedbackRow.id) != feedback:
        with store.session() as session:
            session.execute(delete(FeedbackRow))
        rated = generate_feedback(generate_organisation(people, seed), feedback, seed)
        rated.write_csv(truth / "feedback.csv")
        data = (truth / "feedback.csv").read_bytes()
        import_feedback(store, data, source="feedback.csv", settings=settings, allow_unpaired=True)
    load_roster(store, SentenceEncoder.from_settings(settings), progress=True)  # warm the cache
    for stale in (home / "mlflow.db", home / "mlartifacts"):
        # Each measured run starts from an empty tracking store: the worst case (it is created).
        if stale.is_file():
            stale.unlink()
        elif stale.is_dir():
            import shutil

            shutil.rmtree(stale)
    store.dispose()
    return settings


def train_phase(settings: Settings, truth: Path, truth_pairs: int) -> dict[str, Any]:
    store = open_store(settings.resolved_database_url)
    config = TrainingConfig(ground_truth=truth, truth_max_pairs=truth_pairs)
    result = train_and_register(settings, store, SentenceEncoder.from_settings(settings), config)
    evaluation = result.evaluation
    assert evaluation.truth is not None
    return {
        "rows": result.rows,
        "phases": result.seconds,
        "truth_pairs": evaluation.truth_pairs,
        "ndcg_truth": {name: m["ndcg_at_5"] for name, m in evaluation.truth.items()},
        "promoted": result.promotion.promote,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=2_000)
    parser.add_argument("--feedback", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--truth-pairs", type=int, default=300_000)
    parser.add_argument("--home", type=Path, default=RESULTS / "train_home")
    args = parser.parse_args()
    settings = prepare(args.home, args.participants, args.feedback, args.seed)
    result = measure_in_child(train_phase, settings, args.home / "synth", args.truth_pairs)
    ndcg = result["ndcg_truth"]
    margin = ndcg["learned"] - ndcg["heuristic"]
    met = "met" if margin >= TARGET_NDCG_MARGIN else "missed"
    rows: list[list[Any]] = [
        [f"{phase} seconds", seconds, "-"] for phase, seconds in result["phases"].items()
    ]
    rows += [
        ["total seconds (train + evaluate + log)", result["seconds"], f"<= {TARGET_SECONDS:.0f}"],
        ["peak RSS MiB", result["peak_rss_mib"], "-"],
        *[[f"truth NDCG@5 {scorer}", f"{value:.3f}", "-"] for scorer, value in ndcg.items()],
        ["learned - heuristic", f"{margin:+.3f}", f">= +{TARGET_NDCG_MARGIN} ({met})"],
        ["promoted", str(result["promoted"]), "-"],
    ]
    title = (
        f"train: {result['rows']:,} rated pairings, {args.participants:,} participants, "
        f"{result['truth_pairs']:,} truth pairs"
    )
    targets = {"seconds": TARGET_SECONDS, "ndcg_margin_over_heuristic": TARGET_NDCG_MARGIN}
    payload = {**vars(args), **result, "ndcg_margin": margin, "targets": targets}
    report("train", title, ["measure", "value", "target"], rows, payload)


if __name__ == "__main__":
    main()
