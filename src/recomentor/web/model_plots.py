"""Small SVG plots of a feature's learned effect, drawn on the server with matplotlib (Agg).

The pictures hold numbers only: the feature's name, the axis meaning and the text alternative
are in the page, in its language, so one picture serves both languages and can be cached.
"""

from __future__ import annotations

import io
from typing import Any, Final

from recomentor.training.shapes import ShapeFunction

_SIZE_IN: Final = (3.4, 2.0)
_LINE: Final = "#1f5fa8"
_ZERO: Final = "#8a8a8a"
_GRID: Final = "#e3e3e3"
# Fixed so the same model gives the same bytes (ids in the SVG are hashed from this).
_RC: Final[dict[Any, Any]] = {
    "svg.fonttype": "none",  # text stays text: smaller, and in the page's own font
    "svg.hashsalt": "recomentor",
    "font.size": 8,
    "font.family": "sans-serif",
}


def effect_svg(shape: ShapeFunction) -> str:
    """The shape function as an SVG document: a line (dots with stems for a yes/no feature)
    against a zero line, the feature's value across, its effect on the log-odds up."""
    # A Figure of its own, never pyplot: no GUI backend, no global figure shared by threads;
    # savefig draws it with matplotlib's SVG renderer (Agg's vector sibling).
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(_RC):
        figure = Figure(figsize=_SIZE_IN, layout="constrained")
        axes = figure.add_subplot()
        axes.axhline(0.0, color=_ZERO, linewidth=0.8)
        if shape.binary or shape.constant:
            positions = list(range(shape.values.size))
            axes.vlines(positions, 0.0, shape.effects, color=_LINE, linewidth=2)
            axes.plot(positions, shape.effects, "o", color=_LINE)
            axes.set_xticks(positions, [f"{v:g}" for v in shape.values])
            axes.set_xlim(-0.5, len(positions) - 0.5)
        else:
            axes.plot(shape.values, shape.effects, color=_LINE, linewidth=1.8)
        axes.grid(True, color=_GRID, linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()
