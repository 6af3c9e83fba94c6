"""Vectorised similarity kernels behind pair_features: text features of many pairs at once."""

from __future__ import annotations

from functools import cache
from typing import Final

import numpy as np
import scipy.sparse as sp
from threadpoolctl import ThreadpoolController

from recomentor.ranking.roster import ItemSet, Roster

# Gathering candidate rows costs more than one product over everyone past this share.
_FULL_PRODUCT_SHARE: Final = 0.125
_PAIR_CHUNK: Final = 4_096

# Columns of text_similarities, in the order of TEXT_FEATURES in features.py.
_TEXT_COLUMNS: Final = 5


def _constant(index: np.ndarray) -> bool:
    return index.size > 0 and bool((index == index[0]).all())


# Products of float32 embeddings go through einsum, not a multithreaded BLAS: a BLAS call per
# request spinning threads against every other busy process is 10x slower on a loaded host,
# and einsum gives each row the same result however many rows are computed with it. The one
# exception is `_phrase_products`, a matrix product BLAS does faster even on one thread.
@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def _phrase_products(phrases: np.ndarray, one: np.ndarray) -> np.ndarray:
    """(phrases, len(one)) cosines, by single-threaded BLAS (1.6x einsum here).

    The limit is process-wide while the product runs, and concurrent requests set and restore
    it in any order: at worst a product runs on the default threads, or the process keeps one
    BLAS thread afterwards. Results are the same either way; only the speed differs.
    """
    with _blas().limit(limits=1, user_api="blas"):
        products: np.ndarray = phrases @ one.T
    return products


def _rows(matrix: np.ndarray, index: np.ndarray) -> np.ndarray:
    # np.take copies rows several times faster than fancy indexing.
    return np.take(matrix, index, axis=0)


def _one_against_rows(many: np.ndarray, rows: np.ndarray, one: np.ndarray) -> np.ndarray:
    """many[rows[i]] . one as float64: one product over everyone when rows cover enough of it."""
    if rows.size > _FULL_PRODUCT_SHARE * many.shape[0]:
        return np.einsum("ij,j->i", many, one)[rows].astype(np.float64)
    return np.einsum("ij,j->i", _rows(many, rows), one).astype(np.float64)


def _whole_answers_both_ways(roster: Roster, center: int, partners: np.ndarray) -> np.ndarray:
    """(partners, 2): each partner's skills . the center's goals, and goals . skills.

    Reads only the block of answers_by_years between the most junior and the most senior
    partner: streaming that block costs less than gathering the partners' rows.
    """
    if partners.size == 0:
        return np.zeros((0, 2))
    rank = roster.years_rank[partners]
    first, last = int(rank.min()), int(rank.max())
    center_answers = np.stack([roster.goals[center], roster.skills[center]])
    block = roster.answers_by_years[first : last + 1]
    return np.einsum("ikj,kj->ik", block, center_answers)[rank - first].astype(np.float64)


