"""The dashboard's charts: small SVG drawn on the server, no JavaScript, no library.

Each chart is sized by its viewBox and scales to the width of its container (readable at
360 px: the viewBox is 300 units wide, about the width of a card on a 360 px phone, so one
unit is about one CSS pixel there). Each has
role="img" with a <title> and a <desc>; the page puts the numbers in a table right after it.
Every text that comes from data (area, agency and shop names) is escaped here.

Colours and fonts are SVG attributes, not inline styles (the site's CSP forbids those).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 300
FONT = 12
INK = "#1d2327"
MUTED = "#5f6b73"
BAR = "#0b6e4f"
LINE = "#d9dee2"
ACCENT = "#9a5b00"


def _num(value: float) -> str:
    """Coordinates with at most one decimal, no trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _frame(height: float, title: str, desc: str, body: list[str], css: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every piece of data text below went through escape()
        f'<svg class="dash-chart {css}" viewBox="0 0 {WIDTH} {_num(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" focusable="false" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}" fill="{INK}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK, size=None):
    size_attr = f' font-size="{size}"' if size else ""
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" fill="{fill}"{size_attr}>'
        f"{escape(text)}</text>"
    )


def _clip(text: str, limit: int = 44) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bars(
    items: Sequence[tuple[str, int | float]],
    *,
    title: str,
    desc: str,
    fmt: Callable[[int | float], str] = str,
) -> SafeString:
    """Horizontal bars, one per (label, value), the label on its own line above the bar so long
    names fit on a phone; the value at the end of the bar."""
    row = 34
    top = 4
    peak = max((v for _label, v in items), default=0) or 1
    usable = WIDTH - 80  # room for the value after the longest bar
    body = []
    for i, (label, value) in enumerate(items):
        y = top + i * row
        width = max(1.0, usable * (value or 0) / peak) if value else 0
        body.append(_text(0, y + FONT, _clip(label)))
        body.append(
            f'<rect x="0" y="{_num(y + 16)}" width="{_num(width)}" height="12" rx="2" '
            f'fill="{BAR}"></rect>'
        )
        body.append(_text(width + 4, y + 26, fmt(value), fill=MUTED))
    height = top + max(len(items), 1) * row
    return _frame(height, title, desc, body, "dash-bars")


def columns(
    items: Sequence[tuple[str, int | float]],
    *,
    title: str,
    desc: str,
    fmt: Callable[[int | float], str] = str,
    line: bool = False,
) -> SafeString:
    """A series over time: columns (or a line with dots), the peak and zero marked on the left,
    every few labels along the bottom so they do not overlap."""
    height, top, bottom, left = 190, 18, 22, 4
    plot_h = height - top - bottom
    n = max(len(items), 1)
    step = (WIDTH - left) / n
    peak = max((v for _label, v in items), default=0) or 1
    body = [
        f'<line x1="0" y1="{top}" x2="{WIDTH}" y2="{top}" stroke="{LINE}"></line>',
        f'<line x1="0" y1="{top + plot_h}" x2="{WIDTH}" y2="{top + plot_h}" '
        f'stroke="{MUTED}"></line>',
        _text(0, top - 5, fmt(peak) if any(v for _label, v in items) else fmt(0), fill=MUTED),
    ]
    every = max(1, round(n / 8))
    points = []
    for i, (label, value) in enumerate(items):
        x = left + i * step
        h = plot_h * (value or 0) / peak
        if line:
            points.append((x + step / 2, top + plot_h - h))
        elif value:
            body.append(
                f'<rect x="{_num(x + step * 0.15)}" y="{_num(top + plot_h - h)}" '
                f'width="{_num(max(step * 0.7, 1))}" height="{_num(max(h, 1))}" fill="{BAR}">'
                f"<title>{escape(label)}: {escape(fmt(value))}</title></rect>"
            )
        if i % every == 0:
            body.append(_text(x + step / 2, height - 6, _clip(label, 10), anchor="middle", size=11))
    if line and points:
        path = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{BAR}" stroke-width="2">')
        body.append("</polyline>")
        for (x, y), (label, value) in zip(points, items, strict=True):
            body.append(
                f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3" fill="{BAR}">'
                f"<title>{escape(label)}: {escape(fmt(value))}</title></circle>"
            )
    return _frame(height, title, desc, body, "dash-columns")


