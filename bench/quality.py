"""Benchmark: learned vs heuristic vs random NDCG@5 on a grid of synthetic worlds, and a learning
curve, against each world's ground truth; logged to MLflow (a local SQLite store in bench/.cache).

Each world is one `recomentor synth` company (synth/world.py: phrase variety, typos, share of
French answers, reciprocity, site and department effects, rating noise, how past pairs were
chosen), imported and embedded with the real default model (all-MiniLM-L6-v2, offline;
embeddings cached under bench/.cache), then trained exactly as `recomentor train` trains
(training/pipeline.py: grouped split by mentee, fit, evaluation on every eligible candidate of
the held-out mentees, the bootstrap promotion gate against the heuristic).

The ceiling is NDCG@5 of the truth's own ranking of the same candidates (1 by construction:
the truth is the gain). Targets (issue 17): on every world with >= 2,500 ratings, learned >=
heuristic + 0.07 and >= 90 % of the ceiling; on every world, learned never below the
heuristic, or the gate refuses to promote it.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Final

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _common import RESULTS, report
from sqlalchemy import delete, func, select

from recomentor.embeddings import SentenceEncoder
from recomentor.ranking.roster import load_roster
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.settings import Settings
from recomentor.store import Store, open_store
from recomentor.store.tables import FeedbackRow, ParticipantRow
from recomentor.survey import import_participants
from recomentor.survey.importer import import_feedback
from recomentor.synth import AT_RANDOM, World, generate_feedback, load_organisation
from recomentor.synth.files import write_synthetic
from recomentor.training.config import TrainingConfig
from recomentor.training.dataset import build_dataset
from recomentor.training.evaluation import NDCG, grouped_split, random_scores
from recomentor.training.pipeline import evaluate, fit_ranker, scored_by
from recomentor.training.promotion import HEURISTIC, LEARNED, RANDOM, decide_promotion

CACHE: Final = Path(__file__).resolve().parent / ".cache"
TARGET_MARGIN: Final = 0.07
TARGET_CEILING_SHARE: Final = 0.90
TARGET_MIN_RATINGS: Final = 2_500

# The grid: the default world, and one world per parameter moved away from it.
WORLDS: Final = {
    "default": World(),
    "one wording per topic": World(paraphrases=1),
    "typos 15%": World(typo_rate=0.15),
    "French 25%": World(french_share=0.25),
    "reciprocity x3": World(reciprocity=3.0),
    "site x2, department x3": World(site_effect=2.0, department_effect=3.0),
    "rating noise 1.0": World(rating_noise=1.0),
    "past pairs at random": World(past_pairs=AT_RANDOM),
}
CURVE: Final = (250, 500, 1_000, 2_500, 10_000)


class SharedCacheEncoder:
    """The real encoder behind one vector cache for every world: the worlds share most phrases,
    each store would otherwise encode them again."""

    def __init__(self, path: Path) -> None:
        self._encoder = SentenceEncoder()
        self.model_id = self._encoder.model_id
        self.path = path
        self._vectors: dict[str, np.ndarray] = (
            pickle.loads(path.read_bytes()) if path.is_file() else {}
        )
        self.encoded = 0

    @property
    def dimension(self) -> int:
        return int(self._encoder.dimension)

    def encode(self, texts: Any) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            fresh = self._encoder.encode(missing)
            self._vectors.update(zip(missing, fresh, strict=True))
            self.encoded += len(missing)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(pickle.dumps(self._vectors))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts]).astype(np.float32)


@dataclass(frozen=True)
class Outcome:
    world: str
    ratings: int
    ndcg: dict[str, float]
    ceiling: float
    margin_low: float
    margin_high: float
    promoted: bool
    interaction_alpha: float
    seconds: float


def _count(store: Store, column: Any) -> int:
    with store.session() as session:
        return int(session.execute(select(func.count(column))).scalar_one())


def prepare_world(name: str, world: World, people: int, seed: int) -> tuple[Path, Settings]:
    """The world's files and store (participants imported once, cached)."""
    slug = "".join(c if c.isalnum() else "-" for c in name.lower())
    home = CACHE / "worlds" / f"{slug}-{people}-{seed}"
    settings = replace(Settings(home=home), min_feedback=50)
    truth = home / "synth"
    if not (truth / "topics.csv").is_file():
        write_synthetic(truth, people, 0, seed, world=world)
    store = open_store(settings.resolved_database_url)
    if _count(store, ParticipantRow.id) != people:
        data = (truth / "participants.csv").read_bytes()
        import_participants(store, data, source="participants.csv", settings=settings)
    store.dispose()
    return truth, settings


