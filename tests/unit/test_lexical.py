"""The lexical TF-IDF rows equal scikit-learn's char_wb TfidfVectorizer, which they replace."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from recomentor.ranking.lexical import char_ngram_tfidf, word_ngrams

ANSWERS = [
    "Données et tableaux de bord Power BI",
    "Utiliser Python ou Power BI pour automatiser mes reportings",
    "donnees  et\ttableaux",  # whitespace runs, no accents: the same n-grams as above
    "IA générative, prompts; ChatGPT",
    "a b",  # one-letter words: shorter than every n-gram size
    "ab ab ab ab",  # repeated n-grams: damped term counts
    "ﬁnance Ångström İstanbul",  # ligature, composed and dotted capitals
    "日本語のテキストとデータ",
    "TikTok et Instagram pour la marque employeur",
]


def _scikit_learn(texts: list[str]) -> sp.csr_matrix:
    vectorizer = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        lowercase=True,
        strip_accents="unicode",
        sublinear_tf=True,
        dtype=np.float64,
    )
    matrix = sp.csr_matrix(vectorizer.fit_transform(texts))
    matrix.sort_indices()
    return matrix


def _assert_same(texts: list[str]) -> None:
    ours, theirs = char_ngram_tfidf(texts), _scikit_learn(texts)
    assert ours.shape == theirs.shape
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    np.testing.assert_allclose(ours.data, theirs.data, rtol=1e-12, atol=1e-15)


def test_the_rows_equal_scikit_learns_column_for_column() -> None:
    _assert_same(ANSWERS)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("abcéèÉ ñ\t\nxyzA-,"), min_size=1, max_size=30).filter(
            lambda text: bool(text.split())
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_answers_give_scikit_learns_rows(texts: list[str]) -> None:
    _assert_same(texts)


@pytest.mark.parametrize(
    ("word", "grams"),
    [
        ("a", [" a "]),
        ("ab", [" ab", "ab ", " ab "]),
        ("abc", [" ab", "abc", "bc ", " abc", "abc ", " abc "]),
    ],
)
def test_a_word_is_padded_and_a_short_one_counts_once_whole(word: str, grams: list[str]) -> None:
    assert word_ngrams(word) == grams


def test_each_row_has_unit_length_and_no_texts_give_no_rows() -> None:
    matrix = char_ngram_tfidf(ANSWERS)
    np.testing.assert_allclose(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel(), 1.0)
    assert char_ngram_tfidf([]).shape[0] == 0
