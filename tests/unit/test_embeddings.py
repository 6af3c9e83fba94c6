"""The embedding cache: only new or changed texts reach the encoder, vectors round-trip."""

from __future__ import annotations

import numpy as np
from sqlalchemy import func, select

from recomentor.embeddings import (
    PACKAGED_MODEL_ID,
    SentenceEncoder,
    embed_texts,
    erase_participant_embeddings,
    model_id_for,
    resolve_model_path,
    texts_for_participant,
)
from recomentor.store import Store
from recomentor.store.participants import upsert_participants
from recomentor.store.tables import EmbeddingRow
from tests.fakes import FakeEncoder, person


def _cached_rows(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(EmbeddingRow)) or 0)


def test_second_embed_of_the_same_texts_encodes_nothing(sqlite_store: Store) -> None:
    encoder = FakeEncoder()
    texts = ["Instagram", "Power BI", "Négociation"]
    first = embed_texts(sqlite_store, encoder, texts)
    second = embed_texts(sqlite_store, encoder, texts)
    assert first.encoded == 3
    assert second.encoded == 0
    assert len(encoder.calls) == 1
    np.testing.assert_array_equal(first.vectors, second.vectors)


def test_cached_vectors_round_trip_bit_for_bit(sqlite_store: Store) -> None:
    encoder = FakeEncoder()
    fresh = encoder.encode(["Python pour l'analyse de données"])
    embed_texts(sqlite_store, FakeEncoder(), ["Python pour l'analyse de données"])
    cached = embed_texts(sqlite_store, encoder, ["Python pour l'analyse de données"])
    assert cached.encoded == 0
    assert cached.vectors.dtype == np.float32
    np.testing.assert_array_equal(cached.vectors, fresh)


def test_changed_text_encodes_only_the_new_one(sqlite_store: Store) -> None:
    encoder = FakeEncoder()
    embed_texts(sqlite_store, encoder, ["Instagram", "TikTok"])
    batch = embed_texts(sqlite_store, encoder, ["Instagram", "TikTok et Reels"])
    assert batch.encoded == 1
    assert encoder.calls[-1] == ["TikTok et Reels"]


def test_vectors_align_with_input_order_duplicates_and_normalisation(sqlite_store: Store) -> None:
    encoder = FakeEncoder()
    batch = embed_texts(sqlite_store, encoder, ["  Power   BI ", "SQL", "Power BI", "SQL"])
    assert batch.encoded == 2
    assert sorted(encoder.encoded_texts) == ["Power BI", "SQL"]
    np.testing.assert_array_equal(batch.vectors[0], batch.vectors[2])
    np.testing.assert_array_equal(batch.vectors[1], batch.vectors[3])
    np.testing.assert_allclose(np.linalg.norm(batch.vectors, axis=1), 1.0, rtol=1e-5)


def test_empty_text_is_a_zero_vector_never_sent_to_the_model(sqlite_store: Store) -> None:
    encoder = FakeEncoder()
    batch = embed_texts(sqlite_store, encoder, ["", "  ", "Canva"])
    assert batch.encoded == 1
    assert encoder.encoded_texts == ["Canva"]
    assert not batch.vectors[:2].any()
    only_empty = embed_texts(sqlite_store, encoder, [""])
    assert only_empty.vectors.shape == (1, encoder.dimension)
    assert not only_empty.vectors.any()


def test_cache_is_keyed_by_model(sqlite_store: Store) -> None:
    embed_texts(sqlite_store, FakeEncoder(model_id="fake/a"), ["Instagram"])
    other = FakeEncoder(model_id="fake/b")
    assert embed_texts(sqlite_store, other, ["Instagram"]).encoded == 1
    assert _cached_rows(sqlite_store) == 2


def test_texts_for_participant_covers_whole_answers_and_items() -> None:
    texts = texts_for_participant("SQL, Python\nPower BI", "Négociation")
    assert texts == ["SQL, Python Power BI", "Négociation", "SQL", "Python", "Power BI"]
    assert texts_for_participant(None, "") == []


def test_erasure_keeps_vectors_other_people_still_use(sqlite_store: Store) -> None:
    records = [
        person("E1", skills="Instagram, Canva", goals="Négociation"),
        person("E2", skills="Canva", goals="Négociation"),
    ]
    with sqlite_store.session() as session:
        upsert_participants(session, records)
    texts = {t for r in records for t in texts_for_participant(r["skills"], r["goals"])}
    embed_texts(sqlite_store, FakeEncoder(), sorted(texts))
    embed_texts(sqlite_store, FakeEncoder(model_id="fake/other"), ["Instagram"])
    with sqlite_store.session() as session:
        deleted = erase_participant_embeddings(session, "E1")
    # E1's own texts in both models ("Instagram, Canva" and "Instagram" twice) go; Canva and
    # Négociation stay because E2 wrote them too.
    assert deleted == 3
    survivor = FakeEncoder()
    batch = embed_texts(sqlite_store, survivor, ["Canva", "Négociation", "Instagram"])
    assert survivor.encoded_texts == ["Instagram"]
    assert batch.encoded == 1


def test_packaged_default_model_resolves_offline() -> None:
    encoder = SentenceEncoder()
    assert encoder.model_id == PACKAGED_MODEL_ID
    assert model_id_for("my/other-model") == "my/other-model"
    assert (resolve_model_path("all-MiniLM-L6-v2") + "/").endswith("/model/")
    assert encoder._model is None  # nothing loads until the first encode