def rate(store: Store, settings: Settings, truth: Path, ratings: int, seed: int) -> None:
    """Replace the store's feedback with `ratings` past pairings of the world."""
    with store.session() as session:
        session.execute(delete(FeedbackRow))
    rated = generate_feedback(load_organisation(truth), ratings, seed)
    path = truth / "feedback.csv"
    rated.write_csv(path)
    import_feedback(
        store, path.read_bytes(), source=path.name, settings=settings, allow_unpaired=True
    )


def train_world(
    name: str,
    truth: Path,
    settings: Settings,
    encoder: SharedCacheEncoder,
    ratings: int,
    seed: int,
) -> Outcome:
    start = time.perf_counter()
    store = open_store(settings.resolved_database_url)
    rate(store, settings, truth, ratings, seed)
    roster = load_roster(store, encoder)
    config = TrainingConfig(ground_truth=truth, seed=seed)
    dataset = build_dataset(store, roster, min_feedback=settings.min_feedback)
    split = grouped_split(dataset.groups, test_size=config.test_size, seed=config.seed)
    learned = fit_ranker(dataset, split.train, config)
    scorers = {
        LEARNED: scored_by(learned, roster, config.mode),
        HEURISTIC: scored_by(HeuristicScorer(), roster, config.mode),
        RANDOM: random_scores(config.seed),
    }
    ceiling_key = "truth"
    scorers[ceiling_key] = _truth_scorer(truth, roster)
    evaluation = evaluate(dataset, split.test, scorers, settings, config)
    assert evaluation.truth is not None
    promotion = decide_promotion(evaluation)
    store.dispose()
    margin = evaluation.margins[HEURISTIC]
    ndcg = {scorer: evaluation.truth[scorer][NDCG] for scorer in (LEARNED, HEURISTIC, RANDOM)}
    return Outcome(
        world=name,
        ratings=ratings,
        ndcg=ndcg,
        ceiling=evaluation.truth[ceiling_key][NDCG],
        margin_low=margin.low,
        margin_high=margin.high,
        promoted=promotion.promote,
        interaction_alpha=float(learned.fit_details.get("interaction_alpha", float("nan"))),
        seconds=time.perf_counter() - start,
    )


def _truth_scorer(truth: Path, roster: Any) -> Any:
    """Scores every pair by the world's truth: the ranking no scorer can beat."""
    from recomentor.synth import compatibility

    organisation = load_organisation(truth)
    ids = np.asarray(roster.ids)

    def score(features: Any) -> np.ndarray:
        mentors, mentees = ids[features.mentor_idx], ids[features.mentee_idx]
        return np.asarray(compatibility(organisation, mentors, mentees))

    return score


def log_to_mlflow(outcomes: list[Outcome], worlds: dict[str, World], people: int) -> str:
    import mlflow

    from recomentor.training.registry import quiet_mlflow

    # A SQLite file: MLflow 3 keeps the plain-folder store for old data only.
    CACHE.mkdir(parents=True, exist_ok=True)
    uri = f"sqlite:///{(CACHE / 'mlflow.db').resolve()}"
    with quiet_mlflow():
        mlflow.set_tracking_uri(uri)
        experiment = mlflow.set_experiment("recomentor-quality-grid")
        for outcome in outcomes:
            with mlflow.start_run(
                experiment_id=experiment.experiment_id,
                run_name=f"{outcome.world} / {outcome.ratings} ratings",
            ):
                mlflow.log_params(
                    {
                        "world": outcome.world,
                        "ratings": outcome.ratings,
                        "participants": people,
                        **{f"world.{k}": v for k, v in asdict(worlds[outcome.world]).items()},
                    }
                )
                mlflow.log_metrics(
                    {
                        **{f"truth.{k}.ndcg_at_5": v for k, v in outcome.ndcg.items()},
                        "truth.ceiling.ndcg_at_5": outcome.ceiling,
                        "margin_over_heuristic.low": outcome.margin_low,
                        "margin_over_heuristic.high": outcome.margin_high,
                        "interaction_alpha": outcome.interaction_alpha,
                        "seconds": outcome.seconds,
                    }
                )
                mlflow.set_tag("promoted", str(outcome.promoted))
    return uri


