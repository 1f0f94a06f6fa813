"""The server-drawn SVG charts: accessible, scaled by their viewBox, data text escaped."""

import re

from malpro.dashboard import charts

EVIL = '<script>alert("x")</script> & Co'


def _svg_ok(svg: str) -> None:
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert 'role="img"' in svg and "<title>" in svg and "<desc>" in svg
    assert 'viewBox="0 0 300 ' in svg and 'width="100%"' in svg
    assert "style=" not in svg  # the CSP forbids inline styles
    assert "<script" not in svg


def test_bars_escape_labels_and_scale_to_the_largest():
    svg = charts.bars([(EVIL, 100), ("Klojen", 50), ("Kosong", 0)], title=EVIL, desc="d")
    _svg_ok(svg)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in svg
    widths = [float(w) for w in re.findall(r'<rect x="0" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths[0] == 220 and widths[1] == 110 and widths[2] == 0


def test_columns_and_line_series():
    items = [(str(d), d * 1000) for d in range(1, 31)]
    svg = charts.columns(items, title="GMV", desc="per hari", fmt=lambda v: f"Rp{v}")
    _svg_ok(svg)
    assert svg.count("<rect") == 30 and "Rp30000" in svg
    line = charts.columns([("01/2026", 0.5), (EVIL, 1.0)], title="t", desc="d", line=True)
    _svg_ok(line)
    assert "<polyline" in line and "&lt;script&gt;" in line


def test_lorenz_has_the_equality_diagonal_and_the_curve():
    svg = charts.lorenz(
        [(0.0, 0.0), (0.5, 0.1), (1.0, 1.0)], title="Lorenz", desc="d", y_label=EVIL
    )
    _svg_ok(svg)
    assert "stroke-dasharray" in svg and "&lt;script&gt;" in svg
    points = re.search(r'<polyline points="([^"]+)"', svg).group(1).split()
    assert points == ["30,250", "150,226", "270,10"]


def test_funnel_keeps_small_stages_visible():
    svg = charts.funnel([("Tercatat", 80_000), ("Di marketplace", 165)], title="f", desc="d")
    _svg_ok(svg)
    widths = [float(w) for w in re.findall(r'width="([\d.]+)" height="14"', svg)]
    assert widths[0] == 292 and widths[1] == 3


def test_empty_charts_still_draw():
    for svg in (
        charts.bars([], title="t", desc="d"),
        charts.columns([], title="t", desc="d"),
        charts.lorenz([], title="t", desc="d"),
        charts.funnel([], title="t", desc="d"),
    ):
        _svg_ok(svg)
