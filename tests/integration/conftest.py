"""Heavy fixtures loaded once per test session: the real embedding model and the sample roster."""

from __future__ import annotations

import pytest

from recomentor import fields as F
from recomentor.embeddings import SentenceEncoder
from recomentor.ranking.roster import Roster, load_roster
from recomentor.settings import Settings
from recomentor.store import Store, open_store
from recomentor.survey import import_participants, load_mapping
from tests.conftest import EXAMPLES

SAMPLE_EXPORT = EXAMPLES / "forms_export_fr.csv"
SAMPLE_MAPPING = EXAMPLES / "forms_fr_mapping.toml"


@pytest.fixture(scope="session")
def real_encoder() -> SentenceEncoder:
    """The packaged all-MiniLM-L6-v2, loaded on first encode and shared by every test."""
    return SentenceEncoder()


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    settings = Settings(home=tmp_path_factory.mktemp("sample-home"))
    store = open_store(settings.resolved_database_url)
    mapping = load_mapping(SAMPLE_MAPPING, allowed_fields=F.PARTICIPANT_FIELDS)
    import_participants(
        store,
        SAMPLE_EXPORT.read_bytes(),
        source=str(SAMPLE_EXPORT),
        settings=settings,
        mapping=mapping,
        skip_invalid=True,
    )
    return store


@pytest.fixture(scope="session")
def sample_roster(sample_store: Store, real_encoder: SentenceEncoder) -> Roster:
    return load_roster(sample_store, real_encoder)
