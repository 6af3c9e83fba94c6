"""Synthetic organisations with a known answer: for the demo, tests, benchmarks and evaluation."""

from recomentor.synth.feedback import generate_feedback
from recomentor.synth.files import load_organisation, write_synthetic
from recomentor.synth.organisation import (
    ANSWER_LANGUAGES,
    MIXED_ANSWERS,
    Organisation,
    generate_organisation,
)
from recomentor.synth.truth import (
    compatibility,
    eligible_pair_count,
    eligible_pairs,
    ground_truth_pairs,
)
from recomentor.synth.world import AT_RANDOM, BY_TOPIC, PAST_PAIR_CHOICES, World, read_world

__all__ = [
    "ANSWER_LANGUAGES",
    "AT_RANDOM",
    "BY_TOPIC",
    "MIXED_ANSWERS",
    "PAST_PAIR_CHOICES",
    "Organisation",
    "World",
    "compatibility",
    "eligible_pair_count",
    "eligible_pairs",
    "generate_feedback",
    "generate_organisation",
    "ground_truth_pairs",
    "load_organisation",
    "read_world",
    "write_synthetic",
]
