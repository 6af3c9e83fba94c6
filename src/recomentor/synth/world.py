"""The knobs of a synthetic world: how people write, what makes a pairing work, who was paired.

A seed draws one company; these parameters change what kind of company it is, so a ranker
can be evaluated on worlds it was not tuned on (bench/quality.py). The defaults are the world
`recomentor synth` always wrote: the same seed with default parameters gives the same files.

  paraphrases       at most this many wordings per topic and language (None: all, 3 or 4);
                    fewer wordings make phrases repeat, so feedback covers them better
  typo_rate         chance that a phrase gets one typo (two letters swapped or one dropped)
  french_share      share of people answering in French (None: the company's own mix, about
                    three quarters; `--answers en` is 0)
  reciprocity       multiplies the weight of the mentee teaching back in the truth (0.15)
  site_effect       multiplies the weight of working on the same site (0.12)
  department_effect multiplies the weight of coming from different departments (0.05)
  rating_noise      standard deviation of the noise on 1 + 4 x compatibility before rounding
  past_pairs        how past pairings were chosen: "topic" (mostly plausible ones, by the
                    mentee's goals the mentor covers, imperfectly) or "random" (any eligible)
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Final

from recomentor.errors import InvalidInputError

BY_TOPIC: Final = "topic"
AT_RANDOM: Final = "random"
PAST_PAIR_CHOICES: Final = (BY_TOPIC, AT_RANDOM)
WORLD_FILE: Final = "world.json"


@dataclass(frozen=True)
class World:
    """Parameters of a synthetic world (module docstring); defaults are today's world."""

    paraphrases: int | None = None
    typo_rate: float = 0.0
    french_share: float | None = None
    reciprocity: float = 1.0
    site_effect: float = 1.0
    department_effect: float = 1.0
    rating_noise: float = 0.6
    past_pairs: str = BY_TOPIC

    def __post_init__(self) -> None:
        problems = []
        if self.paraphrases is not None and self.paraphrases < 1:
            problems.append(f"paraphrases must be 1 or more, got {self.paraphrases}")
        for name in ("typo_rate", "french_share"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and 0.0 <= value <= 1.0):
                problems.append(f"{name} must be between 0 and 1, got {value}")
        for name in ("reciprocity", "site_effect", "department_effect", "rating_noise"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0.0 <= value <= 10.0):
                problems.append(f"{name} must be between 0 and 10, got {value}")
        if self.past_pairs not in PAST_PAIR_CHOICES:
            problems.append(
                f"past_pairs must be one of {', '.join(PAST_PAIR_CHOICES)}, got {self.past_pairs!r}"
            )
        if problems:
            raise InvalidInputError("; ".join(problems))

    @property
    def is_default(self) -> bool:
        return self == World()

    def describe(self) -> str:
        """The parameters that differ from the default world, as `name=value` (or 'default')."""
        changed = [
            f"{field.name}={getattr(self, field.name)}"
            for field in fields(self)
            if getattr(self, field.name) != field.default
        ]
        return ", ".join(changed) or "default"

    def write(self, folder: Path) -> Path:
        path = folder / WORLD_FILE
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        return path


def read_world(folder: Path) -> World:
    """The world a synth folder was written with; the default world when it has no world.json
    (folders written before the parameters existed)."""
    path = folder / WORLD_FILE
    if not path.is_file():
        return World()
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidInputError(f"{path}: not valid JSON") from None
    known = {field.name for field in fields(World)}
    if not isinstance(raw, dict) or set(raw) - known:
        raise InvalidInputError(f"{path}: not written by write_synthetic (unknown keys)")
    try:
        return World(**raw)
    except TypeError:
        raise InvalidInputError(f"{path}: values of the wrong type") from None
