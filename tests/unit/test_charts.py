"""Charts of the outcomes page: matplotlib's SVG made safe to inline under the pages' CSP."""

from __future__ import annotations

import re

import pytest

from recomentor.web.charts import ChartRefused, _checked, counts_chart, rating_chart


def test_a_chart_is_drawing_only_with_attributes_not_styles_and_its_own_ids() -> None:
    svg = str(counts_chart("people", ["Digital", "R&D <b>", "$x$ cost"], [7, 5, 5], [4, 2, 5],
                           ["asked", "answered"]))  # fmt: skip
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    # Inline styles are refused by the pages' Content-Security-Policy.
    assert "style" not in svg and 'fill="#1f5fa8"' in svg
    # Survey text is escaped, and `$` is not mathtext.
    assert "R&amp;D &lt;b&gt;" in svg and "$x$ cost" in svg
    ids = re.findall(r' id="([^"]+)"', svg)
    assert ids and all(i.startswith("chart-people-") for i in ids)
    assert all(ref.startswith("chart-people-") for ref in re.findall(r'href="#([^"]+)"', svg))
    # Two charts on one page share no id.
    other = str(rating_chart([1, 0, 2, 1, 3], ["1", "2", "3", "4", "5"]))
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
        _checked(svg, "x")
