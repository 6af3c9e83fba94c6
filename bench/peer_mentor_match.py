"""Benchmark: recomentor against mentor-match 7.0.1 (the UK Civil Service LGBT+ network's
mentoring scheme) on its own CSV format and default program, both scored by mentor-match.

A 500 mentors x 500 mentees cohort is drawn like mentor-match's published sample (its test
helpers' random_data: grades, organisations, professions, characteristics), seeded. mentor-match
is installed from PyPI into a virtual environment of its own (bench/.cache/mentor-match-venv,
created when missing) and runs its default program through bench/peer_mentor_match_driver.py:
three rounds of process_data, one Munkres assignment each. recomentor runs as its command line
does for a user: both files imported through examples/mentor_match/, then
`recomentor match --rules examples/mentor_match/rules.toml --json --timings` (the rules set
three mentors per mentee at most, as --max-mentors 3 would),
once to fill the embedding cache and once measured (warm). mentor-match's own
Match(...).calculate_match() scores every pair either formed: pairs, unpaired people, pairs a
Disqualify rule forbids, total rule score. Seconds: each side's processes end to end (for
recomentor the two imports and the match), and the solve alone (the Munkres assignments; the
`solve` of --timings).

    python bench/peer_mentor_match.py [--mentors 500] [--mentees 500] [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import report

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / ".cache"
MENTOR_MATCH = "mentor-match==7.0.1"
MENTOR_MATCH_VENV = CACHE / "mentor-match-venv"
DRIVER = BENCH / "peer_mentor_match_driver.py"
EXAMPLE = ROOT / "examples" / "mentor_match"
TARGETS = {"end_to_end_speedup": 10.0, "solve_speedup": 100.0}

# mentor-match's published sample (its test helpers' random_data), value for value.
GRADES = ["AA", "AO", "EO", "HEO", "SEO", "Grade 7", "Grade 6", "SCS1", "SCS2", "SCS3", "SCS4"]
ORGANISATIONS = [f"Department of {n}" for n in ("Fun", "Truth", "Joy", "Love", "Virtue", "Peace")]
PROFESSIONS = ["Policy", "DDaT", "Operations", "HR", "Security"]
IDENTITIES = [
    "Asexual or aromantic",
    "Gay",
    "Lesbian",
    "Bisexual or pansexual",
    "Transgender",
    "Non-binary",
]
COMMON_COLUMNS = [
    "first name",
    "last name",
    "email address",
    "both mentor and mentee",
    "job title",
    "grade",
    "organisation",
    "profession",
]
MENTOR_COLUMNS = [*COMMON_COLUMNS, "characteristics", "biography"]
MENTEE_COLUMNS = [*COMMON_COLUMNS, "match with similar identity", "identity to match", "biography"]


def _person(rng: random.Random, role: str, number: str) -> dict[str, str]:
    """One row as the published sample draws it: mentors EO and up, mentees up to Grade 6."""
    grade = GRADES[rng.randint(2, len(GRADES) - 1)] if role == "mentor" else None
    grade = grade or GRADES[rng.randint(0, len(GRADES) - 3)]
    row = {
        "first name": role,
        "last name": number,
        "email address": f"{role}.{number}@gov.uk",
        "both mentor and mentee": rng.choice(["yes", "no"]),
        "job title": "Some role",
        "grade": grade,
        "organisation": rng.choice(ORGANISATIONS),
        "profession": rng.choice(PROFESSIONS),
    }
    if role == "mentor":
        listed = ", ".join(rng.sample(IDENTITIES, rng.randint(1, 3)))
        row["characteristics"] = rng.choice(["", listed])
        identity = row["characteristics"]
    else:
        row["match with similar identity"] = rng.choice(["yes", "no"])
        row["identity to match"] = rng.choice(["", *IDENTITIES])
        identity = row["identity to match"]
    row["biography"] = (
        f"My name is {role} {number}. I am a {grade}. I am in the {row['organisation']}, in the "
        f"{row['profession']} profession. My characteristics is/are {identity}. "
    )
    return row


def write_cohort(folder: Path, mentors: int, mentees: int, seed: int) -> None:
    """mentors.csv and mentees.csv in mentor-match's format, the same for the same seed."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for role, count, columns in (
        ("mentor", mentors, MENTOR_COLUMNS),
        ("mentee", mentees, MENTEE_COLUMNS),
    ):
        width = len(str(count))
        rows = [_person(rng, role, str(i).zfill(width)) for i in range(count)]
        with (folder / f"{role}s.csv").open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)


