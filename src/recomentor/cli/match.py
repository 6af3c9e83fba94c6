"""`recomentor match` and `recomentor matching list|show|approve|discard`: cohort matchings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from recomentor.cli import context
from recomentor.cli.people import contacts, who
from recomentor.cli.timings import CommandClock, seconds_since_start
from recomentor.stopwatch import LOAD, WRITE, Stopwatch

if TYPE_CHECKING:
    from recomentor.matching.service import Matching
    from recomentor.store.participants import Contact

# Named here, not imported: the matching stack (scipy, the model) loads only when a command runs.
PARTICIPATION = "participation"

app = typer.Typer(
    help="List, review, export, approve or discard cohort matchings.", no_args_is_help=True
)

_OUT_HELP = (
    "Also write the matching to this file, by its extension: .csv (';', UTF-8 with BOM) or "
    ".xlsx with names and e-mails, .json with ids only."
)
_LANG_HELP = "Language of the summaries (match only), labels and export headers: en or fr."


def _print_matching(matching: Matching, people: Mapping[str, Contact], *, rows: int = 20) -> None:
    console = context.console
    model = matching.model
    full = sum(1 for load in matching.mentor_load if load.assigned >= load.capacity)
    console.print(
        f"Matching [bold]{matching.id}[/bold] ({matching.status}, {matching.mode}, "
        f"objective {matching.objective}, {model.name} v{model.version})"
    )
    console.print(
        f"{len(matching.pairs)} pairs, total score {matching.total_score:.3f}; "
        f"{len(matching.unpaired)} unpaired; {full} of {len(matching.mentor_load)} mentors full."
    )
    if matching.mentees_already_paired:
        console.print(
            f"{matching.mentees_already_paired} mentees already have a mentor and were left out."
        )
    if matching.pairs:
        table = Table(show_lines=False)
        # Only a draft HR edited has locked pairs: the column shows when it says something.
        locks = any(pair.locked for pair in matching.pairs)
        for column in ("mentor", "mentee", "score", *(("locked",) if locks else ()), "why"):
            table.add_column(column, overflow="fold")
        for pair in matching.pairs[:rows]:
            locked = ("yes" if pair.locked else "",) if locks else ()
            table.add_row(
                who(pair.mentor_id, people),
                who(pair.mentee_id, people),
                f"{pair.score:.3f}",
                *locked,
                Text(pair.explanation.summary),  # answers' phrases: never markup
            )
        console.print(table)
        if len(matching.pairs) > rows:
            console.print(
                f"[dim]... and {len(matching.pairs) - rows} more pairs (--out or --json).[/dim]"
            )
    for entry in matching.unpaired[:rows]:
        console.print(
            f"unpaired {who(entry.mentee_id, people)}: {entry.reason} ({entry.detail})",
            markup=False,
        )
    if len(matching.unpaired) > rows:
        console.print(f"[dim]... and {len(matching.unpaired) - rows} more unpaired.[/dim]")
    _print_mentor_side(matching, people, rows=rows)


def _print_mentor_side(matching: Matching, people: Mapping[str, Contact], *, rows: int) -> None:
    """Loads of both sides when a mentee may have several mentors, and the idle mentors."""
    console = context.console
    if matching.max_mentors > 1 and matching.mentee_load:
        table = Table(title="Mentors per mentee")
        for column in ("mentee", "mentors", "of"):
            table.add_column(column, overflow="fold")
        for load in matching.mentee_load[:rows]:
            table.add_row(who(load.mentee_id, people), str(load.assigned), str(load.capacity))
        console.print(table)
    for entry in matching.unpaired_mentors[:rows]:
        console.print(
            f"mentor without mentee {who(entry.mentor_id, people)}: {entry.reason} "
            f"({entry.detail})",
            markup=False,
        )
    if len(matching.unpaired_mentors) > rows:
        more = len(matching.unpaired_mentors) - rows
        console.print(f"[dim]... and {more} more mentors without mentee.[/dim]")


def _check_options(out: Path | None, lang: str) -> None:
    """Refuse an output name of no known format, or an unknown language, before any work."""
    from recomentor.matching.export import export_format
    from recomentor.ranking.explain import check_lang

    check_lang(lang)
    if out is not None:
        export_format(out)


def _show(
    matching: Matching,
    *,
    as_json: bool,
    out: Path | None,
    lang: str,
    clock: CommandClock | None = None,
) -> None:
    """Write --out, then print the matching; with the `clock` of `match`, also its timings: in
    the JSON always, after the table when --timings asked for them."""
    from recomentor.matching.export import JSON, export_format, people_in, write_matching
    from recomentor.matching.timings import TimedMatching

    watch = clock.stopwatch if clock else Stopwatch()
    # Names only where a person reads them: the table and the CSV or XLSX, not the JSON.
    needs_names = not as_json or (out is not None and export_format(out) != JSON)
    with watch.phase(WRITE):
        people = contacts(people_in(matching)) if needs_names else {}
        if out is not None:
            write_matching(matching, out, people, lang=lang)
    if as_json:
        context.print_json(TimedMatching.of(matching, clock.timings()) if clock else matching)
        return
    _print_matching(matching, people)
    if out is not None:
        context.console.print(f"Written to {out}.", markup=False)
    if matching.status == "draft":
        context.console.print(f"Approve with: recomentor matching approve {matching.id}")
    if clock and clock.shown:
        context.console.print(clock.timings().line(), markup=False, soft_wrap=True)


def match(
    mode: Annotated[
        str | None,
        typer.Option(
            help="reverse, classic or mutual [default: the rules' mode, else reverse].",
            case_sensitive=False,
        ),
    ] = None,
    objective: Annotated[
        str,
        typer.Option(
            help="participation: most mentees paired, then best total score; score: best total.",
            case_sensitive=False,
        ),
    ] = PARTICIPATION,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="Program rules (TOML), e.g. examples/program_rules.toml."),
    ] = None,
    min_gap: Annotated[
        float | None,
        typer.Option(
            "--min-gap",
            min=0,
            max=70,
            help="Fewest years of experience between mentor and mentee (reverse, classic) "
            "[default: the rules' min_gap, else RECOMENTOR_MIN_GAP].",
        ),
    ] = None,
    max_gap: Annotated[
        float | None,
        typer.Option(
            "--max-gap",
            min=0,
            max=70,
            help="Most years of experience between mentor and mentee [default: the rules' "
            "max_gap, else no bound].",
        ),
    ] = None,
    max_mentors: Annotated[
        int | None,
        typer.Option(
            "--max-mentors",
            min=1,
            max=50,
            help="Mentors one mentee may get [default: the rules' max_mentors, else 1].",
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help=_OUT_HELP)] = None,
    lang: Annotated[str | None, typer.Option(help=_LANG_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the documented JSON.")] = False,
    timings: Annotated[
        bool,
        typer.Option(
            "--timings",
            help="Also print the seconds spent starting (import), loading, scoring, solving "
            "and writing (always in the JSON).",
        ),
    ] = False,
) -> None:
    """Pair every mentee that can be paired under capacities and rules; saved as a draft."""
    from recomentor.matching.rules import NO_RULES, load_rules
    from recomentor.matching.service import create_matching

    # Started once the matching stack is imported: that import is start-up, not work.
    clock = CommandClock(seconds_since_start(), shown=timings)
    settings = context.settings()
    chosen_lang = lang or settings.lang
    _check_options(out, chosen_lang)
    with clock.stopwatch.phase(LOAD):
        program = load_rules(rules) if rules is not None else NO_RULES
        store = context.store()
        roster = context.roster(progress=not as_json)
        scorer = context.scorer()
    matching = create_matching(
        store,
        roster,
        scorer,
        mode=mode.lower() if mode else None,
        objective=objective.lower(),
        rules=program,
        min_gap=min_gap,
        max_gap=max_gap,
        max_mentors=max_mentors,
        default_min_gap=settings.min_gap,
        lang=chosen_lang,
        stopwatch=clock.stopwatch,
    )
    _show(matching, as_json=as_json, out=out, lang=chosen_lang, clock=clock)


@app.command("show")
def show(
    matching_id: Annotated[str, typer.Argument(help="Matching id.")],
    out: Annotated[Path | None, typer.Option("--out", help=_OUT_HELP)] = None,
    lang: Annotated[str | None, typer.Option(help=_LANG_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the documented JSON.")] = False,
) -> None:
    """Show a stored matching, draft or approved."""
    from recomentor.matching.service import get_matching

    chosen_lang = lang or context.settings().lang
    _check_options(out, chosen_lang)
    matching = get_matching(context.store(), matching_id)
    _show(matching, as_json=as_json, out=out, lang=chosen_lang)


@app.command("list")
def list_command(
    status: Annotated[
        str | None, typer.Option(help="Only draft, approved, discarded or superseded ones.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the documented JSON.")] = False,
) -> None:
    """List matchings, newest first, with their status and size."""
    from recomentor.matching.service import list_matchings

    matchings = list_matchings(context.store(), status=status)
    if as_json:
        context.print_json(matchings)
        return
    table = Table(title=f"{len(matchings)} matchings")
    for column in ("id", "status", "mode", "objective", "pairs", "unpaired", "created"):
        table.add_column(column, overflow="fold")
    for entry in matchings:
        table.add_row(
            entry.id,
            entry.status,
            entry.mode,
            entry.objective,
            str(entry.pair_count),
            str(entry.unpaired_count),
            entry.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    context.console.print(table)


@app.command("approve")
def approve(
    matching_id: Annotated[str, typer.Argument(help="Matching id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the documented JSON.")] = False,
) -> None:
    """Turn a draft into pairings, all or nothing: refused (exit 4, one line per pair) when it
    conflicts with the pairings in force."""
    from recomentor.matching.service import approve_matching

    # The hard rules are checked again on the participants as they are now.
    matching = approve_matching(context.store(), context.roster(progress=not as_json), matching_id)
    if as_json:
        context.print_json(matching)
    else:
        context.console.print(
            f"Matching {matching.id} approved: {len(matching.pairs)} pairings recorded."
        )


@app.command("discard")
def discard(
    matching_id: Annotated[str, typer.Argument(help="Matching id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the documented JSON.")] = False,
) -> None:
    """Set a draft aside for good; it stays readable with `matching show`."""
    from recomentor.matching.service import discard_matching

    matching = discard_matching(context.store(), matching_id)
    if as_json:
        context.print_json(matching)
    else:
        context.console.print(f"Matching {matching.id} discarded.")
