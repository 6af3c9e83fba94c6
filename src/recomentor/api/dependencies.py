"""Values handlers receive by name."""

from __future__ import annotations

from litestar.datastructures import State

from recomentor.api.runtime import Runtime


def provide_runtime(state: State) -> Runtime:
    runtime: Runtime = state.runtime
    return runtime
