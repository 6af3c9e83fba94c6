"""Write a synthetic organisation to CSV files and read its truth back in another process."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from recomentor import fields
from recomentor.errors import InvalidInputError
from recomentor.synth.feedback import generate_feedback
from recomentor.synth.organisation import MIXED_ANSWERS, Organisation, generate_organisation
from recomentor.synth.truth import eligible_pair_count, eligible_pairs
from recomentor.synth.world import WORLD_FILE, World, read_world

PARTICIPANTS_FILE = "participants.csv"
FEEDBACK_FILE = "feedback.csv"
TOPICS_FILE = "topics.csv"
GROUND_TRUTH_FILE = "ground_truth.csv"
SKILL_TOPICS = "skill_topics"
GOAL_TOPICS = "goal_topics"
MAX_GROUND_TRUTH_PAIRS = 2_000_000
_TOPIC_SEPARATOR = "; "


def _topics_frame(org: Organisation) -> pl.DataFrame:
    return pl.DataFrame(
        {
            fields.ID: org.participants[fields.ID],
            SKILL_TOPICS: [_TOPIC_SEPARATOR.join(t) for t in org.skill_topics],
            GOAL_TOPICS: [_TOPIC_SEPARATOR.join(t) for t in org.goal_topics],
        }
    )


def write_synthetic(
    out_dir: Path | str,
    n_participants: int,
    n_feedback: int,
    seed: int,
    *,
    ground_truth: bool = False,
    answers: str = MIXED_ANSWERS,
    world: World | None = None,
) -> dict[str, Path]:
    """Write participants, feedback, topics (and optionally every eligible pair's truth) as CSV.

    A world other than the default is written to world.json, which load_organisation reads
    back so the truth is computed with the same weights.
    """
    if n_feedback < 0:
        raise InvalidInputError(f"feedback must be zero or more, got {n_feedback}")
    org = generate_organisation(n_participants, seed, answers=answers, world=world)
    # Everything that can be refused is checked before the first file is written.
    feedback = generate_feedback(org, n_feedback, seed)
    if ground_truth:
        pairs = eligible_pair_count(org)
        if pairs > MAX_GROUND_TRUTH_PAIRS:
            raise InvalidInputError(
                f"ground truth would hold {pairs} eligible pairs, more than "
                f"{MAX_GROUND_TRUTH_PAIRS}; use fewer participants or leave out --ground-truth"
            )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {
        "participants": out / PARTICIPANTS_FILE,
        "feedback": out / FEEDBACK_FILE,
        "topics": out / TOPICS_FILE,
    }
    org.participants_frame().write_csv(written["participants"])
    feedback.write_csv(written["feedback"])
    _topics_frame(org).write_csv(written["topics"])
    stale_world = out / WORLD_FILE
    if not org.world.is_default:
        written["world"] = org.world.write(out)
    elif stale_world.is_file():
        stale_world.unlink()  # a default world writes what it always wrote: no world.json
    if ground_truth:
        written["ground_truth"] = out / GROUND_TRUTH_FILE
        eligible_pairs(org).write_csv(written["ground_truth"], float_precision=6)
    return written


def _read(path: Path) -> pl.DataFrame:
    if not path.is_file():
        raise InvalidInputError(f"{path}: missing; write it with `recomentor synth` first")
    return pl.read_csv(path, infer_schema=False)


def load_organisation(out_dir: Path | str) -> Organisation:
    """Rebuild the organisation and its truth from the files write_synthetic wrote."""
    out = Path(out_dir)
    participants = _read(out / PARTICIPANTS_FILE)
    topics = _read(out / TOPICS_FILE)
    missing = set(fields.PARTICIPANT_FIELDS) - set(participants.columns)
    if missing or {fields.ID, SKILL_TOPICS, GOAL_TOPICS} - set(topics.columns):
        raise InvalidInputError(f"{out}: not written by write_synthetic (columns are missing)")
    participants = participants.select(fields.PARTICIPANT_FIELDS).with_columns(
        pl.col(fields.YEARS_EXPERIENCE).cast(pl.Int64),
        pl.col(fields.MAX_MENTEES).cast(pl.Int64),
    )
    # Align the truth on the participants' order, whatever order topics.csv has.
    aligned = participants.select(fields.ID).join(
        topics, on=fields.ID, how="left", maintain_order="left"
    )
    if aligned[SKILL_TOPICS].null_count() or aligned[GOAL_TOPICS].null_count():
        raise InvalidInputError(f"{out / TOPICS_FILE}: some participants have no topics")

    def topic_lists(column: str) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(raw.split(_TOPIC_SEPARATOR)) for raw in aligned[column].to_list())

    return Organisation(
        participants, topic_lists(SKILL_TOPICS), topic_lists(GOAL_TOPICS), read_world(out)
    )