def _dense_cosine(
    source: np.ndarray, target: np.ndarray, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """cosine(source[a[i]], target[b[i]]); rows are unit vectors, or zero for empty answers."""
    if a.size == 0:
        return np.zeros(0)
    if _constant(a):
        return _one_against_rows(target, b, source[a[0]])
    if _constant(b):
        return _one_against_rows(source, a, target[b[0]])
    out = np.empty(a.size)
    for start in range(0, a.size, _PAIR_CHUNK):
        stop = start + _PAIR_CHUNK
        out[start:stop] = np.einsum(
            "ij,ij->i", _rows(source, a[start:stop]), _rows(target, b[start:stop])
        )
    return out


def _sparse_row(matrix: sp.csr_matrix, row: int) -> tuple[np.ndarray, np.ndarray]:
    """(column indices, values) of one CSR row, without building a 1-row matrix."""
    start, stop = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[start:stop], matrix.data[start:stop]


def _one_against_all(one: tuple[np.ndarray, np.ndarray], by_ngram: sp.csc_matrix) -> np.ndarray:
    """Dot products of one sparse row (its indices, values) with every row of a CSC matrix.

    Only the columns of the row's n-grams are read, not the whole matrix.
    """
    ngrams, weights = one
    return np.asarray(by_ngram[:, ngrams] @ weights, dtype=np.float64).ravel()


def _lexical_cosine(roster: Roster, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """TF-IDF cosine of mentor a[i]'s skills with mentee b[i]'s goals."""
    if a.size == 0:
        return np.zeros(0)
    if _constant(a):
        one = _sparse_row(roster.lexical_skills, int(a[0]))
        return _one_against_all(one, roster.lexical_goals_by_ngram)[b]
    if _constant(b):
        one = _sparse_row(roster.lexical_goals, int(b[0]))
        return _one_against_all(one, roster.lexical_skills_by_ngram)[a]
    products = roster.lexical_skills[a].multiply(roster.lexical_goals[b])
    return np.asarray(products.sum(axis=1)).ravel()


def ragged_positions(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Flat positions of the segments [starts[i], starts[i] + counts[i]) laid end to end."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    segment_starts = np.cumsum(counts) - counts
    return np.repeat(starts - segment_starts, counts) + np.arange(total, dtype=np.int64)


def _segment_max(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Max of each consecutive segment of `values`; 0 for empty segments."""
    out = np.zeros(counts.size)
    nonempty = counts > 0
    if values.size:
        starts = (np.cumsum(counts) - counts)[nonempty]
        out[nonempty] = np.maximum.reduceat(values, starts)
    return out


def _best_against_each(many: ItemSet, owners: np.ndarray, one: np.ndarray) -> np.ndarray:
    """(owners, 3) cosines of each owner's items with the vectors `one`: the best of all, the
    best with `one[0]`, and the best of the owner's first item with any of `one`.

    The last two are first_goal_match from either side (`one` a mentee's goals, or the owners
    mentees): columns and rows of the same product, so they cost no second pass over items.
    """
    if owners.size == 0 or one.shape[0] == 0:
        return np.zeros((owners.size, 3))
    counts = many.counts[owners]
    positions = ragged_positions(many.offsets[owners], counts)
    rows = many.refs[positions]
    if rows.size > _FULL_PRODUCT_SHARE * many.vectors.shape[0]:
        # Each distinct phrase compared once, then looked up for every owner who wrote it.
        products = _phrase_products(many.vectors, one)
        best_of_all, best_of_first = products.max(axis=1).take(rows), products[:, 0].take(rows)
    else:
        products = _phrase_products(_rows(many.vectors, rows), one)
        best_of_all, best_of_first = products.max(axis=1), products[:, 0]
    # Maxima of float32 are exact: widening the few per-owner results is enough.
    out = np.zeros((owners.size, 3))
    nonempty = counts > 0
    out[nonempty, 2] = best_of_all[(np.cumsum(counts) - counts)[nonempty]]
    out[:, 0] = _segment_max(best_of_all, counts)
    out[:, 1] = _segment_max(best_of_first, counts)
    return out


def _best_against(many: ItemSet, owners: np.ndarray, one: np.ndarray) -> np.ndarray:
    """For each owner, the best cosine between their items in `many` and the vectors `one`."""
    return _best_against_each(many, owners, one)[:, 0]


def _best_item_match(skills: ItemSet, goals: ItemSet, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Max cosine over skill items of a[i] x goal items of b[i], grouped by the rarer side."""
    out = np.zeros(a.size)
    if a.size == 0:
        return out
    if _constant(b):
        return _best_against(skills, a, goals.vectors[goals.of(int(b[0]))])
    if _constant(a):
        return _best_against(goals, b, skills.vectors[skills.of(int(a[0]))])
    by_mentee = np.unique(b).size <= np.unique(a).size
    group_keys = b if by_mentee else a
    order = np.argsort(group_keys, kind="stable")
    keys, starts = np.unique(group_keys[order], return_index=True)
    bounds = [*starts.tolist(), order.size]
    for position, key in enumerate(keys.tolist()):
        members = order[bounds[position] : bounds[position + 1]]
        if by_mentee:
            out[members] = _best_against(skills, a[members], goals.vectors[goals.of(key)])
        else:
            out[members] = _best_against(goals, b[members], skills.vectors[skills.of(key)])
    return out


def star_center(a: np.ndarray, b: np.ndarray) -> int | None:
    """The person every pair involves, if any: one person against their candidates."""
    for center in (int(a[0]), int(b[0])):
        if bool(((a == center) | (b == center)).all()):
            return center
    return None


def _text_block(roster: Roster, a: np.ndarray, b: np.ndarray, *, back: bool = False) -> np.ndarray:
    """Text similarities of mentor a[i] to mentee b[i], clipped to [0, 1].

    Columns: TEXT_FEATURES, or only best item match, lexical and first goal match when `back`
    (the reverse direction of a mutual pair, whose other columns are known already).
    """
    skills, goals = roster.skill_items, roster.goal_items
    columns = [_best_item_match(skills, goals, a, b)]
    columns.append(_lexical_cosine(roster, a, b))
    if not back:
        columns.insert(0, _dense_cosine(roster.skills, roster.goals, a, b))
        columns.insert(2, _dense_cosine(roster.goals, roster.skills, a, b))
    columns.append(_best_item_match(skills, goals.firsts, a, b))
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
        lexical = _one_against_all(
            _sparse_row(roster.lexical_skills, center), roster.lexical_goals_by_ngram
        )
    else:
        # The center's first goal is its first goal item: column 0 of the same product.
        item, first, _ = _best_against_each(skills, partners, goals.vectors[goals.of(center)]).T
        lexical = _one_against_all(
            _sparse_row(roster.lexical_goals, center), roster.lexical_skills_by_ngram
        )
    return np.clip(np.column_stack([item, lexical[partners], first]), 0.0, 1.0)


def _star_text(
    roster: Roster, center: int, a: np.ndarray, b: np.ndarray, *, mutual: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """_text_block of one person against their partners, and of the back direction if mutual.

    A `both` person mentors some partners and is mentored by others: each similarity is
    computed once per partner and direction with one-to-many products, then placed by the
    side the person takes in each pair.
    """
    teaches = a == center
    partners = np.where(teaches, b, a)
    whole = np.clip(_whole_answers_both_ways(roster, center, partners), 0.0, 1.0)
    partner_to_center, center_to_partner = whole[:, 0], whole[:, 1]
    # Items and n-grams (best item, lexical, first goal): only the directions a feature reads.
    one_way = {True: np.zeros((a.size, 3)), False: np.zeros((a.size, 3))}
    for center_teaches in (True, False):
        rows = np.arange(a.size) if mutual else np.flatnonzero(teaches == center_teaches)
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
    roster: Roster, a: np.ndarray, b: np.ndarray, *, mutual: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """TEXT_FEATURES columns of the pairs, and (best item, lexical, first goal) of (b, a) when
    mutual."""
    if a.size == 0:
        return np.zeros((0, _TEXT_COLUMNS)), np.zeros((0, 3)) if mutual else None
    center = star_center(a, b)
    if center is not None:
        return _star_text(roster, center, a, b, mutual=mutual)
    forward = _text_block(roster, a, b)
    return forward, _text_block(roster, b, a, back=True) if mutual else None
