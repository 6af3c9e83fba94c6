"""Character n-gram TF-IDF rows: the lexical similarity that needs no embedding model.

The same numbers as scikit-learn's `TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
lowercase=True, strip_accents="unicode", sublinear_tf=True)`, computed here because importing
scikit-learn takes longer than a whole warm `recomentor match`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Final

import numpy as np
import scipy.sparse as sp

NGRAM_SIZES: Final = range(3, 6)
_WHITESPACE_RUNS: Final = re.compile(r"\s\s+")


def _folded(text: str) -> str:
    """Lower case without accents: 'Données' and 'donnees' give the same n-grams."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return _WHITESPACE_RUNS.sub(" ", _folded(text)).split()


def word_ngrams(word: str) -> list[str]:
    """The n-grams of a word padded with one space on each side; a word shorter than the
    smallest size counts once, whole."""
    padded = f" {word} "
    grams: list[str] = []
    for size in NGRAM_SIZES:
        if len(padded) <= size:
            grams.append(padded)
            break
        grams.extend(padded[start : start + size] for start in range(len(padded) - size + 1))
    return grams


def char_ngram_tfidf(texts: Sequence[str]) -> sp.csr_matrix:
    """One L2-normalised row per text over the n-grams of all `texts` (sorted): term counts
    damped to 1 + log(count), weighted by the smoothed inverse document frequency
    1 + log((1 + texts) / (1 + texts with the n-gram))."""
    vocabulary: dict[str, int] = {}
    # Answers repeat words: each distinct word is cut into n-grams once.
    columns_of_word: dict[str, np.ndarray] = {}
    columns_per_text: list[np.ndarray] = []
    for text in texts:
        columns = []
        for word in _words(text):
            known = columns_of_word.get(word)
            if known is None:
                grams = word_ngrams(word)
                known = np.array(
                    [vocabulary.setdefault(g, len(vocabulary)) for g in grams], dtype=np.int64
                )
                columns_of_word[word] = known
            columns.append(known)
        columns_per_text.append(np.concatenate(columns) if columns else np.empty(0, np.int64))
    # Columns in n-gram order, as scikit-learn sorts its vocabulary: the same matrix, not
    # only the same similarities.
    sorted_column = np.empty(len(vocabulary), dtype=np.int64)
    for column, gram in enumerate(sorted(vocabulary)):
        sorted_column[vocabulary[gram]] = column
    width = max(len(vocabulary), 1)
    lengths = np.array([len(c) for c in columns_per_text], dtype=np.int64)
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    every = sorted_column[np.concatenate(columns_per_text)] if len(rows) else rows
    # One (text, n-gram) key per occurrence; counting the distinct keys gives the term counts
    # already in row-major, column-sorted order.
    keys, counts = np.unique(rows * width + every, return_counts=True)
    entry_rows, entry_columns = np.divmod(keys, width)
    documents = np.bincount(entry_columns, minlength=width)
    idf = np.log((len(texts) + 1) / (documents + 1.0)) + 1.0
    weights = (np.log(counts.astype(np.float64)) + 1.0) * idf[entry_columns]
    norms = np.sqrt(np.bincount(entry_rows, weights=weights**2, minlength=len(texts)))
    row_starts = np.concatenate([[0], np.cumsum(np.bincount(entry_rows, minlength=len(texts)))])
    return sp.csr_matrix(
        (weights / norms[entry_rows], entry_columns, row_starts), shape=(len(texts), width)
    )