def lorenz(
    points: Sequence[tuple[float, float]],
    *,
    title: str,
    desc: str,
    x_label: str = "",
    y_label: str = "",
) -> SafeString:
    """The Lorenz curve (share of sellers, smallest first → share of revenue) against the
    diagonal of perfect equality."""
    size = 240
    left = (WIDTH - size) / 2
    top = 10

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x * size, top + size - y * size

    curve = list(points) or [(0.0, 0.0), (1.0, 1.0)]
    path = " ".join(f"{_num(a)},{_num(b)}" for a, b in (at(x, y) for x, y in curve))
    x0, y0 = at(0, 0)
    x1, y1 = at(1, 1)
    body = [
        f'<rect x="{_num(x0)}" y="{_num(y1)}" width="{size}" height="{size}" fill="none" '
        f'stroke="{LINE}"></rect>',
        f'<line x1="{_num(x0)}" y1="{_num(y0)}" x2="{_num(x1)}" y2="{_num(y1)}" '
        f'stroke="{MUTED}" stroke-dasharray="4 4"></line>',
        f'<polyline points="{path}" fill="none" stroke="{BAR}" stroke-width="2.5"></polyline>',
        _text(x0, y0 + 14, "0%", fill=MUTED, size=11),
        _text(x1, y0 + 14, "100%", anchor="end", fill=MUTED, size=11),
        _text(x0 + 4, y1 + 12, "100%", fill=MUTED, size=11),
    ]
    if x_label:
        body.append(_text(WIDTH / 2, y0 + 30, x_label, anchor="middle", fill=MUTED))
    if y_label:
        body.append(
            f'<text transform="translate({_num(x0 - 8)},{_num(top + size / 2)}) rotate(-90)" '
            f'text-anchor="middle" fill="{MUTED}">{escape(y_label)}</text>'
        )
    height = top + size + 40
    return _frame(height, title, desc, body, "dash-lorenz")


def funnel(
    items: Sequence[tuple[str, int]],
    *,
    title: str,
    desc: str,
    fmt: Callable[[int | float], str] = str,
) -> SafeString:
    """Stages as centred bars, widest first; the count with its label above each bar. Small
    stages keep a visible sliver (the city's stages span 80,000 to 165)."""
    row = 36
    peak = max((v for _label, v in items), default=0) or 1
    body = []
    for i, (label, value) in enumerate(items):
        y = i * row + 4
        width = max(3.0, (WIDTH - 8) * (value or 0) / peak)
        x = (WIDTH - width) / 2
        caption = f"{_clip(label, 34)}: {fmt(value)}"
        body.append(_text(WIDTH / 2, y + FONT, caption, anchor="middle"))
        body.append(
            f'<rect x="{_num(x)}" y="{_num(y + 16)}" width="{_num(width)}" height="14" rx="2" '
            f'fill="{BAR}"></rect>'
        )
    height = max(len(items), 1) * row + 4
    return _frame(height, title, desc, body, "dash-funnel")


def shade(fraction: float | None) -> SafeString:
    """A little bar for a table row: its length and depth tell the row's share of the largest
    (the ranked table that stands in for a map)."""
    fraction = min(max(fraction or 0.0, 0.0), 1.0)
    width = _num(max(100 * fraction, 0.5 if fraction else 0))
    opacity = _num(0.25 + 0.75 * fraction) if fraction else "0"
    return mark_safe(  # noqa: S308 - numbers only
        f'<svg class="dash-shade" viewBox="0 0 100 10" width="100%" height="10" '
        f'preserveAspectRatio="none" aria-hidden="true" focusable="false">'
        f'<rect x="0" y="0" width="100" height="10" fill="#eef1f3"></rect>'
        f'<rect x="0" y="0" width="{width}" height="10" fill="{BAR}" fill-opacity="{opacity}">'
        f"</rect></svg>"
    )
