"""World parameters of the synthetic generator change the world as synth/world.py documents."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from recomentor import fields as F
from recomentor.errors import InvalidInputError
from recomentor.synth import (
    AT_RANDOM,
    World,
    compatibility,
    generate_feedback,
    generate_organisation,
    load_organisation,
    write_synthetic,
)
from recomentor.synth.taxonomy import TOPICS
from recomentor.synth.truth import MUTUAL_WEIGHT, SAME_SITE_WEIGHT

PEOPLE, SEED = 300, 5


def _phrases(org_texts: list[str]) -> set[str]:
    return {p.strip().casefold() for text in org_texts for p in text.replace(";", ",").split(",")}


def _all_wordings(first: int | None = None) -> set[str]:
    return {
        p.casefold()
        for t in TOPICS
        for options in (t.skill_fr, t.skill_en)
        for p in options[:first]
    }


def test_the_default_world_is_the_world_synth_always_wrote(tmp_path: Path) -> None:
    plain = generate_organisation(PEOPLE, SEED)
    explicit = generate_organisation(PEOPLE, SEED, world=World())
    assert plain.participants.equals(explicit.participants)
    assert generate_feedback(plain, 400, SEED).equals(generate_feedback(explicit, 400, SEED))
    written = write_synthetic(tmp_path, 80, 20, seed=1)
    assert "world" not in written and not (tmp_path / "world.json").exists()


def test_one_paraphrase_per_topic_writes_only_the_first_wording() -> None:
    org = generate_organisation(PEOPLE, SEED, world=World(paraphrases=1))
    skills = org.participants[F.SKILLS].to_list()
    # Every topic phrase of every answer is a first wording (with a qualifier at most).
    firsts = _all_wordings(1)
    others = _all_wordings() - firsts
    texts = " | ".join(skills).casefold()
    assert any(first in texts for first in firsts)
    assert not any(other in texts for other in others if not any(other in f for f in firsts))
    default = generate_organisation(PEOPLE, SEED).participants[F.SKILLS].to_list()
    assert len(_phrases(skills)) < len(_phrases(default))


def test_typos_misspell_phrases_at_the_rate_asked_and_keep_the_rest() -> None:
    clean = generate_organisation(PEOPLE, SEED)
    typed = generate_organisation(PEOPLE, SEED, world=World(typo_rate=1.0))
    # Same people and topics; only the wording of the answers changes.
    assert typed.skill_topics == clean.skill_topics
    answers = (F.SKILLS, F.GOALS)
    assert typed.participants.drop(answers).equals(clean.participants.drop(answers))
    changed = sum(
        a != b
        for a, b in zip(typed.participants[F.SKILLS], clean.participants[F.SKILLS], strict=True)
    )
    assert changed == PEOPLE  # every answer has at least one topic phrase, each misspelt
    wordings = _all_wordings()
    typed_phrases = _phrases(typed.participants[F.SKILLS].to_list())
    clean_phrases = _phrases(clean.participants[F.SKILLS].to_list())
    assert len(typed_phrases & wordings) < 0.2 * len(clean_phrases & wordings)


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_the_share_of_french_answers_is_the_one_asked(share: float) -> None:
    from tests.unit.test_synth import _french_only_phrases

    org = generate_organisation(PEOPLE, SEED, world=World(french_share=share))
    french = _french_only_phrases()
    texts = [t.casefold() for t in org.participants[F.GOALS].to_list()]
    in_french = sum(any(p in t for p in french) for t in texts) / len(texts)
    # The default company answers mostly in French.
    default = generate_organisation(PEOPLE, SEED).participants[F.GOALS].to_list()
    assert 0.4 < sum(any(p in t.casefold() for p in french) for t in default) / PEOPLE < 0.9
    if share == 0.0:
        assert in_french == 0.0
    else:
        assert in_french > 0.9


def test_english_answers_and_a_french_share_contradict() -> None:
    with pytest.raises(InvalidInputError, match="no share of French answers"):
        generate_organisation(50, 1, answers="en", world=World(french_share=0.5))


def _people_with_mutual_and_same_site(org_world: World) -> tuple[float, float, float]:
    """(with the mentee teaching back, without it, on another site) for one pair of people."""
    from tests.unit.test_synth import MENTEE, MENTOR, _tiny_org

    def pair(mentor: dict[str, object], mentee: dict[str, object]) -> float:
        org = _tiny_org([mentor, mentee])
        org = type(org)(org.participants, org.skill_topics, org.goal_topics, org_world)
        return float(compatibility(org, "T0", "T1"))

    teaches_back = MENTOR | {"goal_topics": ["strategy"]}, MENTEE | {"skill_topics": ["strategy"]}
    elsewhere = MENTEE | {F.LOCATION: "Lyon"}
    return pair(*teaches_back), pair(MENTOR, MENTEE), pair(MENTOR, elsewhere)


def test_reciprocity_and_site_effect_scale_their_truth_weights() -> None:
    both, alone, elsewhere = _people_with_mutual_and_same_site(
        World(reciprocity=0.5, site_effect=2.0, department_effect=0.0)
    )
    assert both - alone == pytest.approx(0.5 * MUTUAL_WEIGHT)
    assert alone - elsewhere == pytest.approx(2.0 * SAME_SITE_WEIGHT)
    no_reciprocity = _people_with_mutual_and_same_site(World(reciprocity=0.0))
    assert no_reciprocity[0] == pytest.approx(no_reciprocity[1])


def test_rating_noise_zero_rates_every_pair_by_its_truth() -> None:
    org = generate_organisation(PEOPLE, SEED, world=World(rating_noise=0.0))
    rated = generate_feedback(org, 300, SEED)
    truth = compatibility(org, rated[F.MENTOR_ID].to_numpy(), rated[F.MENTEE_ID].to_numpy())
    expected = np.clip(np.rint(1 + 4 * truth), 1, 5)
    np.testing.assert_array_equal(rated[F.RATING].to_numpy(), expected)


def test_random_past_pairs_are_not_chosen_by_topic() -> None:
    def mean_truth(world: World) -> float:
        org = generate_organisation(PEOPLE, SEED, world=world)
        rated = generate_feedback(org, 600, SEED)
        ids = rated[F.MENTOR_ID].to_numpy(), rated[F.MENTEE_ID].to_numpy()
        return float(compatibility(org, *ids).mean())

    assert mean_truth(World(past_pairs=AT_RANDOM)) < mean_truth(World()) - 0.05


def test_the_world_travels_with_the_files(tmp_path: Path) -> None:
    world = World(paraphrases=2, reciprocity=2.0, site_effect=0.0, past_pairs=AT_RANDOM)
    written = write_synthetic(tmp_path, 120, 50, seed=2, world=world)
    assert json.loads(written["world"].read_text())["reciprocity"] == 2.0
    loaded = load_organisation(tmp_path)
    assert loaded.world == world
    # The truth read back is the truth of that world, not of the default one.
    ids = loaded.participants[F.ID].to_numpy()
    original = generate_organisation(120, 2, world=world)
    np.testing.assert_allclose(
        compatibility(loaded, ids[:40], ids[::-1][:40]),
        compatibility(original, ids[:40], ids[::-1][:40]),
    )
    # Writing the default world again into the folder removes the stale world.json.
    write_synthetic(tmp_path, 120, 50, seed=2)
    assert load_organisation(tmp_path).world == World()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"paraphrases": 0}, "paraphrases must be 1 or more"),
        ({"typo_rate": 1.5}, "typo_rate must be between 0 and 1"),
        ({"french_share": -0.1}, "french_share must be between 0 and 1"),
        ({"reciprocity": float("nan")}, "reciprocity must be between 0 and 10"),
        ({"rating_noise": -1.0}, "rating_noise must be between 0 and 10"),
        ({"past_pairs": "lottery"}, "past_pairs must be one of topic, random"),
    ],
)
def test_impossible_world_values_are_refused(values: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        World(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "content", ["{not json", '{"reciprocity": "lots"}', '{"gravity": 1}', "[1, 2]"]
)
def test_a_broken_world_file_is_refused_with_its_path(tmp_path: Path, content: str) -> None:
    write_synthetic(tmp_path, 60, 10, seed=1, world=World(reciprocity=2.0))
    (tmp_path / "world.json").write_text(content)
    with pytest.raises(InvalidInputError, match=r"world\.json"):
        load_organisation(tmp_path)


def _cli() -> typer.Typer:
    from recomentor.cli.synth import synth

    app = typer.Typer()
    app.command()(synth)
    return app


def test_cli_world_options_write_the_world_or_refuse_before_any_file(tmp_path: Path) -> None:
    args = ["--participants", "80", "--feedback", "20", "--seed", "4"]
    world = ["--paraphrases", "2", "--typo-rate", "0.1", "--past-pairs", "random"]
    result = CliRunner().invoke(_cli(), [*args, "--out", str(tmp_path / "w"), *world])
    assert result.exit_code == 0, result.output
    assert "paraphrases=2" in result.output
    assert load_organisation(tmp_path / "w").world == World(
        paraphrases=2, typo_rate=0.1, past_pairs=AT_RANDOM
    )
    assert pl.read_csv(tmp_path / "w" / "feedback.csv").height == 20
    refused = CliRunner().invoke(
        _cli(), [*args, "--out", str(tmp_path / "bad"), "--french-share", "2"]
    )
    assert isinstance(refused.exception, InvalidInputError)
    assert not (tmp_path / "bad").exists()
