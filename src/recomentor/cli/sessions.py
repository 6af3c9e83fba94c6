"""`recomentor sessions plan|list|show|approve|discard`: knowledge-sharing session plans."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from recomentor.cli import context
from recomentor.cli.people import contacts, who

if TYPE_CHECKING:
    from recomentor.sessions.service import SessionPlan

app = typer.Typer(
    help="Plan, review, export, approve or discard knowledge-sharing sessions.",
    no_args_is_help=True,
)

_SIZE = re.compile(r"^\s*(\d+)\s*\.\.\s*(\d+)\s*$")
_OUT_HELP = (
    "Also write the plan as CSV (';', UTF-8 with BOM, with names) to this file, and one "
    "<name>-<session>.ics calendar file beside it per session whose slot has times."
)
_SLOTS_HELP = (
    "Time slots, a CSV file with the header id,start,end (ISO 8601 times with a UTC offset, "
    "or start and end left empty): one session per person and slot."
)


def _size(raw: str) -> tuple[int, int]:
    from recomentor.errors import InvalidInputError

    match = _SIZE.match(raw)
    if match is None:
        raise InvalidInputError(f"--size must read MIN..MAX, e.g. 3..12, got {raw!r}")
    return int(match.group(1)), int(match.group(2))


def _print_plan(plan: SessionPlan) -> None:
    people = contacts(
        {s.host_id for s in plan.sessions}
        | {a for s in plan.sessions for a in s.attendee_ids}
        | {u.id for u in plan.unassigned}
    )
    console = context.console
    console.print(
        f"Session plan [bold]{plan.id}[/bold] ({plan.status}): {len(plan.sessions)} sessions, "
        f"coverage {plan.objective:.3f} (greedy baseline {plan.baseline:.3f}, solver "
        f"{plan.solver.status}, gap {plan.solver.gap:.2%}); {len(plan.unassigned)} learners "
        "without a session."
    )
    table = Table()
    for column in ("session", "slot", "topic", "host", "attendees", "why"):
        table.add_column(column, overflow="fold")
    for session in plan.sessions:
        attendees = Text(", ").join(who(a, people) for a in session.attendee_ids)
        table.add_row(
            session.id,
            session.slot or "",
            Text(session.topic),
            who(session.host_id, people),
            attendees,
            Text(session.explanation.summary),
        )
    console.print(table)
    for entry in plan.unassigned:
        console.print(Text("no session for ") + who(entry.id, people) + Text(f": {entry.detail}"))


def _show(plan: SessionPlan, *, as_json: bool, out: Path | None) -> None:
    from recomentor.sessions.export import write_plan
    from recomentor.store.tables import utcnow

    if out is not None:
        people = contacts(
            {s.host_id for s in plan.sessions} | {a for s in plan.sessions for a in s.attendee_ids}
        )
        written = write_plan(plan, out, people, now=utcnow())
    if as_json:
        context.print_json(plan)
        return
    _print_plan(plan)
    if out is not None:
        context.console.print(f"Written: {', '.join(map(str, written))}.", markup=False)
    if plan.status == "draft":
        context.console.print(f"Approve with: recomentor sessions approve {plan.id}")


@app.command("plan")
def plan(
    size: Annotated[str, typer.Option(help="Attendees per session, MIN..MAX.")] = "3..12",
    max_sessions_per_host: Annotated[int, typer.Option(help="Sessions one junior hosts.")] = 2,
    max_sessions_per_attendee: Annotated[
        int, typer.Option(help="Sessions one learner attends.")
    ] = 2,
    slots: Annotated[Path | None, typer.Option("--slots", help=_SLOTS_HELP)] = None,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="Program rules (TOML): must-filters and exclusions hold."),
    ] = None,
    topic_threshold: Annotated[
        float | None,
        typer.Option(help="Goal phrases closer than this cosine distance share a topic [0.6]."),
    ] = None,
    min_host_similarity: Annotated[
        float | None,
        typer.Option(help="How well a host's skills must cover the topic, cosine [0.4]."),
    ] = None,
    min_goal_coverage: Annotated[
        float | None,
        typer.Option(help="How well the host must cover each attendee's goal, cosine [0.4]."),
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option(help="Seconds the solver may take [30].")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="Language of explanations: en or fr.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help=_OUT_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the documented JSON.")] = False,
) -> None:
    """Group learners' goals into topics, pick junior hosts, assign attendees; saved as a draft."""
    from recomentor.matching.rules import NO_RULES, load_rules
    from recomentor.ranking.explain import check_lang
    from recomentor.sessions.plan import PlanOptions
    from recomentor.sessions.service import create_plan
    from recomentor.sessions.slots import load_slots

    settings = context.settings()
    chosen_lang = check_lang(lang or settings.lang)
    size_min, size_max = _size(size)
    # Unset tunings keep PlanOptions' defaults: one place says what they are.
    options = (
        PlanOptions(
            size_min=size_min,
            size_max=size_max,
            max_sessions_per_host=max_sessions_per_host,
            max_sessions_per_attendee=max_sessions_per_attendee,
            min_gap=settings.min_gap,
            slots=load_slots(slots) if slots is not None else (),
            rules=load_rules(rules) if rules is not None else NO_RULES,
        )
        .tuned(
            topic_threshold=topic_threshold,
            min_host_similarity=min_host_similarity,
            min_goal_coverage=min_goal_coverage,
            time_limit=time_limit,
        )
        .check()
    )
    result = create_plan(
        context.store(), context.roster(progress=not as_json), options, lang=chosen_lang
    )
    _show(result, as_json=as_json, out=out)


@app.command("show")
def show(
    plan_id: Annotated[str, typer.Argument(help="Session plan id.")],
    out: Annotated[Path | None, typer.Option("--out", help=_OUT_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the documented JSON.")] = False,
) -> None:
    """Show a stored session plan."""
    from recomentor.sessions.service import get_plan

    _show(get_plan(context.store(), plan_id), as_json=as_json, out=out)


@app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option(help="Only draft, approved or discarded.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the documented JSON.")] = False,
) -> None:
    """List session plans, newest first."""
    from recomentor.sessions.service import list_plans

    plans = list_plans(context.store(), status=status)
    if as_json:
        context.print_json(plans)
        return
    table = Table(title=f"{len(plans)} session plans")
    for column in ("id", "status", "sessions", "unassigned", "coverage", "baseline", "created"):
        table.add_column(column, overflow="fold")
    for entry in plans:
        table.add_row(
            entry.id,
            entry.status,
            str(entry.sessions),
            str(entry.unassigned),
            f"{entry.objective:.3f}",
            f"{entry.baseline:.3f}",
            entry.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    context.console.print(table)


@app.command("approve")
def approve(
    plan_id: Annotated[str, typer.Argument(help="Session plan id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the documented JSON.")] = False,
) -> None:
    """Approve a draft: its sessions then count against limits and slots in later plans."""
    from recomentor.sessions.service import approve_plan

    result = approve_plan(context.store(), plan_id)
    if as_json:
        context.print_json(result)
    else:
        context.console.print(
            f"Session plan {result.id} approved: {len(result.sessions)} sessions."
        )


@app.command("discard")
def discard(
    plan_id: Annotated[str, typer.Argument(help="Session plan id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the documented JSON.")] = False,
) -> None:
    """Set a draft aside for good; it stays readable with `sessions show`."""
    from recomentor.sessions.service import discard_plan

    result = discard_plan(context.store(), plan_id)
    if as_json:
        context.print_json(result)
    else:
        context.console.print(f"Session plan {result.id} discarded.")
