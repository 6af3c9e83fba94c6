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

__all__ = [
    "ANSWER_LANGUAGES",
    "MIXED_ANSWERS",
    "Organisation",
    "compatibility",
    "eligible_pair_count",
    "eligible_pairs",
    "generate_feedback",
    "generate_organisation",
    "ground_truth_pairs",
    "load_organisation",
    "write_synthetic",
]
