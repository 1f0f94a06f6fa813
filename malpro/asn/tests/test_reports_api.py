import io

import openpyxl
import pytest
from django.core.management import call_command

from malpro.asn import obligation, periods
from malpro.asn.models import Standing
from malpro.asn.tests.factories import complete_order, delivering_shop, employee, policy, product
from malpro.conftest import make_user
from malpro.notifications.models import Notification


def pdf_text(content: bytes) -> str:
    """The text drawn in a PDF: its (compressed) content streams, decoded."""
    import re
    import zlib

    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S)
    drawn = []
    for data in streams:
        try:
            drawn.append(zlib.decompress(data).decode("latin-1"))
        except zlib.error:
            continue
    shown = " ".join(re.findall(r"\((.*?)\) Tj", " ".join(drawn)))
    return re.sub(r"\\([()\\])", r"\1", shown)


@pytest.fixture
def programme(asn_user, seller):
    policy(default=100_000)
    item = product(delivering_shop(seller), "Beras 5 kg", category="beras", price=70000, stock=100)
    yuli = employee(user=asn_user, agency="DISKOMINFO")
    other_user = make_user("081299995555", "Budi ASN")
    budi = employee(nip="199003152022211001", user=other_user, agency="DISKOMINFO", name="Budi")
    dina = employee(nip="198001012005012001", agency="DISPANGTAN", name="Dina", golongan="III/c")
    complete_order(asn_user, item, 2)  # Yuli: 140.000 ≥ 100.000
    complete_order(other_user, item, 1)  # Budi: 70.000 < 100.000
    return {"yuli": yuli, "budi": budi, "dina": dina, "item": item}


@pytest.mark.django_db
def test_obligation_api(api, asn_user, programme):
    body = (
        api(asn_user)
        .get("/api/v1/asn/me/obligation", {"period": periods.label(*periods.parse(None))})
        .json()
    )
    assert (body["required"], body["counted"], body["remaining"]) == (100_000, 140_000, 0)
    assert body["policy_is_example"] is True
    assert api(asn_user).get("/api/v1/asn/me/obligation", {"period": "2026-13"}).status_code == 422


@pytest.mark.django_db
def test_obligation_api_for_someone_without_a_nip(api, buyer):
    assert api(buyer).get("/api/v1/asn/me/obligation").status_code == 404


@pytest.mark.django_db
def test_opd_report_and_scoping(api, programme, city_admin, buyer):
    rows = {r["agency_code"]: r for r in api(city_admin).get("/api/v1/asn/reports/opd").json()}
    assert rows["DISKOMINFO"]["asn_count"] == 2 and rows["DISKOMINFO"]["compliant"] == 1
    assert rows["DISKOMINFO"]["compliant_share"] == 50.0
    assert rows["DISKOMINFO"]["total_counted"] == 210_000
    assert rows["DISPANGTAN"]["compliant"] == 0
    officer = make_user("081299994444", "Kadis Kominfo", [("agency_officer", "DISKOMINFO", None)])
    own = api(officer).get("/api/v1/asn/reports/opd").json()
    assert [r["agency_code"] for r in own] == ["DISKOMINFO"]
    bkpsdm = make_user("081299993333", "BKPSDM", [("agency_officer", "BKPSDM", None)])
    assert len(api(bkpsdm).get("/api/v1/asn/reports/opd").json()) == 2
    assert api(buyer).get("/api/v1/asn/reports/opd").status_code == 403


@pytest.mark.django_db
def test_report_exports(web, city_admin, programme):
    client = web(city_admin)
    page = client.get("/asn/laporan/").content.decode()
    assert "Diskominfo" in page and "50,0%" in page  # Indonesian decimal comma
    xlsx = client.get("/asn/laporan/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["ASN"]
    names = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"Yuli Astuti", "Budi", "Dina"} <= names
    assert "198507122010012003" in {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    pdf = client.get("/asn/laporan/", {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Teratas: Yuli Astuti (Rp140.000/Rp100.000)" in text
    assert "Terbawah: Budi (Rp70.000/Rp100.000)" in text and "Tren 12 bulan" in text
    assert client.get("/asn/laporan/", {"opd": "abc"}).status_code == 200


@pytest.mark.django_db
def test_report_export_masks_nips_for_readers_who_do_not_keep_the_roster(web, auditor, programme):
    xlsx = web(auditor).get("/asn/laporan/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["ASN"]
    nips = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "1985•••••••••••003" in nips
    assert not any(nip.isdigit() for nip in nips)


@pytest.mark.django_db
def test_claims_queue_masks_phones_for_an_auditor_who_cannot_decide(web, auditor, buyer):
    from malpro.asn import services
    from malpro.asn.models import NipClaim

    employee(nip="199003152022211001", name="Budi", phone="+6281299991234")
    services.nip_claim(user=buyer, nip="199003152022211001")
    assert NipClaim.objects.get().state == NipClaim.State.PENDING
    page = web(auditor).get("/asn/klaim/").content.decode()
    assert "Budi" in page and "1234" in page
    assert "0812-9999-1234" not in page and 'name="decision"' not in page


@pytest.mark.django_db
def test_precomputed_figures_equal_a_recount(programme):
    year, month = periods.parse(None)
    obligation.period_get(year, month)
    call_command("asn_period", "--refresh", stdout=io.StringIO())
    out = io.StringIO()
    call_command("asn_recount", stdout=out)
    assert out.getvalue().strip() == "checked=3 differences=0"
    Standing.objects.filter(employee=programme["budi"]).update(counted=999)
    with pytest.raises(SystemExit):
        call_command("asn_recount", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db
def test_reminders_go_to_asn_below_target_once(programme):
    out = io.StringIO()
    call_command("asn_remind", "--force", stdout=out)
    assert out.getvalue().strip() == "reminders=1"  # Budi; Dina has no account
    call_command("asn_remind", "--force", stdout=io.StringIO())
    note = Notification.objects.get(kind="asn.reminder")  # the programme's orders have theirs
    assert note.user == programme["budi"].user and "Kurang Rp30.000" in note.body


@pytest.mark.django_db
def test_asn_home_page(web, asn_user, programme):
    page = web(asn_user).get("/asn/").content.decode()
    assert "Rp140.000" in page and "Kebijakan contoh" in page


@pytest.mark.django_db
def test_claim_page_for_a_new_account(web, buyer, programme):
    page = web(buyer).get("/asn/").content.decode()
    assert "Hubungkan akun dengan NIP" in page


@pytest.mark.django_db
def test_the_daily_reminder_task_sends_only_near_the_period_end(programme):
    from malpro.asn import tasks

    assert tasks.remind.delay(days=0).get() == 0  # a period always has at least one day left
    reminders = Notification.objects.filter(kind="asn.reminder")
    assert not reminders.exists()
    assert tasks.remind.delay(days=31).get() == 1  # every day of a month is within 31 days
    assert tasks.remind.delay(days=31).get() == 0  # once per ASN per period
    assert reminders.get().user == programme["budi"].user
