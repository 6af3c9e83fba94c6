"""Random bytes and random CSV-shaped text through both importers: the only exceptions that may
come out are the core's own (translated at the edges), never polars', csv's or the database's."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from recomentor import fields as F
from recomentor.errors import RecomentorError
from recomentor.settings import Settings
from recomentor.store import open_store
from recomentor.survey import import_feedback, import_participants

# Characters that break CSVs: separators, quotes, every line ending, NUL, BOM, escapes.
_NASTY = ',;\t"\r\n\x00\ufeff\x1b\x85é€ '
_CELL = st.text(alphabet=st.sampled_from(list(_NASTY) + list("aE1-5.@/:")), max_size=12)
# Besides fields: names the reader or the row checks use for their own columns, and the names
# polars gives a header-less CSV's columns (a "__line__" header once escaped as a polars error).
_INTERNAL_LOOKING = ["__line__", " line", "line", "__row_id__", "__rating", "column_0", "column_1"]
_HEADER = st.sampled_from(
    [*F.PARTICIPANT_FIELDS, *F.FEEDBACK_FIELDS, "", "x", "id", *_INTERNAL_LOOKING]
)


@st.composite
def csv_shaped(draw: st.DrawFn) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    width = draw(st.integers(1, 8))
    header = draw(st.lists(_HEADER, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(_CELL, min_size=0, max_size=width + 2), max_size=6))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = end.join(delimiter.join(cells) for cells in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


def test_the_importers_raise_only_their_own_errors(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'fuzz.db'}")
    settings = Settings(home=tmp_path / "home", max_upload_bytes=4096, max_rows=5)

    @given(data=st.one_of(st.binary(max_size=600), csv_shaped()), skip=st.booleans())
    @example(data=b"__line__,id\n1,E1\n", skip=False)
    @example(data=b"mentor_id,mentee_id,rating,__line__\nA,B,5,1\n", skip=True)
    # Under a loaded CI machine generation can be slow; that is no finding.
    @hypothesis_settings(
        max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
    )
    def attempt(data: bytes, skip: bool) -> None:
        for run in (import_participants, import_feedback):
            with contextlib.suppress(RecomentorError):
                run(store, data, source="fuzz.csv", settings=settings, skip_invalid=skip)

    try:
        attempt()
    finally:
        store.dispose()
