"""Vectorised similarity kernels behind pair_features: text features of many pairs at once."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Final

import numpy as np
from threadpoolctl import ThreadpoolController

from recomentor.ranking.roster import ItemSet, Roster

if TYPE_CHECKING:
    import scipy.sparse as sp

# Gathering candidate rows costs more than one product over everyone past this share.
_FULL_PRODUCT_SHARE: Final = 0.125
_PAIR_CHUNK: Final = 4_096

# Columns of text_similarities, in the order of TEXT_FEATURES in features.py.
_TEXT_COLUMNS: Final = 5


def _constant(index: np.ndarray) -> bool:
    return index.size > 0 and bool((index == index[0]).all())


# Products of float32 embeddings go through einsum, not a multithreaded BLAS: a BLAS call per
# request spinning threads against every other busy process is far slower on a loaded host,
# and einsum gives each row the same result however many rows are computed with it. The one
# exception is `_phrase_products`, a matrix product BLAS does faster even on one thread.
@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def _phrase_products(phrases: np.ndarray, probes: np.ndarray) -> np.ndarray:
    """(phrases, len(probes)) cosines, by single-threaded BLAS, which beats einsum on this product.

    The limit is process-wide while the product runs, and concurrent requests set and restore
    it in any order: at worst a product runs on the default threads, or the process keeps one
    BLAS thread afterwards. Results are the same either way; only the speed differs.
    """
    with _blas().limit(limits=1, user_api="blas"):
        products: np.ndarray = phrases @ probes.T
    return products


def _rows(matrix: np.ndarray, index: np.ndarray) -> np.ndarray:
    # np.take copies rows several times faster than fancy indexing.
    return np.take(matrix, index, axis=0)


def _probe_against_rows(vectors: np.ndarray, rows: np.ndarray, probe: np.ndarray) -> np.ndarray:
    """vectors[rows[i]] . probe as float64: one product over all vectors when rows cover enough."""
    if rows.size > _FULL_PRODUCT_SHARE * vectors.shape[0]:
        return np.einsum("ij,j->i", vectors, probe)[rows].astype(np.float64)
    return np.einsum("ij,j->i", _rows(vectors, rows), probe).astype(np.float64)


def _whole_answers_both_ways(roster: Roster, center: int, partners: np.ndarray) -> np.ndarray:
    """(partners, 2): each partner's skills . the center's goals, and goals . skills.

    Reads only the block of answers_by_years between the most junior and the most senior
    partner: streaming that block costs less than gathering the partners' rows.
    """
    if partners.size == 0:
        return np.zeros((0, 2))
    rank = roster.years_rank[partners]
    first, last = int(rank.min()), int(rank.max())
    center_answers = np.stack([roster.goal_vectors[center], roster.skill_vectors[center]])
    block = roster.answers_by_years[first : last + 1]
    return np.einsum("ikj,kj->ik", block, center_answers)[rank - first].astype(np.float64)


def _dense_cosine(
    source: np.ndarray, target: np.ndarray, source_idx: np.ndarray, target_idx: np.ndarray
) -> np.ndarray:
    """cosine(source[source_idx[i]], target[target_idx[i]]); rows are unit vectors, or zero for
    empty answers."""
    if source_idx.size == 0:
        return np.zeros(0)
    if _constant(source_idx):
        return _probe_against_rows(target, target_idx, source[source_idx[0]])
    if _constant(target_idx):
        return _probe_against_rows(source, source_idx, target[target_idx[0]])
    out = np.empty(source_idx.size)
    for start in range(0, source_idx.size, _PAIR_CHUNK):
        stop = start + _PAIR_CHUNK
        out[start:stop] = np.einsum(
            "ij,ij->i",
            _rows(source, source_idx[start:stop]),
            _rows(target, target_idx[start:stop]),
        )
    return out


def _sparse_row(matrix: sp.csr_matrix, row: int) -> tuple[np.ndarray, np.ndarray]:
    """(column indices, values) of one CSR row, without building a 1-row matrix."""
    start, stop = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[start:stop], matrix.data[start:stop]


def _probe_against_all(probe: tuple[np.ndarray, np.ndarray], by_ngram: sp.csc_matrix) -> np.ndarray:
    """Dot products of one sparse row (its indices, values) with every row of a CSC matrix.

    Only the columns of the row's n-grams are read, not the whole matrix.
    """
    ngrams, weights = probe
    return np.asarray(by_ngram[:, ngrams] @ weights, dtype=np.float64).ravel()


def _lexical_cosine(roster: Roster, mentor_idx: np.ndarray, mentee_idx: np.ndarray) -> np.ndarray:
    """TF-IDF cosine of mentor mentor_idx[i]'s skills with mentee mentee_idx[i]'s goals."""
    if mentor_idx.size == 0:
        return np.zeros(0)
    if _constant(mentor_idx):
        probe = _sparse_row(roster.lexical_skills, int(mentor_idx[0]))
        return _probe_against_all(probe, roster.lexical_goals_by_ngram)[mentee_idx]
    if _constant(mentee_idx):
        probe = _sparse_row(roster.lexical_goals, int(mentee_idx[0]))
        return _probe_against_all(probe, roster.lexical_skills_by_ngram)[mentor_idx]
    products = roster.lexical_skills[mentor_idx].multiply(roster.lexical_goals[mentee_idx])
    return np.asarray(products.sum(axis=1)).ravel()


def ragged_positions(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Flat positions of the segments [starts[i], starts[i] + counts[i]) laid end to end."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    segment_starts = np.cumsum(counts) - counts
    return np.repeat(starts - segment_starts, counts) + np.arange(total, dtype=np.int64)


def row_kron(left: sp.csr_matrix, right: sp.csr_matrix, size: int) -> sp.csr_matrix:
    """Row i: kron(left[i], right[i]) for every i, built without a loop over rows; `size` is
    the width of `right`, so column a * size + b stands for (left column a, right column b)."""
    # Imported here: a score without text features (rules alone) never needs scipy.sparse.
    import scipy.sparse as sp

    n = left.shape[0]
    left_counts, right_counts = np.diff(left.indptr), np.diff(right.indptr)
    row_of_left = np.repeat(np.arange(n), left_counts)
    repeats = right_counts[row_of_left]
    rows = np.repeat(row_of_left, repeats)
    left_column = np.repeat(left.indices, repeats)
    left_value = np.repeat(left.data, repeats)
    # For each left entry, the positions of its row's right entries, laid end to end.
    positions = ragged_positions(right.indptr[row_of_left], repeats)
    columns = left_column * size + right.indices[positions]
    values = left_value * right.data[positions]
    return sp.csr_matrix((values, (rows, columns)), shape=(n, size * size))


def _segment_max(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Max of each consecutive segment of `values`; 0 for empty segments."""
    out = np.zeros(counts.size)
    nonempty = counts > 0
    if values.size:
        starts = (np.cumsum(counts) - counts)[nonempty]
        out[nonempty] = np.maximum.reduceat(values, starts)
    return out


