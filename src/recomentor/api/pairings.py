"""Pairings: list them, pair two people by hand, read one, end one."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter

from recomentor.accounts.scopes import READ, WRITE
from recomentor.api.auth import SCOPE
from recomentor.api.errors import problem_responses
from recomentor.api.matchings import LOCATION
from recomentor.api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, next_cursor
from recomentor.api.runtime import Runtime
from recomentor.api.schemas import PairingEndIn, PairingIn, PairingPage
from recomentor.matching.pairings import (
    Pairing,
    end_pairing,
    get_pairing_by_id,
    list_pairings,
    pair_by_hand,
)

PairingPath = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]


class PairingController(Controller):
    path = "/pairings"
    tags = ["pairings"]  # noqa: RUF012 (Litestar declares it as a plain attribute)

    @get(
        "/",
        opt={SCOPE: READ},
        operation_id="listPairings",
        sync_to_thread=True,
        responses=problem_responses(),
    )
    def index(
        self,
        runtime: NamedDependency[Runtime],
        status: Annotated[
            Literal["active", "ended"] | None, QueryParameter(description="Only this status.")
        ] = None,
        participant_id: Annotated[
            str | None,
            QueryParameter(
                min_length=1, max_length=64, description="Only this person's, on either side."
            ),
        ] = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> PairingPage:
        """Pairings in the order they were formed, a page at a time."""
        key = decode_cursor(cursor, int)
        items = list_pairings(
            runtime.store,
            status=status,
            participant_id=participant_id,
            after_id=key[0] if key else None,
            limit=limit + 1,
        )
        return PairingPage(
            items=items[:limit], next_cursor=next_cursor(items, limit, lambda p: [p.id])
        )

    @post(
        "/",
        opt={SCOPE: WRITE},
        status_code=201,
        operation_id="createPairing",
        response_headers=LOCATION,
        sync_to_thread=True,
        responses=problem_responses(404, 409, 413, 422),
    )
    def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[PairingIn],
        runtime: NamedDependency[Runtime],
    ) -> Response[Pairing]:
        """Pair two people by hand; 409 when capacity, a pairing in force or a hard rule
        forbids it."""
        pairing = pair_by_hand(
            runtime.store,
            runtime.roster(),
            data.mentor_id,
            data.mentee_id,
            mode=data.mode,
            min_gap=runtime.settings.min_gap,
            max_mentors=data.max_mentors,
        )
        location = f"{request.url.path.rstrip('/')}/{pairing.id}"
        return Response(pairing, status_code=201, headers={"Location": location})

    @get(
        "/{pairing_id:int}",
        opt={SCOPE: READ},
        operation_id="getPairing",
        sync_to_thread=True,
        responses=problem_responses(404),
    )
    def read(self, pairing_id: PairingPath, runtime: NamedDependency[Runtime]) -> Pairing:
        """One pairing, active or ended."""
        return get_pairing_by_id(runtime.store, pairing_id)

    @post(
        "/{pairing_id:int}/end",
        opt={SCOPE: WRITE},
        status_code=200,
        operation_id="endPairing",
        sync_to_thread=True,
        responses=problem_responses(404, 409, 413),
    )
    def end(
        self,
        pairing_id: PairingPath,
        data: JSONBody[PairingEndIn],
        runtime: NamedDependency[Runtime],
    ) -> Pairing:
        """End an active pairing with a reason; it frees the mentor's slot and the mentee."""
        return end_pairing(runtime.store, pairing_id, data.reason)