def mentor_match_python() -> Path:
    """mentor-match's own interpreter: its virtual environment, created and installed from
    PyPI (pip's configured index) the first time."""
    python = MENTOR_MATCH_VENV / "bin" / "python"
    installed = MENTOR_MATCH_VENV / ".installed"
    if not installed.exists():
        shutil.rmtree(MENTOR_MATCH_VENV, ignore_errors=True)
        venv.EnvBuilder(with_pip=True).create(MENTOR_MATCH_VENV)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", MENTOR_MATCH],
            check=True,
            env=_clean_environment(),
        )
        installed.write_text(MENTOR_MATCH + "\n")
    return python


def _clean_environment(**extra: str) -> dict[str, str]:
    """The environment without this interpreter's PYTHONPATH: mentor-match's Python must see
    only its own packages."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {**environment, **extra}


def _children_cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(command: list[str], **options: Any) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one process: on a shared machine the CPU seconds depend
    far less on what else runs at the same time."""
    started, cpu = time.perf_counter(), _children_cpu_seconds()
    subprocess.run(command, check=True, **options)
    return time.perf_counter() - started, _children_cpu_seconds() - cpu


def _recomentor_command() -> list[str]:
    script = Path(sys.executable).with_name("recomentor")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from recomentor.cli import console; console()"]


def run_mentor_match(python: Path, data: Path, work: Path) -> dict[str, Any]:
    result = work / "mentor-match-result.json"
    out = work / "mentor-match-output"
    shutil.rmtree(out, ignore_errors=True)
    seconds, cpu_seconds = _timed(
        [str(python), str(DRIVER), "match", str(data), str(out), str(result)],
        env=_clean_environment(),
    )
    found = json.loads(result.read_text())
    return {
        "pairs": found["pairs"],
        "end_to_end_seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "solve_seconds": sum(found["munkres_seconds"]),
        "munkres_seconds": found["munkres_seconds"],
    }