def _best_against_each(items: ItemSet, owners: np.ndarray, probes: np.ndarray) -> np.ndarray:
    """(owners, 3) cosines of each owner's items with the phrase vectors `probes`: the best of
    all, the best with `probes[0]`, and the best of the owner's first item with any probe.

    The last two are first_goal_match from either side (`probes` a mentee's goals, or the
    owners mentees): columns and rows of the same product, so they cost no second pass over
    items.
    """
    if owners.size == 0 or probes.shape[0] == 0:
        return np.zeros((owners.size, 3))
    counts = items.counts[owners]
    positions = ragged_positions(items.offsets[owners], counts)
    rows = items.refs[positions]
    if rows.size > _FULL_PRODUCT_SHARE * items.vectors.shape[0]:
        # Each distinct phrase compared once, then looked up for every owner who wrote it.
        products = _phrase_products(items.vectors, probes)
        best_of_all, best_of_first = products.max(axis=1).take(rows), products[:, 0].take(rows)
    else:
        products = _phrase_products(_rows(items.vectors, rows), probes)
        best_of_all, best_of_first = products.max(axis=1), products[:, 0]
    # Maxima of float32 are exact: widening the few per-owner results is enough.
    out = np.zeros((owners.size, 3))
    nonempty = counts > 0
    out[nonempty, 2] = best_of_all[(np.cumsum(counts) - counts)[nonempty]]
    out[:, 0] = _segment_max(best_of_all, counts)
    out[:, 1] = _segment_max(best_of_first, counts)
    return out


def _best_against(items: ItemSet, owners: np.ndarray, probes: np.ndarray) -> np.ndarray:
    """For each owner, the best cosine between their items and the phrase vectors `probes`."""
    return _best_against_each(items, owners, probes)[:, 0]


def _best_item_match(
    skills: ItemSet, goals: ItemSet, mentor_idx: np.ndarray, mentee_idx: np.ndarray
) -> np.ndarray:
    """Max cosine over skill items of mentor_idx[i] x goal items of mentee_idx[i], grouped by the
    rarer side."""
    out = np.zeros(mentor_idx.size)
    if mentor_idx.size == 0:
        return out
    if _constant(mentee_idx):
        return _best_against(skills, mentor_idx, goals.vectors[goals.of(int(mentee_idx[0]))])
    if _constant(mentor_idx):
        return _best_against(goals, mentee_idx, skills.vectors[skills.of(int(mentor_idx[0]))])
    by_mentee = np.unique(mentee_idx).size <= np.unique(mentor_idx).size
    group_keys = mentee_idx if by_mentee else mentor_idx
    order = np.argsort(group_keys, kind="stable")
    keys, starts = np.unique(group_keys[order], return_index=True)
    bounds = [*starts.tolist(), order.size]
    for position, key in enumerate(keys.tolist()):
        members = order[bounds[position] : bounds[position + 1]]
        if by_mentee:
            out[members] = _best_against(skills, mentor_idx[members], goals.vectors[goals.of(key)])
        else:
            out[members] = _best_against(goals, mentee_idx[members], skills.vectors[skills.of(key)])
    return out


