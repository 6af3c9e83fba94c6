"""`recomentor demo`: a synthetic company imported, embedded and explained end to end."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from recomentor import fields as F
from recomentor.cli import context

DEMO_PARTICIPANTS = 240
DEMO_FEEDBACK = 400
DEMO_SEED = 2026
SHOWN_PEOPLE = 3


def demo(
    participants: Annotated[
        int, typer.Option(min=20, max=5_000, help="Size of the synthetic company.")
    ] = DEMO_PARTICIPANTS,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the synthetic company.")] = DEMO_SEED,
) -> None:
    """Build a synthetic company, import it, embed it and show explained suggestions."""
    # Imported here so `recomentor --help` stays fast.
    from recomentor.cli.suggest import print_suggestions
    from recomentor.ranking.rank import rank_partners
    from recomentor.ranking.roster import ROLE_CODES
    from recomentor.ranking.scorers import scorer_for
    from recomentor.survey import import_feedback, import_participants
    from recomentor.synth import write_synthetic

    console = context.console
    settings = context.settings()
    store = context.store()
    started = time.perf_counter()
    out = settings.home / "demo"
    files = write_synthetic(out, participants, DEMO_FEEDBACK, seed)
    console.print(f"[bold]1.[/] Wrote a synthetic company of {participants} people to {out}/")
    people = import_participants(
        store, files["participants"].read_bytes(), source="participants.csv", settings=settings
    )
    # The synthetic feedback rates pairings from before recomentor: none of them was paired here.
    feedback = import_feedback(
        store,
        files["feedback"].read_bytes(),
        source="feedback.csv",
        settings=settings,
        allow_unpaired=True,
    )
    console.print(
        f"[bold]2.[/] Imported {people.inserted + people.updated + people.unchanged} participants "
        f"and {feedback.inserted + feedback.updated + feedback.unchanged} past pairings "
        f"into {settings.resolved_database_url}"
    )
    console.print(f"[bold]3.[/] Embedding skills and goals with {context.encoder().model_id} ...")
    roster = context.roster()
    scorer = scorer_for(context.scorer(), F.REVERSE)  # the scorer the demo's ranking uses
    console.print(f"[bold]4.[/] Ranking with the {scorer.kind} scorer ({scorer.name})\n")
    mentee_code = ROLE_CODES[F.MENTEE]
    seniors = sorted(
        pid
        for pid, role, years in zip(roster.ids, roster.role, roster.years, strict=True)
        if role == mentee_code and years >= 15
    )[:SHOWN_PEOPLE]
    for person_id in seniors:
        result = rank_partners(
            roster, scorer, person_id, k=3, mode=F.REVERSE, min_gap=settings.min_gap,
            lang=settings.lang,
        )  # fmt: skip
        print_suggestions(result, lang=settings.lang)
    console.print(f"\nDone in {time.perf_counter() - started:.0f} s. What to try next:")
    console.print(f"  recomentor suggest {seniors[0] if seniors else 'ID'} --json")
    console.print("  recomentor match --out pairs.csv          # cohort matching under capacities")
    console.print("  recomentor train                          # learn from the imported feedback")
    console.print("  recomentor apikey create --name intranet --scopes read,write")
    console.print("  recomentor serve                          # HTTP API, docs at /schema")
