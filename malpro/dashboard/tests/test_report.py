"""manage.py monthly_report: a valid PDF with the month's figures, for the city or a part."""

import contextlib
import io
import zlib

import pytest
from django.core.management import CommandError, call_command

from malpro.core.money import format_rupiah
from malpro.dashboard import periods, report
from malpro.dashboard.tests.helpers import KLOJEN_VILLAGE, sale, shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(buyer, other_buyer, seller, other_seller):
    a = shop(seller)
    b = shop(other_seller, village=KLOJEN_VILLAGE, agencies=("DISPANGTAN",))
    return [sale(buyer, a, 30_000), sale(other_buyer, a, 50_000), sale(buyer, b, 20_000)]


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF's page streams (compressed or not), as Latin-1."""
    text = data.decode("latin-1")
    chunks = [text]
    for part in data.split(b"stream")[1:]:
        body = part.split(b"endstream")[0].strip(b"\r\n")
        with contextlib.suppress(zlib.error):
            chunks.append(zlib.decompress(body).decode("latin-1"))
    return "\n".join(chunks)


def test_the_report_holds_the_months_figures(sales):
    month = periods.current()
    content = report.content(report.scope_named(), month)
    assert content.figures["gmv"] == 100_000
    assert content.figures["orders"] == 3
    texts = content.texts()
    assert month.label in content.title
    assert format_rupiah(100_000) in texts
    assert "0,300" in texts  # Gini of 80,000 and 20,000
    assert "Klojen" in texts and "Lowokwaru" in texts
    assert any("docs/dashboard.md" in t for t in texts)
    assert content.lorenz[0] == (0.0, 0.0) and content.lorenz[-1] == (1.0, 1.0)
    assert sum(gmv for _day, gmv in content.days) == 100_000


def test_the_command_writes_a_pdf_with_the_figures(sales, tmp_path):
    out = tmp_path / "laporan.pdf"
    stdout = io.StringIO()
    month = periods.current().key
    call_command("monthly_report", period=month, out=str(out), stdout=stdout)
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert "gmv=100000 orders=3 gini=0.3" in stdout.getvalue()
    text = pdf_text(data)
    for expected in (
        "Laporan bulanan UMKM",
        format_rupiah(100_000),
        "Kurva Lorenz",
        "Halaman 1",
        "docs/dashboard.md",
        "Kepatuhan belanja ASN per OPD",
        "kelurahan dengan cakupan marketplace terendah",
    ):
        assert expected in text, expected


def test_a_report_for_one_agency_or_kecamatan(sales, tmp_path):
    month = periods.current()
    only_b = report.content(report.scope_named(agency="DISPANGTAN"), month)
    assert only_b.figures["gmv"] == 20_000
    assert "Dispangtan" in only_b.scope_label or "DISPANGTAN" in only_b.scope_label.upper()
    klojen = report.content(report.scope_named(kecamatan="Klojen"), month)
    assert klojen.figures["gmv"] == 20_000
    out = tmp_path / "k.pdf"
    call_command(
        "monthly_report", period=month.key, out=str(out), kecamatan="35.73.05", stdout=io.StringIO()
    )
    assert b"%PDF" in out.read_bytes()[:5]
    assert "Lowokwaru" in pdf_text(
        report.build(report.scope_named(kecamatan="35.73.05"), month, compress=False)
    )


@pytest.mark.parametrize("period", ["2026-13", "2026-Q4", "2026", "bulan lalu", "2999-01"])
def test_a_bad_period_is_refused(period, tmp_path):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="--period"):
        call_command("monthly_report", period=period, out=str(out), stdout=io.StringIO())
    assert not out.exists()


@pytest.mark.parametrize("option", [{"agency": "NOPE"}, {"kecamatan": "Atlantis"}])
def test_an_unknown_agency_or_kecamatan_is_refused(option, tmp_path):
    with pytest.raises(CommandError, match=f"--{next(iter(option))}"):
        call_command(
            "monthly_report",
            period=periods.current().key,
            out=str(tmp_path / "x.pdf"),
            stdout=io.StringIO(),
            **option,
        )


def test_text_outside_latin1_does_not_break_the_pdf(sales):
    content = report.content(report.scope_named(), periods.current())
    content.scope_label = "Kota — 漢字 ✓"
    data = report.pdf(content, compress=False)
    assert data.startswith(b"%PDF")
    assert "Kota - ?? ?" in pdf_text(data)