def star_center(mentor_idx: np.ndarray, mentee_idx: np.ndarray) -> int | None:
    """The person every pair involves, if any: one person against their candidates."""
    for center in (int(mentor_idx[0]), int(mentee_idx[0])):
        if bool(((mentor_idx == center) | (mentee_idx == center)).all()):
            return center
    return None


def _text_block(
    roster: Roster, mentor_idx: np.ndarray, mentee_idx: np.ndarray, *, back: bool = False
) -> np.ndarray:
    """Text similarities of mentor mentor_idx[i] to mentee mentee_idx[i], clipped to [0, 1].

    Columns: TEXT_FEATURES, or only best item match, lexical and first goal match when `back`
    (the reverse direction of a mutual pair, whose other columns are known already).
    """
    skills, goals = roster.skill_items, roster.goal_items
    skill_vectors, goal_vectors = roster.skill_vectors, roster.goal_vectors
    columns = [_best_item_match(skills, goals, mentor_idx, mentee_idx)]
    columns.append(_lexical_cosine(roster, mentor_idx, mentee_idx))
    if not back:
        columns.insert(0, _dense_cosine(skill_vectors, goal_vectors, mentor_idx, mentee_idx))
        columns.insert(2, _dense_cosine(goal_vectors, skill_vectors, mentor_idx, mentee_idx))
    columns.append(_best_item_match(skills, goals.firsts, mentor_idx, mentee_idx))
    return np.clip(np.column_stack(columns), 0.0, 1.0)


def _one_way_from_center(
    roster: Roster, center: int, partners: np.ndarray, *, center_teaches: bool
) -> np.ndarray:
    """(partners, 3) clipped: best item match, lexical, first goal match; center on one side."""
    skills, goals = roster.skill_items, roster.goal_items
    if center_teaches:
        center_skills = skills.vectors[skills.of(center)]
        # Each partner's first goal is their first goal item: a row of the same product.
        item, _, first = _best_against_each(goals, partners, center_skills).T
        lexical = _probe_against_all(
            _sparse_row(roster.lexical_skills, center), roster.lexical_goals_by_ngram
        )
    else:
        # The center's first goal is its first goal item: column 0 of the same product.
        item, first, _ = _best_against_each(skills, partners, goals.vectors[goals.of(center)]).T
        lexical = _probe_against_all(
            _sparse_row(roster.lexical_goals, center), roster.lexical_skills_by_ngram
        )
    return np.clip(np.column_stack([item, lexical[partners], first]), 0.0, 1.0)


def _star_text(
    roster: Roster, center: int, mentor_idx: np.ndarray, mentee_idx: np.ndarray, *, mutual: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """_text_block of one person against their partners, and of the back direction if mutual.

    A `both` person mentors some partners and is mentored by others: each similarity is
    computed once per partner and direction with one-to-many products, then placed by the
    side the person takes in each pair.
    """
    teaches = mentor_idx == center
    partners = np.where(teaches, mentee_idx, mentor_idx)
    whole = np.clip(_whole_answers_both_ways(roster, center, partners), 0.0, 1.0)
    partner_to_center, center_to_partner = whole[:, 0], whole[:, 1]
    # Items and n-grams (best item, lexical, first goal): only the directions a feature reads.
    pairs = mentor_idx.size
    one_way = {True: np.zeros((pairs, 3)), False: np.zeros((pairs, 3))}
    for center_teaches in (True, False):
        rows = np.arange(pairs) if mutual else np.flatnonzero(teaches == center_teaches)
        if rows.size:
            one_way[center_teaches][rows] = _one_way_from_center(
                roster, center, partners[rows], center_teaches=center_teaches
            )
    as_paired = np.where(teaches[:, None], one_way[True], one_way[False])
    item, lexical, first = as_paired.T
    forward = np.column_stack(
        [
            np.where(teaches, center_to_partner, partner_to_center),
            item,
            np.where(teaches, partner_to_center, center_to_partner),
            lexical,
            first,
        ]
    )
    if not mutual:
        return forward, None
    return forward, np.where(teaches[:, None], one_way[False], one_way[True])


def text_similarities(
    roster: Roster, mentor_idx: np.ndarray, mentee_idx: np.ndarray, *, mutual: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """TEXT_FEATURES columns of the pairs, and (best item, lexical, first goal) of the pairs
    with the sides swapped when mutual."""
    if mentor_idx.size == 0:
        return np.zeros((0, _TEXT_COLUMNS)), np.zeros((0, 3)) if mutual else None
    center = star_center(mentor_idx, mentee_idx)
    if center is not None:
        return _star_text(roster, center, mentor_idx, mentee_idx, mutual=mutual)
    forward = _text_block(roster, mentor_idx, mentee_idx)
    back = _text_block(roster, mentee_idx, mentor_idx, back=True) if mutual else None
    return forward, back
