"""Issue 18: the ASN report and the integrity flags print months and durations in words."""

import pytest

from malpro.asn import obligation, periods
from malpro.asn.models import IntegrityFlag
from malpro.asn.tests.factories import policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    policy()
    return obligation.period_get(2026, 11)


def test_report_names_the_month_in_words(web, city_admin, period):
    page = web(city_admin).get("/asn/laporan/", {"periode": "2026-11"}).content.decode()
    assert "<strong>November 2026</strong>" in page
    assert 'class="office-table"' in page  # one card per OPD on a phone


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (0.0, "kurang dari 1 menit"),
        (12, "12 menit"),
        (185, "3 jam 5 menit"),
        (2 * 24 * 60, "2 hari"),
    ],
)
def test_flag_evidence_gives_durations_in_words(web, auditor, period, minutes, words):
    IntegrityFlag.objects.create(
        kind=IntegrityFlag.Kind.FAST_COMPLETION,
        key=f"fast-{minutes}",
        period=period,
        evidence={"order": "MP-1", "minutes": minutes},
    )
    page = web(auditor).get("/asn/integritas/").content.decode()
    assert f"Pesanan MP-1 selesai {words} setelah dipesan" in page
    assert "0,0 menit" not in page
    assert "· November 2026" in page  # the flag's period


def test_round_exact_evidence_names_months(web, auditor, period):
    IntegrityFlag.objects.create(
        kind=IntegrityFlag.Kind.ROUND_EXACT,
        key="round",
        period=period,
        evidence={"periods": {"2026-09": 100000, "2026-10": 100000, "2026-11": 100000}},
    )
    page = web(auditor).get("/asn/integritas/").content.decode()
    assert "September 2026: Rp100.000" in page and "2026-09" not in page


def test_periods_parse_keys_still_work():
    assert periods.parse("2026-11") == (2026, 11)
