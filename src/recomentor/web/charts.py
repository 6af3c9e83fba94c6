"""Charts of the outcomes page: matplotlib (Agg, no pyplot state) drawn as SVG on each request,
checked to be drawing only before a page inlines it. Nothing is cached: figures are a
program's own."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final
from xml.etree import ElementTree

from markupsafe import Markup

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

ACCENT: Final = "#1f5fa8"
MUTED: Final = "#9fb3c8"
INK: Final = "#1d2733"
OUTCOME_COLOURS: Final = ("#1e7a46", "#1f5fa8", "#a32020")
# Text stays text (the page's fonts, smaller files); ids do not change from one run to the next.
_RC: Final[dict[str, Any]] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "recomentor",
    "font.size": 13,
    "axes.edgecolor": "#d9dee5",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}
# rcParams are global to the process; sync handlers run in threads.
_LOCK = threading.Lock()
_SVG_START = re.compile(r"<svg\b")
_NOT_DRAWING: Final = frozenset({"script", "foreignObject", "iframe", "image", "a"})
_SVG_NS: Final = "http://www.w3.org/2000/svg"
_XLINK_NS: Final = "http://www.w3.org/1999/xlink"
# The properties matplotlib writes in style attributes, all of them SVG presentation attributes.
_PRESENTATION: Final = frozenset({
    "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "stroke-linejoin",
    "stroke-linecap", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity",
    "font-size", "font-family", "font-weight", "font-style", "text-anchor", "clip-path",
})  # fmt: skip


class ChartRefused(Exception):
    """The SVG holds something other than drawing (never expected from matplotlib)."""


def _plain(text: str) -> str:
    """Survey text shown as is: `$` would start matplotlib's mathtext."""
    return text.replace("$", r"\$")


def _presentation(element: ElementTree.Element, style: str) -> None:
    """`style="fill: #fff; stroke-width: 0.8"` as attributes: the pages' Content-Security-Policy
    refuses inline styles, not SVG's presentation attributes."""
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name in _PRESENTATION and value:
            element.set(name, value)


def _own_ids(element: ElementTree.Element, prefix: str) -> None:
    """Ids made unique to this chart: several charts share one page, and matplotlib numbers
    each figure's ids the same way (`figure_1`, clip paths)."""
    for attribute, value in element.attrib.items():
        plain = attribute.rpartition("}")[2]
        if plain == "id":
            element.set(attribute, f"{prefix}-{value}")
        elif plain == "href" and value.startswith("#"):
            element.set(attribute, f"#{prefix}-{value[1:]}")
        elif value.startswith("url(#"):
            element.set(attribute, f"url(#{prefix}-{value[5:]}")


def _checked(svg: str, prefix: str) -> Markup:
    """The <svg> element alone, checked to hold only drawing (no script, link, embedded
    document, external reference or event handler), its styles made attributes."""
    start = _SVG_START.search(svg)
    if start is None:
        raise ChartRefused("no svg element")
    root = ElementTree.fromstring(svg[start.start() :])  # noqa: S314 - matplotlib's own output
    for parent in list(root.iter()):
        for child in list(parent):
            name = child.tag.rpartition("}")[2]
            if name in ("style", "metadata"):
                # `*{stroke-linejoin: round; stroke-linecap: butt}`: inherited from the root.
                parent.remove(child)
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    for element in root.iter():
        name = element.tag.rpartition("}")[2]
        if name in _NOT_DRAWING:
            raise ChartRefused(f"{name} element")
        style = element.attrib.pop("style", None)
        if style is not None:
            _presentation(element, style)
        for attribute, value in element.attrib.items():
            plain = attribute.rpartition("}")[2].lower()
            if plain.startswith("on") or (plain == "href" and not value.startswith("#")):
                raise ChartRefused(f"{plain} attribute")
        _own_ids(element, prefix)
    ElementTree.register_namespace("", _SVG_NS)
    ElementTree.register_namespace("xlink", _XLINK_NS)
    return Markup(ElementTree.tostring(root, encoding="unicode"))  # noqa: S704 - checked above


def _render(name: str, draw: Any, height: float) -> Markup:
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # The stubs list every rc name as a literal; these are among them.
    with _LOCK, rc_context(_RC):  # type: ignore[arg-type]
        # 5 inches: 480 px, the most a chart is shown at (app.css), so its text is never blown up.
        figure = Figure(figsize=(5.0, height), layout="constrained")
        FigureCanvasAgg(figure)
        draw(figure)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _checked(buffer.getvalue(), f"chart-{name}")


def _bars_with_values(axes: Axes, bars: Any, labels: Sequence[str]) -> None:
    axes.bar_label(bars, labels=list(labels), padding=2, fontsize=12)


def rating_chart(counts: Sequence[int], words: Sequence[str]) -> Markup:
    """How many people gave each rating, 1 to 5."""

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        bars = axes.bar(range(len(counts)), counts, color=ACCENT)
        # One word per line under each bar: five labels side by side on 480 px.
        axes.set_xticks(range(len(counts)), labels=[_plain(w).replace(" ", "\n") for w in words])
        _bars_with_values(axes, bars, [str(c) for c in counts])
        axes.set_yticks([])
        axes.spines["left"].set_visible(False)

    return _render("ratings", draw, 2.8)


def share_chart(
    name: str, labels: Sequence[str], shares: Sequence[float], colours: Sequence[str]
) -> Markup:
    """Shares (0-1) as horizontal bars with their percentage."""

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        positions = range(len(shares))
        bars = axes.barh(positions, shares, color=list(colours))
        axes.set_yticks(positions, labels=[_plain(label) for label in labels])
        axes.invert_yaxis()
        axes.set_xlim(0, 1.15)
        axes.set_xticks([])
        axes.spines["bottom"].set_visible(False)
        _bars_with_values(axes, bars, [f"{share:.0%}" for share in shares])

    return _render(name, draw, 0.45 * len(shares) + 0.6)


def counts_chart(
    name: str,
    labels: Sequence[str],
    totals: Sequence[int],
    parts: Sequence[int],
    legend: Sequence[str],
) -> Markup:
    """Per group, a total (e.g. people asked) with the part of it (who answered) drawn over."""

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        positions = range(len(labels))
        axes.barh(positions, totals, color=MUTED, label=legend[0])
        bars = axes.barh(positions, parts, color=ACCENT, label=legend[1], height=0.5)
        axes.set_yticks(positions, labels=[_plain(label) for label in labels])
        axes.invert_yaxis()
        _bars_with_values(axes, bars, [f"{p}/{t}" for p, t in zip(parts, totals, strict=True)])
        axes.set_xticks([])
        axes.spines["bottom"].set_visible(False)
        axes.legend(loc="lower right", frameon=False, fontsize=11)

    return _render(name, draw, 0.45 * len(labels) + 0.9)
