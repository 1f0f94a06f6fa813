"""The report's chart: income and spending side by side per day (or per month for a long
period), an SVG drawn on the server: no JavaScript, no library.

Sized by its viewBox (300 units wide, about a card on a 360 px phone) and scaled to its
container; role="img" with a <title> and a <desc>, and the page puts the numbers in a table
right after it. Colours are SVG attributes (the site's CSP forbids inline styles). The
dashboard's charts draw one series; this one needs two, so it is its own small function.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from malpro.core.money import format_rupiah

WIDTH = 300
HEIGHT = 200
FONT = 12
INK = "#1d2327"
MUTED = "#5f6b73"
LINE = "#d9dee2"
INCOME = "#0b6e4f"
SPENDING = "#c2570c"


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def short_rupiah(amount: int) -> str:
    """Rp1,2 jt / Rp350 rb for the axis (the table gives the exact sums)."""
    for size, unit in ((1_000_000_000, "M"), (1_000_000, "jt"), (1_000, "rb")):
        if abs(amount) >= size:
            text = f"{amount / size:.1f}".replace(".", ",").removesuffix(",0")
            return f"Rp{text} {unit}"
    return format_rupiah(amount)


def _text(x, y, text, *, anchor="start", fill=INK, size=None) -> str:
    size_attr = f' font-size="{size}"' if size else ""
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" fill="{fill}"{size_attr}>'
        f"{escape(text)}</text>"
    )


def income_spending(days: Sequence[dict], *, title: str, desc: str) -> SafeString:
    """Two columns per day: income (green) and spending (orange); the peak marked on the left,
    a legend on top, every few labels along the bottom."""
    top, bottom = 38, 22
    plot_h = HEIGHT - top - bottom
    n = max(len(days), 1)
    step = WIDTH / n
    peak = max((max(d["income"], d["spending"]) for d in days), default=0)
    scale = peak or 1
    income_label, spending_label = _("Pemasukan"), _("Pengeluaran")
    body = [
        f'<rect x="0" y="2" width="12" height="12" fill="{INCOME}"></rect>',
        _text(16, 12, income_label),
        f'<rect x="110" y="2" width="12" height="12" fill="{SPENDING}"></rect>',
        _text(126, 12, spending_label),
        f'<line x1="0" y1="{top}" x2="{WIDTH}" y2="{top}" stroke="{LINE}"></line>',
        f'<line x1="0" y1="{top + plot_h}" x2="{WIDTH}" y2="{top + plot_h}" '
        f'stroke="{MUTED}"></line>',
        _text(0, top - 5, short_rupiah(peak), fill=MUTED, size=11),
    ]
    every = max(1, round(n / 8))
    width = max(step * 0.38, 0.6)
    for i, day in enumerate(days):
        x = i * step + step * 0.1
        for j, (key, colour, label) in enumerate(
            (("income", INCOME, income_label), ("spending", SPENDING, spending_label))
        ):
            value = day[key]
            if not value:
                continue
            h = max(plot_h * value / scale, 1)
            body.append(
                f'<rect x="{_num(x + j * width)}" y="{_num(top + plot_h - h)}" '
                f'width="{_num(width)}" height="{_num(h)}" fill="{colour}">'
                f"<title>{escape(day['label'])} {escape(label)}: "
                f"{escape(format_rupiah(value))}</title></rect>"
            )
        if i % every == 0:
            body.append(
                _text(i * step + step / 2, HEIGHT - 6, day["label"], anchor="middle", size=11)
            )
    return mark_safe(  # noqa: S308 - every data text above went through escape()
        f'<svg class="book-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" focusable="false" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}" fill="{INK}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>" + "".join(body) + "</svg>"
    )
