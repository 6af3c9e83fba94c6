"""The one way a page gets a matplotlib chart: drawn on a Figure of its own (no pyplot), under
one lock, as SVG checked to be drawing only, its styles made attributes for the pages' CSP."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final
from xml.etree import ElementTree

from markupsafe import Markup

from recomentor.web.numbers import number

if TYPE_CHECKING:
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

# Text stays text (the page's fonts, smaller files); ids do not change from one run to the next.
_BASE_RC: Final[dict[str, Any]] = {"svg.fonttype": "none", "svg.hashsalt": "recomentor"}
# rcParams are global to the process and sync handlers run in threads: a figure reads them when
# it is made and when it is saved, so both happen under this lock (rc_context alone would let
# one thread's settings leak into another's chart, or outlive both).
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


def plain(text: str) -> str:
    """Survey text shown as is: `$` would start matplotlib's mathtext."""
    return text.replace("$", r"\$")


def numbers_in(axis: Axis, lang: str) -> None:
    """Tick labels of `axis` as `lang` writes numbers (0,5 in French)."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _: number(value, lang, "g")))


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
        plain_name = attribute.rpartition("}")[2]
        if plain_name == "id":
            element.set(attribute, f"{prefix}-{value}")
        elif plain_name == "href" and value.startswith("#"):
            element.set(attribute, f"#{prefix}-{value[1:]}")
        elif value.startswith("url(#"):
            element.set(attribute, f"url(#{prefix}-{value[5:]}")


def checked_svg(svg: str, prefix: str) -> Markup:
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
            attribute_name = attribute.rpartition("}")[2].lower()
            if attribute_name.startswith("on") or (
                attribute_name == "href" and not value.startswith("#")
            ):
                raise ChartRefused(f"{attribute_name} attribute")
        _own_ids(element, prefix)
    ElementTree.register_namespace("", _SVG_NS)
    ElementTree.register_namespace("xlink", _XLINK_NS)
    return Markup(ElementTree.tostring(root, encoding="unicode"))  # noqa: S704 - checked above


def render_svg(
    name: str,
    draw: Callable[[Figure], None],
    size: tuple[float, float],
    rc: Mapping[str, Any] | None = None,
) -> Markup:
    """`draw` on a new Figure of `size` inches under the settings `rc`, as checked SVG whose ids
    start with `chart-{name}-`."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    settings = {**_BASE_RC, **(rc or {})}
    # The stubs list every rc name as a literal; callers pass only real ones.
    with _LOCK, rc_context(settings):  # type: ignore[arg-type]
        figure = Figure(figsize=size, layout="constrained")
        FigureCanvasAgg(figure)
        draw(figure)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return checked_svg(buffer.getvalue(), f"chart-{name}")
