"""Benchmark: NDCG@5 of the heuristic against random per mode, on synthetic data with known truth.

Gain of a (mentor, mentee) pair = the generator's ground-truth compatibility (see
recomentor.synth.truth). The generator defines it for a teacher and a learner, whatever their
seniority, so:
  reverse  the candidate mentors of each mentee: compatibility(mentor, mentee);
  classic  the same formula with classic roles (the senior teaches the junior);
  mutual   no direction: the mean of compatibility(a, b) and compatibility(b, a).
Each person asking for suggestions (a mentee in reverse and classic mode, anyone in mutual
mode) is one group; groups with fewer than --min-candidates eligible candidates are skipped.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _common import report

from recomentor import fields as F
from recomentor.embeddings import SentenceEncoder
from recomentor.ranking.candidates import find_candidates
from recomentor.ranking.features import pair_features
from recomentor.ranking.roster import Roster, load_roster
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.settings import Settings
from recomentor.store import open_store
from recomentor.survey import import_participants
from recomentor.synth import Organisation, compatibility, generate_organisation, write_synthetic
from recomentor.training.evaluation import ndcg_at_k, random_scores

K = 5
MODES = (F.REVERSE, F.CLASSIC, F.MUTUAL)
GAIN = {
    F.REVERSE: "compatibility(mentor, mentee), junior mentor",
    F.CLASSIC: "compatibility(mentor, mentee), senior mentor",
    F.MUTUAL: "(compatibility(a, b) + compatibility(b, a)) / 2",
}


def prepare(home: Path, participants: int, seed: int) -> tuple[Organisation, Roster, int]:
    """Untimed: the synthetic export imported and embedded (cached under `home`)."""
    settings = Settings(home=home, max_rows=max(participants, 200_000))
    csv_path = home / "synth" / "participants.csv"
    if not csv_path.is_file():
        write_synthetic(home / "synth", participants, 0, seed=seed)
    store = open_store(settings.resolved_database_url)
    import_participants(store, csv_path.read_bytes(), source=csv_path.name, settings=settings)
    roster = load_roster(store, SentenceEncoder(), progress=True)
    return generate_organisation(participants, seed), roster, roster.encoded


def ranked_groups(
    roster: Roster, mode: str, *, min_gap: float, min_candidates: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mentor, mentee, group) rows: every eligible candidate of every person asking."""
    mentors, mentees, groups = [], [], []
    # Reverse and classic: mentees ask for mentors; mutual: everyone asks.
    everyone = np.arange(len(roster))
    asking = everyone if mode == F.MUTUAL else everyone[roster.can_be_mentee]
    for person in asking.tolist():
        role = None if mode == F.MUTUAL else F.MENTEE
        candidates = find_candidates(roster, person, mode, min_gap=min_gap, role=role)
        if len(candidates) < min_candidates:
            continue
        mentors.append(candidates.mentor_idx)
        mentees.append(candidates.mentee_idx)
        groups.append(np.full(len(candidates), person, dtype=np.int64))
    if not groups:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(mentors), np.concatenate(mentees), np.concatenate(groups)


def gains(
    org: Organisation, roster: Roster, mode: str, mentors: np.ndarray, mentees: np.ndarray
) -> np.ndarray:
    ids = np.asarray(roster.ids)
    forward = compatibility(org, ids[mentors], ids[mentees])
    if mode != F.MUTUAL:
        return forward
    return (forward + compatibility(org, ids[mentees], ids[mentors])) / 2


def evaluate_mode(
    org: Organisation, roster: Roster, mode: str, *, min_gap: float, min_candidates: int, seed: int
) -> dict[str, Any]:
    start = time.perf_counter()
    mentors, mentees, groups = ranked_groups(
        roster, mode, min_gap=min_gap, min_candidates=min_candidates
    )
    relevance = gains(org, roster, mode, mentors, mentees)
    scorer = HeuristicScorer()
    features = pair_features(roster, mentors, mentees, mode=mode)
    heuristic = scorer.score(features.select(scorer.feature_names))
    # Random baseline: the mean over several seeded orders, so one lucky draw does not count.
    random_runs = [
        ndcg_at_k(relevance, random_scores(seed + run)(features), groups, K) for run in range(5)
    ]
    best = ndcg_at_k(relevance, relevance, groups, K)
    return {
        "groups": int(np.unique(groups).size),
        "pairs": int(groups.size),
        "mean_candidates": float(groups.size / max(np.unique(groups).size, 1)),
        "mean_gain": float(relevance.mean()) if relevance.size else float("nan"),
        "ndcg_at_5_heuristic": ndcg_at_k(relevance, heuristic, groups, K),
        "ndcg_at_5_random": float(np.mean(random_runs)),
        "ndcg_at_5_random_runs": random_runs,
        "ndcg_at_5_truth": best,
        "gain": GAIN[mode],
        "seconds": time.perf_counter() - start,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=1_500)
    parser.add_argument("--min-gap", type=float, default=5.0)
    parser.add_argument("--min-candidates", type=int, default=K)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--home", type=Path, default=None, help="reuse this data home (cached embeddings)"
    )
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="recomentor-bench-quality-"))
    home.mkdir(parents=True, exist_ok=True)
    print(f"setup in {home} (embeds every text once) ...", file=sys.stderr, flush=True)
    org, roster, encoded = prepare(home, args.participants, args.seed)
    results = {
        mode: evaluate_mode(
            org,
            roster,
            mode,
            min_gap=args.min_gap,
            min_candidates=args.min_candidates,
            seed=args.seed,
        )
        for mode in MODES
    }
    rows = [
        [mode, r["groups"], f"{r['mean_candidates']:.0f}", f"{r['ndcg_at_5_heuristic']:.3f}",
         f"{r['ndcg_at_5_random']:.3f}", f"{r['ndcg_at_5_heuristic'] - r['ndcg_at_5_random']:+.3f}"]
        for mode, r in results.items()
    ]  # fmt: skip
    for mode in MODES:
        print(f"gain in {mode} mode: {GAIN[mode]}")
    report(
        "suggest_quality",
        f"NDCG@{K} against synthetic truth, {len(roster):,} participants (all-MiniLM-L6-v2), "
        f"groups with >= {args.min_candidates} candidates; load average {os.getloadavg()[0]:.1f}",
        ["mode", "groups", "mean candidates", "heuristic", "random", "lift"],
        rows,
        {
            "participants": len(roster),
            "seed": args.seed,
            "k": K,
            "min_gap": args.min_gap,
            "min_candidates": args.min_candidates,
            "texts_encoded_in_setup": encoded,
            "modes": results,
        },
    )


if __name__ == "__main__":
    main()