def run_recomentor(data: Path, home: Path) -> dict[str, Any]:
    """Imports and a match as the CLI runs them; returns the timed (warm) run."""
    environment = {**os.environ, "RECOMENTOR_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    command = _recomentor_command()
    imports = [
        [*command, "import", "participants", str(data / f"{role}s.csv"), "--json", "--mapping"]
        for role in ("mentor", "mentee")
    ]
    for role, step in zip(("mentor", "mentee"), imports, strict=True):
        step.append(str(EXAMPLE / f"{role}s.toml"))
    rules = str(EXAMPLE / "rules.toml")
    match = [*command, "match", "--rules", rules, "--json", "--timings"]
    quiet = {"env": environment, "stdout": subprocess.DEVNULL}
    # First pass: the people stored, every biography embedded into the cache (not timed).
    for step in imports:
        subprocess.run(step, check=True, **quiet)
    subprocess.run(match, check=True, **quiet)
    # Measured: the same files again (nothing changed, as when a manager re-runs a program),
    # then the match with warm embeddings.
    import_seconds = sum(_timed(step, **quiet)[0] for step in imports)
    started, cpu = time.perf_counter(), _children_cpu_seconds()
    done = subprocess.run(match, check=True, env=environment, capture_output=True, text=True)
    match_seconds = time.perf_counter() - started
    match_cpu_seconds = _children_cpu_seconds() - cpu
    matching = json.loads(done.stdout)
    return {
        "pairs": [[p["mentor_id"], p["mentee_id"]] for p in matching["pairs"]],
        "end_to_end_seconds": import_seconds + match_seconds,
        "import_seconds": import_seconds,
        "match_seconds": match_seconds,
        "cpu_seconds": match_cpu_seconds,
        "solve_seconds": matching["timings"]["solve"],
        "timings": matching["timings"],
        "total_score": matching["total_score"],
    }


def score(python: Path, data: Path, work: Path, name: str, pairs: list[Any]) -> dict[str, Any]:
    """mentor-match's own scoring of `pairs`."""
    pairs_file, result = work / f"{name}-pairs.json", work / f"{name}-score.json"
    pairs_file.write_text(json.dumps(pairs))
    subprocess.run(
        [str(python), str(DRIVER), "score", str(data), str(pairs_file), str(result)],
        check=True,
        env=_clean_environment(),
    )
    scored: dict[str, Any] = json.loads(result.read_text())
    return scored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentors", type=int, default=500)
    parser.add_argument("--mentees", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    work = CACHE / "peer-mentor-match"
    data = work / "data"
    home = work / "home"
    shutil.rmtree(home, ignore_errors=True)
    write_cohort(data, args.mentors, args.mentees, args.seed)
    python = mentor_match_python()
    load_before = os.getloadavg()
    theirs = run_mentor_match(python, data, work)
    ours = run_recomentor(data, home)
    load_after = os.getloadavg()
    theirs["score"] = score(python, data, work, "mentor-match", theirs["pairs"])
    ours["score"] = score(python, data, work, "recomentor", ours["pairs"])
    # End to end as the issue measures it: the warm `match` process; also with the two imports.
    end_to_end = theirs["end_to_end_seconds"] / ours["match_seconds"]
    with_imports = theirs["end_to_end_seconds"] / ours["end_to_end_seconds"]
    cpu = theirs["cpu_seconds"] / ours["cpu_seconds"]
    solve = theirs["solve_seconds"] / max(ours["solve_seconds"], 1e-9)
    payload = {
        "cohort": {"mentors": args.mentors, "mentees": args.mentees, "seed": args.seed},
        "mentor_match": {k: v for k, v in theirs.items() if k != "pairs"},
        "recomentor": {k: v for k, v in ours.items() if k != "pairs"},
        "speedup": {
            "end_to_end": end_to_end,
            "with_imports": with_imports,
            "cpu": cpu,
            "solve": solve,
        },
        "targets": TARGETS,
        "load_average": {"before": load_before, "after": load_after},
        "cpu_count": os.cpu_count(),
    }
    t, o = theirs["score"], ours["score"]
    loads = [f"{s['most_mentees_of_a_mentor']} / {s['most_mentors_of_a_mentee']}" for s in (t, o)]
    twice = [s["pairs"] - s["distinct_pairs"] for s in (t, o)]
    disallowed = [s["disallowed_pairs"] for s in (t, o)]
    rule_scores = [s["total_rule_score"] for s in (t, o)]
    seconds = [theirs["end_to_end_seconds"], ours["match_seconds"]]
    seconds_with_imports = [theirs["end_to_end_seconds"], ours["end_to_end_seconds"]]
    cpu_seconds = [theirs["cpu_seconds"], ours["cpu_seconds"]]
    solve_seconds = [theirs["solve_seconds"], ours["solve_seconds"]]
    end_to_end_target = f"x{end_to_end:,.1f} (>= x{TARGETS['end_to_end_speedup']:.0f})"
    solve_target = f"x{solve:,.0f} (>= x{TARGETS['solve_speedup']:.0f})"
    with_target = f"x{with_imports:,.1f}"
    rows = [
        ["pairs", t["pairs"], o["pairs"], ">= mentor-match"],
        ["unpaired mentees", t["unpaired_mentees"], o["unpaired_mentees"], "-"],
        ["unpaired mentors", t["unpaired_mentors"], o["unpaired_mentors"], "-"],
        ["violations (a Disqualify rule forbids)", *disallowed, "0"],
        ["pairs formed twice", *twice, "0"],
        ["most mentees of a mentor / mentors of a mentee", *loads, "<= 3 / 3"],
        ["total rule score (mentor-match's scoring)", *rule_scores, ">= mentor-match"],
        ["seconds end to end (recomentor: the warm match)", *seconds, end_to_end_target],
        ["... with recomentor's two imports before it", *seconds_with_imports, with_target],
        ["CPU seconds of that process", *cpu_seconds, f"x{cpu:,.1f}"],
        ["seconds of the solve alone", *solve_seconds, solve_target],
    ]
    timings = ours["timings"]
    load = ", ".join(f"{value:.2f}" for value in load_before)
    report(
        "peer_mentor_match",
        f"{args.mentors} mentors x {args.mentees} mentees, mentor-match's default program "
        f"(load average {load} on {os.cpu_count()} cores before)",
        ["measure", "mentor-match 7.0.1", "recomentor", "target / speed-up"],
        rows,
        payload,
        width=140,
    )
    print(
        "recomentor: imports "
        f"{ours['import_seconds']:.2f} s + match {ours['match_seconds']:.2f} s; match --timings: "
        + ", ".join(f"{phase} {seconds:.3f} s" for phase, seconds in timings.items())
    )


if __name__ == "__main__":
    main()
