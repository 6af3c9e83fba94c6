"""The outcomes page's charts (ratings, where pairings stand, participation by department),
drawn through web.charts; each has its table beside it on the page.

Drawing is most of a page view's time and the figures change only with new answers, so each
chart is kept by everything it is drawn from (figures, labels, language): the same drawing is
only ever given for the same figures, which the request was already shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from markupsafe import Markup

from recomentor.web.charts import plain, render_svg
from recomentor.web.numbers import number, percent

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

ACCENT: Final = "#1f5fa8"
MUTED: Final = "#9fb3c8"
INK: Final = "#1d2733"
OUTCOME_COLOURS: Final = ("#1e7a46", "#1f5fa8", "#a32020")
# 5 inches: 480 px, the most a chart is shown at (app.css), so its text is never blown up.
_WIDTH_IN: Final = 5.0
_RC: Final[dict[str, Any]] = {
    "font.size": 13,
    "axes.edgecolor": "#d9dee5",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}


def _bars_with_values(axes: Axes, bars: Any, labels: Sequence[str]) -> None:
    axes.bar_label(bars, labels=list(labels), padding=2, fontsize=12)


_KEPT: Final = 64  # charts of ~20 kB each


def rating_chart(counts: Sequence[int], words: Sequence[str], lang: str) -> Markup:
    """How many people gave each rating, 1 to 5."""
    return _rating_chart(tuple(counts), tuple(words), lang)


def share_chart(
    name: str, labels: Sequence[str], shares: Sequence[float], colours: Sequence[str], lang: str
) -> Markup:
    """Shares (0-1) as horizontal bars with their percentage."""
    return _share_chart(name, tuple(labels), tuple(shares), tuple(colours), lang)


def counts_chart(
    name: str,
    labels: Sequence[str],
    totals: Sequence[int],
    parts: Sequence[int],
    legend: Sequence[str],
    lang: str,
) -> Markup:
    """Per group, a total (e.g. people asked) with the part of it (who answered) drawn over."""
    return _counts_chart(name, tuple(labels), tuple(totals), tuple(parts), tuple(legend), lang)


@lru_cache(maxsize=_KEPT)
def _rating_chart(counts: tuple[int, ...], words: tuple[str, ...], lang: str) -> Markup:

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        bars = axes.bar(range(len(counts)), counts, color=ACCENT)
        # One word per line under each bar: five labels side by side on 480 px.
        axes.set_xticks(range(len(counts)), labels=[plain(w).replace(" ", "\n") for w in words])
        _bars_with_values(axes, bars, [number(c, lang) for c in counts])
        axes.set_yticks([])
        axes.spines["left"].set_visible(False)

    return render_svg("ratings", draw, (_WIDTH_IN, 2.8), _RC)


@lru_cache(maxsize=_KEPT)
def _share_chart(
    name: str,
    labels: tuple[str, ...],
    shares: tuple[float, ...],
    colours: tuple[str, ...],
    lang: str,
) -> Markup:
    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        positions = range(len(shares))
        bars = axes.barh(positions, shares, color=list(colours))
        axes.set_yticks(positions, labels=[plain(label) for label in labels])
        axes.invert_yaxis()
        axes.set_xlim(0, 1.15)
        axes.set_xticks([])
        axes.spines["bottom"].set_visible(False)
        _bars_with_values(axes, bars, [percent(share, lang) for share in shares])

    return render_svg(name, draw, (_WIDTH_IN, 0.45 * len(shares) + 0.6), _RC)


@lru_cache(maxsize=_KEPT)
def _counts_chart(
    name: str,
    labels: tuple[str, ...],
    totals: tuple[int, ...],
    parts: tuple[int, ...],
    legend: tuple[str, ...],
    lang: str,
) -> Markup:
    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        positions = range(len(labels))
        axes.barh(positions, totals, color=MUTED, label=legend[0])
        bars = axes.barh(positions, parts, color=ACCENT, label=legend[1], height=0.5)
        axes.set_yticks(positions, labels=[plain(label) for label in labels])
        axes.invert_yaxis()
        values = [
            f"{number(p, lang)}/{number(t, lang)}" for p, t in zip(parts, totals, strict=True)
        ]
        _bars_with_values(axes, bars, values)
        axes.set_xticks([])
        axes.spines["bottom"].set_visible(False)
        axes.legend(loc="lower right", frameon=False, fontsize=11)

    return render_svg(name, draw, (_WIDTH_IN, 0.45 * len(labels) + 0.9), _RC)
