"""Training configuration read from a TOML file (training/configs/default.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from recomentor import fields as F
from recomentor.errors import InvalidInputError
from recomentor.nesting import loads_toml
from recomentor.ranking.candidates import check_mode
from recomentor.training.dataset import GOOD_RATING, LABEL_KINDS, SOFT

_SECTIONS = ("dataset", "split", "model", "evaluation", "tracking")


@dataclass(frozen=True)
class TrainingConfig:
    """Every choice a training run makes; all of it is logged as MLflow params."""

    mode: str = F.REVERSE
    good_rating: int = GOOD_RATING
    # The kind of training target, one of LABEL_KINDS: "soft" (relevance (rating - 1) / 4) or
    # "binary" (rating >= good_rating). Named `label` in the TOML file.
    label: str = SOFT
    test_size: float = 0.25
    seed: int = 7
    n_knots: int = 5
    degree: int = 3
    C: float = 0.3
    # Learn which kinds of skill phrases served which kinds of goal phrases (association.py):
    # how many kinds, and the ridge penalty on the kind-by-kind weights.
    # Off by default since phrase interactions learn the same and more (training/README.md).
    phrase_association: bool = False
    association_clusters: int = 60
    association_alpha: float = 10.0
    # Learn one weight per (skill phrase cluster, goal phrase cluster), both directions
    # (interaction.py), from at most this many clusters; C chosen by grouped cross-validation.
    interactions: bool = True
    interaction_clusters: int = 300
    # Cuts of the same cluster tree, each with half the clusters of the one before; more than
    # one did not rank better on the synthetic worlds (training/README.md) and fits slower.
    interaction_levels: int = 1
    # A challenger must beat the champion and the heuristic by more than this on the primary metric.
    min_improvement: float = 0.0
    # A `recomentor synth` folder: also evaluate against its ground truth.
    ground_truth: Path | None = None
    # Cap on the held-out candidate pairs scored against ground truth, to bound evaluation time.
    truth_max_pairs: int = 1_000_000
    experiment: str = "recomentor-ranker"

    def __post_init__(self) -> None:
        check_mode(self.mode)
        if not 0.0 < self.test_size < 1.0:
            raise InvalidInputError(f"test_size must be between 0 and 1, got {self.test_size}")
        if self.label not in LABEL_KINDS:
            raise InvalidInputError(
                f"label must be one of {', '.join(LABEL_KINDS)}, got {self.label!r}"
            )
        if not 2 <= self.good_rating <= 5:
            raise InvalidInputError(f"good_rating must be 2 to 5, got {self.good_rating}")
        if self.n_knots < 2 or self.degree < 1 or self.C <= 0:
            raise InvalidInputError("n_knots >= 2, degree >= 1 and C > 0 are required")
        if self.interaction_clusters < 1 or self.interaction_levels < 1:
            raise InvalidInputError(
                "interaction_clusters >= 1 and interaction_levels >= 1 are required"
            )
        if self.association_clusters < 1 or self.association_alpha <= 0:
            raise InvalidInputError(
                "association_clusters >= 1 and association_alpha > 0 are required"
            )

    @classmethod
    def from_toml(cls, path: Path) -> TrainingConfig:
        """Read a config file; its sections only group keys, unknown keys are refused."""
        try:
            raw = loads_toml(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InvalidInputError(f"{path}: no such training config") from None
        except tomllib.TOMLDecodeError as error:
            raise InvalidInputError(f"{path}: not valid TOML ({error})") from None
        flat: dict[str, Any] = {}
        for section, values in raw.items():
            if section not in _SECTIONS or not isinstance(values, dict):
                raise InvalidInputError(f"{path}: unknown section [{section}]")
            flat.update(values)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(flat) - known)
        if unknown:
            raise InvalidInputError(f"{path}: unknown keys {', '.join(unknown)}")
        if flat.get("ground_truth"):
            # Relative to the config file, so a config can sit next to its data.
            flat["ground_truth"] = (path.parent / str(flat["ground_truth"])).resolve()
        try:
            return cls(**flat)
        except TypeError as error:
            raise InvalidInputError(f"{path}: {error}") from None

    def with_ground_truth(self, folder: Path | None) -> TrainingConfig:
        return self if folder is None else replace(self, ground_truth=folder)

    def params(self) -> dict[str, Any]:
        """Flat values for MLflow params."""
        return {key: ("" if value is None else str(value)) for key, value in asdict(self).items()}
