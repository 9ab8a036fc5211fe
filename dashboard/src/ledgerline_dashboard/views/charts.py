"""Geometry of the inline SVG bar charts (grouped bars, one group per bucket). Heights are
computed with Decimal and handed to the template as short strings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WIDTH = Decimal(560)
HEIGHT = Decimal(180)
LABEL_BAND = Decimal(34)  # below the bars: bucket names
VALUE_BAND = Decimal(16)  # above the tallest bar: its value


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    series: int
    title: str
    value_label: str
    label_x: str
    label_y: str


@dataclass(frozen=True)
class GroupLabel:
    x: str
    text: str


@dataclass(frozen=True)
class BarChart:
    width: str
    height: str
    baseline: str
    label_y: str
    bars: list[Bar]
    labels: list[GroupLabel]


def _px(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def grouped_bars(groups: list[tuple[str, list[tuple[Decimal, str]]]]) -> BarChart:
    """groups: (label, [(value, value label) per series]); negative values draw as zero."""
    top = max((v for _, series in groups for v, _ in series), default=Decimal(0))
    scale_height = HEIGHT - LABEL_BAND - VALUE_BAND
    baseline = HEIGHT - LABEL_BAND
    slot = WIDTH / max(len(groups), 1)
    count = max((len(series) for _, series in groups), default=1)
    bar_width = slot * Decimal("0.7") / count
    bars, labels = [], []
    for g, (label, series) in enumerate(groups):
        left = slot * g + slot * Decimal("0.15")
        labels.append(GroupLabel(_px(slot * g + slot / 2), label))
        for s, (value, shown) in enumerate(series):
            height = scale_height * max(value, Decimal(0)) / top if top > 0 else Decimal(0)
            x = left + bar_width * s
            bars.append(Bar(x=_px(x), y=_px(baseline - height), width=_px(bar_width - 2),
                            height=_px(height), series=s, title=f"{label}: {shown}",
                            value_label=shown if value > 0 else "", label_x=_px(x + (bar_width - 2) / 2),
                            label_y=_px(baseline - height - 4)))
    return BarChart(_px(WIDTH), _px(HEIGHT), _px(baseline), _px(baseline + 18), bars, labels)


def sparkline(values: list[Decimal | None], width: int = 120, height: int = 28) -> str:
    """SVG polyline points for a small trend; missing values are skipped."""
    known = [v for v in values if v is not None]
    if len(values) < 2 or not known:
        return ""
    low, high = min(known), max(known)
    span = high - low or Decimal(1)
    step = Decimal(width - 4) / (len(values) - 1)
    points = []
    for i, v in enumerate(values):
        if v is None:
            continue
        y = Decimal(height - 3) - (v - low) / span * Decimal(height - 6)
        points.append(f"{_px(Decimal(2) + step * i)},{_px(y)}")
    return " ".join(points)
