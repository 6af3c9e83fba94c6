"""`recomentor suggest`: ranked, explained partners for one participant."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from recomentor import fields as F
from recomentor.cli import context
from recomentor.cli.people import contacts, who

if TYPE_CHECKING:
    from recomentor.ranking.rank import SuggestionResult

# The lines around the exclusion reasons, whose words come from ranking/explain.py.
_LINES = {
    "en": {
        "none": "No eligible partner for {person} in {mode} mode.",
        "excluded": "Excluded: {reasons}.",
        "not_candidates": "Not candidates: {reasons}.",
        "nobody": "nobody else",
    },
    "fr": {
        "none": "Aucun partenaire éligible pour {person} en mode {mode}.",
        "excluded": "Exclus : {reasons}.",
        "not_candidates": "Non candidats : {reasons}.",
        "nobody": "personne d'autre",
    },
}


def print_suggestions(result: SuggestionResult, *, lang: str) -> None:
    """Rich table of ranked partners, named, with reasons; why the others are not candidates,
    in `lang`."""
    from rich.table import Table
    from rich.text import Text

    from recomentor.ranking.explain import check_lang, describe_exclusions

    console = context.console
    people = contacts([result.person_id, *(s.partner_id for s in result.suggestions)])
    lines = _LINES[check_lang(lang)]
    excluded = describe_exclusions(result.excluded, lang) or lines["nobody"]
    model = result.model
    title = Text(
        f"Suggestions for {who(result.person_id, people)} "
        f"({result.mode}, {model.name} v{model.version})"
    )
    if not result.suggestions:
        person = who(result.person_id, people)
        console.print(lines["none"].format(person=person, mode=result.mode), markup=False)
        console.print(lines["excluded"].format(reasons=excluded))
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
            who(suggestion.partner_id, people),
            suggestion.role,
            f"{suggestion.score:.3f}",
            # Texts, not markup: the summary and phrases quote the participants' answers.
            Text.assemble(explanation.summary, "\n", (reasons, "dim")),
            Text(matches),
        )
    console.print(table)
    console.print(lines["not_candidates"].format(reasons=excluded), style="dim")


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
    from recomentor.ranking.capacity import read_pairing_state
    from recomentor.ranking.rank import rank_partners
    from recomentor.store.participants import get_participant

    settings = context.settings()
    with context.store().session() as session:
        get_participant(session, person_id)  # an unknown id fails before the model loads
    chosen_lang = lang or settings.lang
    result = rank_partners(
        context.roster(progress=not as_json),
        context.scorer(),
        person_id,
        k=k,
        mode=mode.lower(),
        min_gap=settings.min_gap,
        lang=chosen_lang,
        role=as_role,
        pairings=read_pairing_state(context.store()),
    )
    if as_json:
        context.print_json(result)
    else:
        print_suggestions(result, lang=chosen_lang)
