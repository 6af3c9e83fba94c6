"""A `recomentor` process around its command: what it imports before the command runs (Typer,
Rich and its own small modules), when it collects garbage, what it leaves behind at exit.

Each check runs in a fresh interpreter, the only place where "was it imported" has an answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Each is a large part of a command's start-up when imported.
HEAVY = ("torch", "sentence_transformers", "mlflow", "sklearn", "litestar", "pandas")
RECOMENTOR = (sys.executable, "-c", "from recomentor.cli import console; console()")
# Needed by the commands that work on data, not to parse options or show help.
DATA_STACK = ("numpy", "scipy", "polars", "sqlalchemy", "alembic")


def _imported_by(statement: str, packages: tuple[str, ...]) -> list[str]:
    probe = (
        f"import sys\n{statement}\n"
        f"print(__import__('json').dumps([p for p in {list(packages)!r} if p in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    found: list[str] = json.loads(done.stdout)
    return found


@pytest.mark.parametrize("statement", ["import recomentor.cli.app", "import recomentor.cli"])
def test_assembling_the_command_line_imports_no_heavy_package(statement: str) -> None:
    assert _imported_by(statement, HEAVY + DATA_STACK) == []


def test_loading_a_scorer_without_a_champion_imports_no_training_stack() -> None:
    # Serving reaches the registry through the training package: the package must not load
    # the training pipeline (scikit-learn, pandas) with it.
    statement = "import recomentor.training.registry"
    assert _imported_by(statement, ("sklearn", "pandas", "mlflow", "torch")) == []


def test_the_roster_and_the_matching_stack_import_no_model_library() -> None:
    statement = "import recomentor.ranking.roster, recomentor.matching.service"
    assert _imported_by(statement, HEAVY) == []


def test_the_matching_stack_loads_no_sparse_matrices_until_text_features_are_read() -> None:
    # A program scored by its rules alone reads no lexical feature: scipy.sparse (and the
    # numpy modules its array-API layer walks through) stay out of its start-up.
    statement = (
        "import recomentor.ranking.roster, recomentor.ranking.similarity, "
        "recomentor.ranking.scorers, recomentor.matching.service"
    )
    assert _imported_by(statement, ("scipy",)) == []


def test_collection_is_paused_for_start_up_and_back_on_for_the_work(tmp_path: Path) -> None:
    # Counted from console(): the command's own imports run without a collection; once it opens
    # the database, collection is on and what start-up made is frozen out of it.
    probe = (
        "import gc, sys\n"
        "import recomentor.store\n"
        "collections = []\n"
        "gc.callbacks.append(lambda phase, info: collections.append(phase))\n"
        "opened = recomentor.store.open_store\n"
        "def open_store(*args, **kwargs):\n"
        "    print(len(collections), gc.isenabled(), gc.get_freeze_count() > 0)\n"
        "    return opened(*args, **kwargs)\n"
        "recomentor.store.open_store = open_store\n"
        "from recomentor.cli import console\n"
        "sys.argv = ['recomentor', 'participants', 'list']\n"
        "collections.clear()\n"
        "console()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "RECOMENTOR_HOME": str(tmp_path)},
    )
    assert done.stdout.splitlines()[:1] == ["0 True True"], done.stderr[-2000:]


def test_a_command_leaves_its_objects_to_reference_counts_at_exit() -> None:
    # The interpreter's last collections walked every object a match had made, only to free
    # them. Exit handlers run last-in first-out: this probe, registered before console() runs,
    # reads the collector's state after console()'s own handler froze the heap.
    probe = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print(gc.get_freeze_count()))\n"
        "from recomentor.cli import console\n"
        "sys.argv = ['recomentor', '--help']\n"
        "console()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=120
    )
    assert int(done.stdout.strip().splitlines()[-1]) > 0


def test_a_command_leaves_no_write_ahead_log_behind(tmp_path: Path) -> None:
    # SQLite folds the log back into the database when the last connection closes; left open
    # at exit, the log grew with every command's writes and slowed the next one's reads.
    people = tmp_path / "people.csv"
    people.write_text("id,department,years_experience,role,skills,goals\nA1,IT,2,mentor,SQL,\n")
    done = subprocess.run(
        [*RECOMENTOR, "import", "participants", str(people)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "RECOMENTOR_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "home" / "recomentor.db").is_file()
    assert not (tmp_path / "home" / "recomentor.db-wal").exists()
