"""The one place where core errors become CLI messages and exit codes."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from recomentor.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PairsConflictError,
    RecomentorError,
    RowsRejectedError,
    TrainingRefusedError,
)

# Exit codes: 1 = the input was rejected, 2 = unknown id or bad usage, 3 = environment problem,
# 4 = the request conflicts with the current state (a matching approved since, a full mentor):
# a script may re-read the state and try again, which would not help with the first three.
EXIT_REJECTED = 1
EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3
EXIT_CONFLICT = 4

_stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def exit_code_for(error: RecomentorError) -> int:
    if isinstance(error, NotFoundError):
        return EXIT_USAGE
    if isinstance(error, ConflictError):
        return EXIT_CONFLICT
    if isinstance(error, InvalidInputError | RowsRejectedError):
        return EXIT_REJECTED
    if isinstance(error, TrainingRefusedError):
        return EXIT_REJECTED
    return EXIT_ENVIRONMENT


def report_error(error: RecomentorError) -> None:
    _stderr.print(f"error: {error}", markup=False)
    if isinstance(error, RowsRejectedError):
        for problem in error.problems[:50]:
            _stderr.print(f"  {problem}", markup=False)
        if len(error.problems) > 50:
            _stderr.print(f"  ... and {len(error.problems) - 50} more", markup=False)
    if isinstance(error, PairsConflictError):
        for conflict in error.conflicts:
            _stderr.print(f"  {conflict}", markup=False)


# Set by the root `--debug` option: an unexpected error then shows its traceback.
debug = False


_PACKAGE = Path(__file__).resolve().parents[1]


def crash_reference(error: BaseException) -> str:
    """Where the error was raised, as `Type at module.py:line`: enough for a bug report.

    The innermost frame in recomentor's own code, never the message: exception texts may quote
    a cell, an SQL parameter or a path.
    """
    frames = traceback.extract_tb(error.__traceback__)
    # By location, not by a folder name: a clone may itself sit in a folder named recomentor.
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(_PACKAGE)] or frames
    if not ours:
        return type(error).__name__
    where = ours[-1]
    return f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno}"


def run_with_error_mapping(command: Callable[[], object]) -> None:
    try:
        command()
    except RecomentorError as error:
        report_error(error)
        sys.exit(exit_code_for(error))
    except Exception as error:
        if debug:
            raise
        _stderr.print(
            f"error: unexpected failure, reference {crash_reference(error)}; "
            "run again with --debug to see the traceback",
            markup=False,
        )
        sys.exit(EXIT_ENVIRONMENT)
