"""A horizontal grouped bar chart drawn as SVG on the server (no JavaScript).

The page puts the same numbers in a table right after it: the table is the chart's accessible
equivalent, so the SVG is `role="img"` with a short label pointing to it. Each series has a
colour and a pattern-free distinct shade with at least 3:1 contrast against white, plus the
number written at the end of each bar, so that colour is never the only way to read it.
Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Dark enough against white (≥ 3:1 for graphics, WCAG 1.4.11), distinct for common colour blindness.
PALETTE = ("#1f4e99", "#b34700", "#2e7d32", "#6a1b9a")
BAR = 14
GAP = 4
GROUP_GAP = 14
LABEL_WIDTH = 150
CHART_WIDTH = 420
VALUE_WIDTH = 40
LEGEND_ROW = 22


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]


def bar_chart(categories: Sequence[str], series: Sequence[Series], *, label: str) -> Markup:
    """An SVG with one group of bars per category and one bar per series."""
    if len(series) > len(PALETTE):
        raise ValueError("too many series for the palette")
    biggest = max([v for s in series for v in s.values] + [1])
    group = len(series) * (BAR + GAP) - GAP
    legend_height = LEGEND_ROW * len(series) + 8
    height = legend_height + len(categories) * (group + GROUP_GAP) + 8
    width = LABEL_WIDTH + CHART_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" focusable="false">',
        f"<title>{escape(label)}</title>",
    ]
    for index, one in enumerate(series):
        y = 4 + index * LEGEND_ROW
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="14" height="14" fill="{PALETTE[index]}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + 20}" y="{y + 12}" class="chart-legend">{escape(one.name)}</text>')
    top = legend_height
    for row, category in enumerate(categories):
        y0 = top + row * (group + GROUP_GAP)
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y0 + group / 2 + 5:.0f}" text-anchor="end" '
                     f'class="chart-label">{escape(category)}</text>')
        for index, one in enumerate(series):
            value = one.values[row]
            y = y0 + index * (BAR + GAP)
            length = round(CHART_WIDTH * value / biggest)
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(length, 1)}" height="{BAR}" '
                         f'fill="{PALETTE[index]}"/>')
            parts.append(f'<text x="{LABEL_WIDTH + max(length, 1) + 4}" y="{y + BAR - 3}" '
                         f'class="chart-value">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
