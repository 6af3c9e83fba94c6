"""Ranked, explained partners for one participant, as `recomentor suggest --json` prints them."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from recomentor.accounts.scopes import READ
from recomentor.api.auth import SCOPE
from recomentor.api.errors import problem_responses
from recomentor.api.participants import ParticipantPath
from recomentor.api.runtime import Runtime
from recomentor.api.schemas import SuggestionResult
from recomentor.ranking.capacity import read_pairing_state
from recomentor.ranking.rank import rank_partners

MAX_K = 100


@get(
    "/participants/{participant_id:str}/suggestions",
    opt={SCOPE: READ},
    operation_id="suggestPartners",
    tags=["suggestions"],
    # Scoring is numpy work: off the event loop so other requests keep flowing.
    sync_to_thread=True,
    responses=problem_responses(404),
)
def suggestions(
    participant_id: ParticipantPath,
    runtime: NamedDependency[Runtime],
    k: Annotated[int, QueryParameter(ge=1, le=MAX_K, description="How many partners.")] = 5,
    mode: Annotated[
        Literal["reverse", "classic", "mutual"], QueryParameter(description="Pairing direction.")
    ] = "reverse",
    lang: Annotated[
        Literal["en", "fr"] | None, QueryParameter(description="Summary language.")
    ] = None,
    as_role: Annotated[
        Literal["mentor", "mentee"] | None,
        QueryParameter(name="as", description="Side the person takes (default: any)."),
    ] = None,
) -> SuggestionResult:
    """The k best partners with the reasons behind each score; pairs formed before and people
    the pairings in force leave without room are left out (counted in `excluded`)."""
    return suggest_partners(
        runtime, participant_id, k=k, mode=mode, lang=lang or runtime.settings.lang, role=as_role
    )


def suggest_partners(
    runtime: Runtime,
    participant_id: str,
    *,
    k: int,
    mode: str,
    lang: str,
    role: str | None = None,
) -> SuggestionResult:
    """The ranking this route and the person page show: the runtime's roster and scorer, and
    the pairings as stored now."""
    return rank_partners(
        runtime.roster(),
        runtime.scorer,
        participant_id,
        k=k,
        mode=mode,
        min_gap=runtime.settings.min_gap,
        lang=lang,
        role=role,
        # Read per request: pairings change without any participant changing.
        pairings=read_pairing_state(runtime.store),
    )
