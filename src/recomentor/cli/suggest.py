"""`recomentor suggest`: ranked, explained partners for one participant."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from recomentor import fields as F
from recomentor.cli import context

if TYPE_CHECKING:
    from recomentor.ranking.rank import SuggestionResult

_REASON_WORDS = {
    "same_person": "same person",
    "wrong_role": "wrong role",
    "own_manager": "own manager",
    "no_common_language": "no common language",
    "wrong_direction": "wrong direction or gap",
    "at_capacity": "at capacity",
    "already_paired": "already paired",
    "excluded": "excluded",
}


def _excluded_line(excluded: dict[str, int]) -> str:
    parts = [
        f"{count} {_REASON_WORDS.get(reason, reason)}"
        for reason, count in excluded.items()
        if count and reason != "same_person"
    ]
    return ", ".join(parts) or "nobody else"


def print_suggestions(result: SuggestionResult) -> None:
    """Rich table of ranked partners with reasons; the reasons of exclusion when empty."""
    from rich.table import Table

    console = context.console
    model = result.model
    title = f"Suggestions for {result.person_id} ({result.mode}, {model.name} v{model.version})"
    if not result.suggestions:
        console.print(f"No eligible partner for {result.person_id} in {result.mode} mode.")
        console.print(f"Excluded: {_excluded_line(result.excluded)}.")
        return
    table = Table(title=title, show_lines=True)
    for column in ("rank", "partner", "role", "score", "why", "matched phrases"):
        table.add_column(column, overflow="fold")
    for suggestion in result.suggestions:
        explanation = suggestion.explanation
        reasons = ", ".join(
            f"{factor.name} {factor.contribution:+.2f}"
            for factor in explanation.factors[:3]
            if factor.contribution
        )
        matches = "\n".join(
            f"{m.skill} ↔ {m.goal} ({m.similarity:.2f})" for m in explanation.matches
        )
        table.add_row(
            str(suggestion.rank),
            suggestion.partner_id,
            suggestion.role,
            f"{suggestion.score:.3f}",
            f"{explanation.summary}\n[dim]{reasons}[/dim]",
            matches,
        )
    console.print(table)
    console.print(f"[dim]Not candidates: {_excluded_line(result.excluded)}.[/dim]")


def suggest(
    person_id: Annotated[str, typer.Argument(help="Participant id (e.g. E1040).")],
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many partners.")] = 5,
    mode: Annotated[
        str, typer.Option(help="reverse, classic or mutual.", case_sensitive=False)
    ] = F.REVERSE,
    lang: Annotated[str | None, typer.Option(help="Summary language: en or fr.")] = None,
    as_role: Annotated[
        str | None,
        typer.Option("--as", help="Side the person takes: mentor or mentee (default: any)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the documented JSON.")] = False,
) -> None:
    """Ranked partners for one participant, each with the reasons behind its score."""
    # Imported here so `recomentor --help` does not pay for numpy, scipy and the model code.
    from recomentor.embeddings import SentenceEncoder
    from recomentor.ranking.rank import rank_partners
    from recomentor.ranking.roster import load_roster
    from recomentor.store.participants import get_participant
    from recomentor.training.registry import load_scorer

    settings = context.settings()
    store = context.store()
    with store.session() as session:
        get_participant(session, person_id)  # an unknown id fails before the model loads
    encoder = SentenceEncoder.from_settings(settings)
    roster = load_roster(store, encoder, progress=not as_json and context.console.is_terminal)
    result = rank_partners(
        roster,
        load_scorer(settings),
        person_id,
        k=k,
        mode=mode.lower(),
        min_gap=settings.min_gap,
        lang=lang or settings.lang,
        role=as_role,
    )
    if as_json:
        context.print_json(result)
    else:
        print_suggestions(result)
