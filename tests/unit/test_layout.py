"""The layout the code relies on: one ranking home; training reached only through its front."""

import ast
import importlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "recomentor"
# Serving loads a scorer through the registry; everything else of training goes through the
# package's own exports (recomentor.training), never through the modules behind it.
REGISTRY = "recomentor.training.registry"


def _training_internals(path: Path, exported: set[str]) -> list[str]:
    """What this file imports from training other than the registry and the package exports."""
    reached = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "recomentor.training":
            reached += [alias.name for alias in node.names if alias.name not in exported]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        if not isinstance(node, ast.ImportFrom) or node.module != "recomentor.training":
            inside = [name for name in names if name.startswith("recomentor.training.")]
            reached += [name for name in inside if name != REGISTRY]
    return reached


def test_only_training_reaches_into_training_modules() -> None:
    exported = set(importlib.import_module("recomentor.training").__all__)
    offenders = {
        str(path.relative_to(PACKAGE)): found
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] != "training"
        and (found := _training_internals(path, exported))
    }
    assert offenders == {}


def test_the_ranking_home_imports_and_the_old_flat_modules_are_gone() -> None:
    importlib.import_module("recomentor.ranking")
    for old in ("scorers", "scoring", "suggest", "features", "candidates", "roster", "explain"):
        assert not (PACKAGE / f"{old}.py").exists(), old


def test_every_training_export_loads_from_the_module_that_defines_it() -> None:
    training = importlib.import_module("recomentor.training")
    # The package resolves its names on first use (serving must not import the pipeline).
    assert sorted(training.__all__) == sorted(training._MODULE_OF)
    for name in training.__all__:
        value = getattr(training, name)
        defined_in = importlib.import_module(f"recomentor.training.{training._MODULE_OF[name]}")
        assert getattr(defined_in, name) is value, name
