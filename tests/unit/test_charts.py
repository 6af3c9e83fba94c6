"""Charts (web.charts): matplotlib's SVG made safe to inline under the pages' CSP, one chart
at a time whatever the threads."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from recomentor.training.shapes import ShapeFunction
from recomentor.web.charts import ChartRefused, checked_svg, render_svg
from recomentor.web.model_plots import effect_svg
from recomentor.web.outcome_charts import _rating_chart, counts_chart, rating_chart, share_chart

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def test_a_chart_is_drawing_only_with_attributes_not_styles_and_its_own_ids() -> None:
    svg = str(counts_chart("people", ["Digital", "R&D <b>", "$x$ cost"], [7, 5, 5], [4, 2, 5],
                           ["asked", "answered"], "en"))  # fmt: skip
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    # Inline styles are refused by the pages' Content-Security-Policy.
    assert "style" not in svg and 'fill="#1f5fa8"' in svg
    # Survey text is escaped, and `$` is not mathtext.
    assert "R&amp;D &lt;b&gt;" in svg and "$x$ cost" in svg
    ids = re.findall(r' id="([^"]+)"', svg)
    assert ids and all(i.startswith("chart-people-") for i in ids)
    assert all(ref.startswith("chart-people-") for ref in re.findall(r'href="#([^"]+)"', svg))
    # Two charts on one page share no id.
    other = str(rating_chart([1, 0, 2, 1, 3], ["1", "2", "3", "4", "5"], "en"))
    assert not set(ids) & set(re.findall(r' id="([^"]+)"', other))


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="alert(1)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<use xlink:href="https://example.com/x.svg#a"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>',
        "<html>no svg</html>",
    ],
    ids=["script", "handler", "external", "foreign", "none"],
)
def test_anything_but_drawing_is_refused(svg: str) -> None:
    with pytest.raises(ChartRefused):
        checked_svg(svg, "x")


def _labelled(text: str, size: int, wait: threading.Event | None, drawn: threading.Event) -> Any:
    """A chart of one text whose size comes from the rc settings it is rendered under; `wait`
    holds the drawing back until the other chart has drawn (or half a second has passed)."""

    def draw(figure: Figure) -> None:
        drawn.set()
        if wait is not None:
            wait.wait(timeout=0.5)
        figure.text(0.5, 0.5, text)

    return lambda: str(render_svg(text, draw, (2.0, 1.0), {"font.size": size}))


def test_two_threads_rendering_at_once_each_get_their_own_chart() -> None:
    """Regression: rcParams are global, and the /model plots were drawn without the lock, so a
    chart drawn while another was being set up took the other's settings (font size here)."""
    from matplotlib import rcParams

    before = dict(rcParams)
    small_drawn, large_drawn = threading.Event(), threading.Event()
    alone = {
        "small": _labelled("small", 8, None, threading.Event())(),
        "large": _labelled("large", 21, None, threading.Event())(),
    }
    # Without one lock, "small" would wait inside its rc settings for "large" to set its own.
    small = _labelled("small", 8, large_drawn, small_drawn)
    large = _labelled("large", 21, None, large_drawn)
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(small)
        small_drawn.wait(timeout=5)
        second = pool.submit(large)
        together = {"small": first.result(), "large": second.result()}
    assert together == alone
    assert 'font-size="8px"' in together["small"] and 'font-size="21px"' in together["large"]
    # Nothing of either chart's settings outlives it.
    assert dict(rcParams) == before


def test_the_outcomes_and_model_charts_drawn_at_once_match_their_drawings_alone() -> None:
    shape = ShapeFunction(
        feature="lexical",
        values=np.linspace(0.0, 1.0, 5),
        effects=np.array([-0.4, -0.1, 0.0, 0.2, 0.5]),
        binary=False,
    )
    jobs = {
        # Drawn each time, not taken from the charts kept.
        "ratings": lambda: str(_rating_chart.__wrapped__((1, 0, 2, 1, 3), tuple("12345"), "fr")),
        "effect": lambda: effect_svg(shape, "fr"),
    }
    alone = {name: job() for name, job in jobs.items()}
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [(name, pool.submit(job)) for _ in range(4) for name, job in jobs.items()]
        assert all(future.result() == alone[name] for name, future in futures)
    assert ">-0,4</text>" in alone["effect"] or ">0,5</text>" in alone["effect"]


def test_a_chart_is_drawn_once_for_the_same_figures_and_language() -> None:
    def outcomes(shares: list[float], lang: str) -> object:
        return share_chart(
            "outcomes", ["done", "on", "off"], shares, ["#111", "#222", "#333"], lang
        )

    first = outcomes([0.25, 0.5, 0.25], "fr")
    assert outcomes([0.25, 0.5, 0.25], "fr") is first
    assert ">25\u00a0%</text>" in first
    assert outcomes([0.5, 0.5, 0.0], "fr") != first
    assert ">25%</text>" in str(outcomes([0.25, 0.5, 0.25], "en"))
