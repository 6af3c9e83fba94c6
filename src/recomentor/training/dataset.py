"""Training rows: each rated pairing with the pair features suggestions are scored on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

import numpy as np
from sqlalchemy import select

from recomentor import fields as F
from recomentor.errors import TrainingRefusedError
from recomentor.ranking.features import PairFeatures, pair_features
from recomentor.ranking.roster import Roster
from recomentor.store.tables import FeedbackRow

if TYPE_CHECKING:
    from recomentor.store import Store

# A pairing "went well" when rated 4 or 5. On the 1-5 scale 3 is the neutral answer, so it is
# not a success a program would want to repeat. This line names the good pairings in metrics
# and in `binary` training, whose model reads as "chance this pairing is rated good".
GOOD_RATING: Final = 4
# How ratings become training targets. `soft` (default): the relevance (rating - 1) / 4, as a
# soft label (cross-entropy against it), so a 5 counts more than a 4 and a 1 less than a 3;
# `binary`: rating >= good_rating. Soft keeps the information a threshold throws away and ranks
# better against the synthetic ground truth (training/README.md).
SOFT: Final = "soft"
BINARY: Final = "binary"
LABEL_KINDS: Final = (SOFT, BINARY)
MIN_RATING: Final = 1
MAX_RATING: Final = 5
_EARLIEST = datetime.min


@dataclass(frozen=True, eq=False)
class FeedbackDataset:
    """One row per rated (mentor, mentee) pair, aligned arrays."""

    features: np.ndarray  # (rows, features) float64, columns in feature_names order
    feature_names: tuple[str, ...]
    is_good: np.ndarray  # bool: rating >= good_rating
    ratings: np.ndarray  # int64 1..5
    mentor_idx: np.ndarray  # roster positions
    mentee_idx: np.ndarray
    roster: Roster
    mode: str
    good_rating: int = GOOD_RATING
    label_kind: str = SOFT  # one of LABEL_KINDS: what `target` holds
    # When the rows' ratings were given (undated ones left out); None when none is dated.
    first_rated: datetime | None = None
    last_rated: datetime | None = None

    def __len__(self) -> int:
        return int(self.is_good.size)

    @property
    def groups(self) -> np.ndarray:
        """Rows are grouped by mentee: nobody sits on both sides of an evaluation split."""
        return self.mentee_idx

    def pair_features(self, rows: np.ndarray) -> PairFeatures:
        """The features of some rows, with the pairs they describe."""
        return PairFeatures(
            self.features[rows], self.feature_names, self.mentor_idx[rows], self.mentee_idx[rows]
        )

    @property
    def target(self) -> np.ndarray:
        """What a model fits: the relevance for soft labels, 0/1 for binary ones."""
        return self.relevance if self.label_kind == SOFT else self.is_good.astype(np.float64)

    @property
    def relevance(self) -> np.ndarray:
        """The rating on a 0-1 scale, the graded gain ranking metrics use."""
        relevance: np.ndarray = (self.ratings - MIN_RATING) / (MAX_RATING - MIN_RATING)
        return relevance

    @property
    def label_description(self) -> str:
        if self.label_kind == SOFT:
            return f"soft: relevance (rating - {MIN_RATING}) / {MAX_RATING - MIN_RATING}"
        return f"rating >= {self.good_rating}"

    def fingerprint(self) -> str:
        """SHA-256 of exactly what the model sees: pair ids, ratings and feature values."""
        digest = hashlib.sha256()
        ids = self.roster.ids
        for mentor, mentee in zip(self.mentor_idx.tolist(), self.mentee_idx.tolist(), strict=True):
            digest.update(f"{ids[mentor]}\x1f{ids[mentee]}\x1e".encode())
        digest.update(np.ascontiguousarray(self.ratings, dtype="<i8").tobytes())
        digest.update(np.ascontiguousarray(self.features, dtype="<f8").tobytes())
        digest.update(",".join(self.feature_names).encode())
        return digest.hexdigest()


def _latest_rated(store: Store) -> dict[tuple[str, str], tuple[int, datetime | None]]:
    """The last rating of each pair and when it was given: a pairing rated mid-way and again at
    the end counts once."""
    statement = select(
        FeedbackRow.mentor_id,
        FeedbackRow.mentee_id,
        FeedbackRow.rating,
        FeedbackRow.submitted_at,
        FeedbackRow.id,
    )
    with store.session() as session:
        rows = session.execute(statement).all()

    def when(row: tuple[str, str, int, datetime | None, int]) -> tuple[datetime, int]:
        stamp = row[3]
        return (_EARLIEST if stamp is None else stamp.replace(tzinfo=None), row[4])

    latest: dict[tuple[str, str], tuple[int, datetime | None]] = {}
    for mentor_id, mentee_id, rating, submitted_at, _ in sorted(rows, key=when):
        latest[(mentor_id, mentee_id)] = (int(rating), submitted_at)
    return latest


def _latest_ratings(store: Store) -> dict[tuple[str, str], int]:
    return {pair: rating for pair, (rating, _) in _latest_rated(store).items()}


def build_dataset(
    store: Store,
    roster: Roster,
    *,
    min_feedback: int,
    mode: str = F.REVERSE,
    good_rating: int = GOOD_RATING,
    label_kind: str = SOFT,
) -> FeedbackDataset:
    """Join feedback with both participants' features; refuse data a model cannot learn from."""
    ratings_by_pair = _latest_rated(store)
    # Feedback on someone no longer in the roster (erased meanwhile) cannot be featurised.
    kept = {
        pair: rated
        for pair, rated in ratings_by_pair.items()
        if pair[0] in roster.index and pair[1] in roster.index
    }
    known = [
        (roster.index[mentor], roster.index[mentee], rating)
        for (mentor, mentee), (rating, _) in kept.items()
    ]
    dates = sorted(when for _, when in kept.values() if when is not None)
    if len(known) < min_feedback:
        raise TrainingRefusedError(
            f"only {len(known)} rated pairings to learn from; training needs at least "
            f"{min_feedback} (set RECOMENTOR_MIN_FEEDBACK to change the minimum)"
        )
    table = np.asarray(known, dtype=np.int64).reshape(-1, 3)
    mentor_idx, mentee_idx, ratings = table[:, 0], table[:, 1], table[:, 2]
    refuse_uninformative(ratings, good_rating=good_rating, label_kind=label_kind)
    features = pair_features(roster, mentor_idx, mentee_idx, mode=mode)
    return FeedbackDataset(
        features=features.matrix,
        feature_names=features.names,
        is_good=ratings >= good_rating,
        ratings=ratings,
        mentor_idx=mentor_idx,
        mentee_idx=mentee_idx,
        roster=roster,
        mode=mode,
        good_rating=good_rating,
        label_kind=label_kind,
        first_rated=dates[0] if dates else None,
        last_rated=dates[-1] if dates else None,
    )


def refuse_uninformative(
    ratings: np.ndarray, *, good_rating: int, label_kind: str, where: str = ""
) -> None:
    """Refuse ratings that cannot tell good pairings from poor ones under this kind of label.

    Soft labels need two different ratings; binary labels need ratings on both sides of
    good_rating. `where` names the subset checked (e.g. the training part of a split).
    """
    if label_kind not in LABEL_KINDS:
        raise ValueError(f"label must be one of {', '.join(LABEL_KINDS)}, got {label_kind!r}")
    if label_kind == SOFT:
        values = np.unique(ratings)
        if values.size < 2:
            raise TrainingRefusedError(
                f"all {ratings.size} rated pairings{where} are rated {int(values[0])}; a model "
                "needs ratings that differ to learn what separates good pairings from poor ones"
            )
        return
    good = int((ratings >= good_rating).sum())
    if good in (0, ratings.size):
        which = "all" if good else "none"
        raise TrainingRefusedError(
            f"{which} of the {ratings.size} rated pairings{where} are rated {good_rating} or "
            "more; a model needs both good and poor pairings to learn what separates them"
        )