def verdict(outcome: Outcome) -> str:
    """Which targets this world meets."""
    learned, heuristic = outcome.ndcg[LEARNED], outcome.ndcg[HEURISTIC]
    misses = []
    if outcome.ratings >= TARGET_MIN_RATINGS:
        if learned < heuristic + TARGET_MARGIN:
            misses.append("margin")
        if learned < TARGET_CEILING_SHARE * outcome.ceiling:
            misses.append("ceiling")
    if learned < heuristic and outcome.promoted:
        misses.append("promoted below heuristic")
    return "met" if not misses else "missed: " + ", ".join(misses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=1_000)
    parser.add_argument("--ratings", type=int, default=TARGET_MIN_RATINGS)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--worlds", nargs="*", default=list(WORLDS), choices=list(WORLDS))
    parser.add_argument("--curve", nargs="*", type=int, default=list(CURVE))
    args = parser.parse_args()
    encoder = SharedCacheEncoder(CACHE / "minilm-vectors.pkl")
    outcomes: list[Outcome] = []
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    for name in args.worlds:
        truth, settings = prepare_world(name, WORLDS[name], args.participants, args.seed)
        outcomes.append(train_world(name, truth, settings, encoder, args.ratings, args.seed))
        print(f"{name}: {outcomes[-1]}", file=sys.stderr, flush=True)
    curve: list[Outcome] = []
    if args.curve:
        truth, settings = prepare_world("default", WORLDS["default"], args.participants, args.seed)
        for ratings in args.curve:
            same = [o for o in outcomes if o.world == "default" and o.ratings == ratings]
            curve.append(
                same[0]
                if same
                else train_world("default", truth, settings, encoder, ratings, args.seed)
            )
            print(f"curve {ratings}: {curve[-1]}", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    uri = log_to_mlflow(
        outcomes + [c for c in curve if c not in outcomes], WORLDS, args.participants
    )

    def row(outcome: Outcome, label: str) -> list[Any]:
        learned, heuristic = outcome.ndcg[LEARNED], outcome.ndcg[HEURISTIC]
        return [
            label,
            f"{outcome.ratings:,}",
            f"{heuristic:.3f}",
            f"{learned:.3f}",
            f"{outcome.ndcg[RANDOM]:.3f}",
            f"{outcome.ceiling:.3f}",
            f"{learned - heuristic:+.3f} [{outcome.margin_low:+.3f}, {outcome.margin_high:+.3f}]",
            f"{learned / outcome.ceiling:.0%}",
            "yes" if outcome.promoted else "no",
            verdict(outcome),
        ]

    columns = [
        "world", "ratings", "heuristic", "learned", "random", "ceiling",
        "learned - heuristic [95% CI]", "of ceiling", "promoted", "targets",
    ]  # fmt: skip
    rows = [row(o, o.world) for o in outcomes] + [row(o, "curve: default") for o in curve]
    load_after = os.getloadavg()[0]
    title = (
        f"Ground-truth NDCG@5 on held-out mentees, {args.participants:,} participants, seed "
        f"{args.seed}, all-MiniLM-L6-v2; {seconds:.0f} s, load average {load_before:.1f} -> "
        f"{load_after:.1f}"
    )
    payload = {
        **vars(args),
        "seconds": seconds,
        "load_average": [load_before, load_after],
        "texts_encoded": encoder.encoded,
        "mlflow_tracking_uri": uri,
        "targets": {
            "margin_over_heuristic": TARGET_MARGIN,
            "share_of_ceiling": TARGET_CEILING_SHARE,
            "from_ratings": TARGET_MIN_RATINGS,
        },
        "worlds": {o.world: asdict(WORLDS[o.world]) for o in outcomes},
        "grid": [asdict(o) for o in outcomes],
        "curve": [asdict(o) for o in curve],
    }
    report("quality", title, columns, rows, payload, width=200)
    RESULTS.mkdir(exist_ok=True)
    table = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    table += ["| " + " | ".join(str(v) for v in r) + " |" for r in rows]
    (RESULTS / "quality.md").write_text(f"{title}\n\n" + "\n".join(table) + "\n")
    print(f"wrote {RESULTS / 'quality.md'}; MLflow runs in {uri}")


if __name__ == "__main__":
    main()
