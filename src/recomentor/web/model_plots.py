"""Small SVG plots of a feature's learned effect for /model, drawn through web.charts.

The feature's name, the axis meaning and the text alternative are in the page; the picture
holds numbers only, written as the page's language does, so it is cached per language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from recomentor.training import ShapeFunction
from recomentor.web.charts import numbers_in, render_svg
from recomentor.web.numbers import number

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_SIZE_IN: Final = (3.4, 2.0)
_LINE: Final = "#1f5fa8"
_ZERO: Final = "#8a8a8a"
_GRID: Final = "#e3e3e3"
_RC: Final[dict[str, Any]] = {"font.size": 8, "font.family": "sans-serif"}


def effect_svg(shape: ShapeFunction, lang: str) -> str:
    """The shape function as an SVG document: a line (dots with stems for a yes/no feature)
    against a zero line, the feature's value across, its effect on the log-odds up."""

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        axes.axhline(0.0, color=_ZERO, linewidth=0.8)
        if shape.binary or shape.constant:
            positions = list(range(shape.values.size))
            axes.vlines(positions, 0.0, shape.effects, color=_LINE, linewidth=2)
            axes.plot(positions, shape.effects, "o", color=_LINE)
            axes.set_xticks(positions, [number(float(v), lang, "g") for v in shape.values])
            axes.set_xlim(-0.5, len(positions) - 0.5)
        else:
            axes.plot(shape.values, shape.effects, color=_LINE, linewidth=1.8)
            numbers_in(axes.xaxis, lang)
        numbers_in(axes.yaxis, lang)
        axes.grid(True, color=_GRID, linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)

    return str(render_svg(f"effect-{shape.feature}", draw, _SIZE_IN, _RC))
