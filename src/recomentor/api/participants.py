"""Participants: upsert as JSON, import a survey file, read one, erase one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from anyio import to_thread
from litestar import Controller, Router, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import ValidationException
from litestar.params import JSONBody, MultipartBody, PathParameter

from recomentor import fields as F
from recomentor.accounts.scopes import ADMIN, READ, WRITE
from recomentor.api.auth import SCOPE
from recomentor.api.errors import problem_responses
from recomentor.api.records import (
    patch_json_participant,
    stored_fields,
    upsert_json_participants,
)
from recomentor.api.runtime import Runtime
from recomentor.api.schemas import (
    MAX_PARTICIPANTS_PER_REQUEST,
    ImportReport,
    ParticipantBatch,
    ParticipantIn,
    ParticipantOut,
    ParticipantPatch,
    UpsertOut,
)
from recomentor.erasure import erase_participant
from recomentor.errors import InvalidInputError
from recomentor.store import Store
from recomentor.store.participants import get_participant
from recomentor.suppression import load_erasure_key
from recomentor.survey import import_participants, parse_mapping

# No control characters: PostgreSQL refuses a NUL even in a lookup (a 500 otherwise).
ParticipantPath = Annotated[
    str, PathParameter(min_length=1, max_length=64, pattern=r"^[^\x00-\x1F\x7F-\x9F]+$")
]
# Multipart boundaries and the mapping part ride on top of the file itself.
_MULTIPART_SLACK = 256 * 1024


class ParticipantController(Controller):
    path = "/participants"
    tags = ["participants"]  # noqa: RUF012 (Litestar declares it as a plain attribute)

    @post(
        "/",
        opt={SCOPE: WRITE},
        status_code=200,
        operation_id="upsertParticipants",
        sync_to_thread=True,
        responses=problem_responses(413, 422),
    )
    def upsert(
        self, data: JSONBody[ParticipantIn | ParticipantBatch], runtime: NamedDependency[Runtime]
    ) -> UpsertOut:
        """Insert or replace complete participants, one or a list; all or nothing.

        Every field is sent (`null` where empty): a missing one is 422, never an erasure.
        Older submissions than the stored ones count as `stale`; those of erased people not
        newer than their erasure as `erased`; neither is written.
        """
        batch = data if isinstance(data, list) else [data]
        # Litestar drops the list's length bounds inside the union; check them here.
        if not 1 <= len(batch) <= MAX_PARTICIPANTS_PER_REQUEST:
            raise ValidationException(
                extra=[
                    {
                        "key": "$",
                        "message": f"give 1 to {MAX_PARTICIPANTS_PER_REQUEST} participants",
                        "source": "body",
                    }
                ]
            )
        counts = upsert_json_participants(runtime.store, batch, runtime.settings)
        runtime.invalidate()
        return UpsertOut(
            counts.inserted, counts.updated, counts.unchanged, counts.stale, counts.erased
        )

    @get(
        "/{participant_id:str}",
        opt={SCOPE: READ},
        operation_id="getParticipant",
        sync_to_thread=True,
        responses=problem_responses(404),
    )
    def read(
        self, participant_id: ParticipantPath, runtime: NamedDependency[Runtime]
    ) -> ParticipantOut:
        """One participant's answers in full."""
        return _participant_out(runtime.store, participant_id)

    @patch(
        "/{participant_id:str}",
        opt={SCOPE: WRITE},
        operation_id="updateParticipant",
        sync_to_thread=True,
        responses=problem_responses(404, 409, 413, 422),
    )
    def update(
        self,
        participant_id: ParticipantPath,
        data: JSONBody[ParticipantPatch],
        runtime: NamedDependency[Runtime],
    ) -> ParticipantOut:
        """Change the fields sent, keep the others; `null` clears a field. 409 when older."""
        patch_json_participant(runtime.store, participant_id, data, runtime.settings)
        runtime.invalidate()
        return _participant_out(runtime.store, participant_id)

    @delete(
        "/{participant_id:str}",
        opt={SCOPE: ADMIN},
        operation_id="eraseParticipant",
        sync_to_thread=True,
        responses=problem_responses(404),
    )
    def erase(self, participant_id: ParticipantPath, runtime: NamedDependency[Runtime]) -> None:
        """Erase the person everywhere (GDPR): answers, embeddings, feedback, pairings."""
        erase_participant(runtime.store, participant_id, load_erasure_key(runtime.settings))
        runtime.invalidate()


def _participant_out(store: Store, participant_id: str) -> ParticipantOut:
    with store.session() as session:
        row = get_participant(session, participant_id)
        return ParticipantOut(
            **stored_fields(row), updated_at=row.updated_at, attributes=row.attributes or {}
        )


@dataclass
class ImportForm:
    file: UploadFile
    # A TOML column mapping file (see examples/forms_fr_mapping.toml).
    mapping: UploadFile | None = None
    skip_invalid: bool = False


async def _text_of(upload: UploadFile) -> str:
    try:
        return (await upload.read()).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError("the mapping is not UTF-8 text") from None


@post(
    "/participants/import",
    opt={SCOPE: WRITE},
    status_code=200,
    operation_id="importParticipants",
    tags=["participants"],
    responses=problem_responses(413, 422),
)
async def import_survey(
    data: MultipartBody[ImportForm],
    runtime: NamedDependency[Runtime],
) -> ImportReport:
    """Import a CSV/XLSX survey export with an optional mapping; same report as the CLI."""
    content = await data.file.read()
    mapping = None
    if data.mapping is not None:
        text = await _text_of(data.mapping)
        mapping = parse_mapping(text, allowed_fields=F.PARTICIPANT_FIELDS)

    source = data.file.filename or "upload"

    def run() -> ImportReport:
        # The limits (bytes, rows, text length) are the settings', as for the CLI.
        return import_participants(
            runtime.store,
            content,
            source=source,
            settings=runtime.settings,
            mapping=mapping,
            skip_invalid=data.skip_invalid,
        )

    report = await to_thread.run_sync(run)
    runtime.invalidate()
    return report


def import_router(max_upload_bytes: int) -> Router:
    """The import route with the upload limit, which is larger than the JSON one."""
    return Router(
        path="/",
        route_handlers=[import_survey],
        request_max_body_size=max_upload_bytes + _MULTIPART_SLACK,
    )
