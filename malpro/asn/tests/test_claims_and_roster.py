import csv
import io
import re

import pytest
from django.core.management import CommandError, call_command

from malpro.asn import services
from malpro.asn.models import Employee, NipClaim
from malpro.asn.tests.factories import employee
from malpro.conftest import make_user
from malpro.core.crypto import nip_hash
from malpro.core.exceptions import ApplicationError, NotFound

NIP = "198507122010012003"


@pytest.mark.django_db
def test_claim_with_the_roster_phone_is_approved_at_once(buyer):
    employee(phone=buyer.phone)
    claim = services.nip_claim(user=buyer, nip=NIP)
    assert claim.state == NipClaim.State.APPROVED
    buyer.forget_roles()
    assert buyer.has_role("asn") and Employee.objects.get().user == buyer


@pytest.mark.django_db
def test_claim_with_another_phone_waits_for_the_opd(buyer, officer):
    found = employee(phone="+6281299998888", agency="DISKOPINDAG")
    claim = services.nip_claim(user=buyer, nip=NIP)
    assert claim.state == NipClaim.State.PENDING
    other = make_user("081299997777", "Petugas Lain", [("agency_officer", "DISPANGTAN", None)])
    with pytest.raises(NotFound):
        services.nip_claim_transition(actor=other, claim_id=claim.pk, to="approved")
    services.nip_claim_transition(actor=officer, claim_id=claim.pk, to="approved")
    found.refresh_from_db()
    assert found.user == buyer


@pytest.mark.django_db
def test_a_malformed_nip_is_a_field_error(buyer):
    with pytest.raises(ApplicationError) as info:
        services.nip_claim(user=buyer, nip="19851312 201001 2 003")  # month 13
    assert "Tanggal lahir pada NIP" in info.value.extra["fields"]["nip"]
    assert not NipClaim.objects.exists()


@pytest.mark.django_db
def test_a_claim_on_a_nip_the_roster_cannot_take_is_kept_unmatched(buyer, other_buyer):
    """Not on the roster, inactive, or linked to another account: no error (it would tell),
    a claim that no OPD sees (the answers are tested in test_claim_trust)."""
    services.nip_claim(user=buyer, nip=NIP)
    employee(nip="199003152022211001", is_active=False)
    employee(nip="197001011995031001", user=other_buyer)
    for nip in ("199003152022211001", "197001011995031001"):
        services.nip_claim(user=buyer, nip=nip)
    states = list(NipClaim.objects.order_by("pk").values_list("state", "reason"))
    assert states == [
        ("withdrawn", "Diganti klaim baru"),
        ("withdrawn", "Diganti klaim baru"),
        ("unmatched", "NIP sudah terhubung ke akun lain"),
    ]
    assert Employee.objects.get(nip_hash=nip_hash("197001011995031001")).user == other_buyer


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return str(path)


HEADER = [
    "NIP",
    "Nama Pegawai",
    "kode_opd",
    "jenis",
    "Gol",
    "eselon",
    "kelas_tpp",
    "No. HP",
    "aktif",
]
ROWS = [
    HEADER,
    [
        "198507122010012003",
        "Yuli Astuti",
        "DISKOMINFO",
        "PNS",
        "III/b",
        "",
        "7",
        "081234500005",
        "1",
    ],
    ["199003152022211001", "Bayu PPPK", "DISPANGTAN", "PPPK", "IX", "", "5", "", "ya"],
    ["19850712201001200", "NIP Pendek", "DISKOMINFO", "PNS", "III/a", "", "", "", "1"],
    ["198507122010012004", "OPD Salah", "DINASX", "PNS", "III/a", "", "", "", "1"],
    ["199003152022211002", "Jenis Salah", "DISKOMINFO", "PNS", "IX", "", "", "", "1"],
    ["198507122010012003", "Ganda", "DISKOMINFO", "PNS", "III/b", "", "", "", "1"],
    ["197001011995031001", "Pak Purna", "BKPSDM", "PNS", "IV/a", "IV.A", "", "", "0"],
]


def run(*args):
    out = io.StringIO()
    call_command("import_asn", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


@pytest.mark.django_db
def test_roster_import_keeps_good_rows_reports_bad_and_is_idempotent(tmp_path):
    path = write(tmp_path / "asn.csv", ROWS)
    assert (
        run(path, "--report", str(tmp_path / "r.csv"))
        == "created=3 updated=0 unchanged=0 rejected=4"
    )
    report = (tmp_path / "r.csv").read_text()
    for fragment in ("18 digit", "DINASX", "tidak sesuai dengan NIP", "baris 2"):
        assert fragment in report
    yuli = Employee.objects.get(nip_hash=nip_hash("198507122010012003"))
    assert (yuli.phone, yuli.golongan, yuli.tpp_class) == ("+6281234500005", "III/b", "7")
    assert not Employee.objects.get(name="Pak Purna").is_active
    assert run(path) == "created=0 updated=0 unchanged=3 rejected=4"


@pytest.mark.django_db
def test_full_roster_marks_who_left_inactive_never_deleting(tmp_path):
    run(write(tmp_path / "a.csv", ROWS[:3]))
    out = run(write(tmp_path / "b.csv", ROWS[:2]), "--full")
    assert out.endswith("deactivated=1")
    assert Employee.objects.count() == 2
    assert not Employee.objects.get(name="Bayu PPPK").is_active


@pytest.mark.django_db
def test_roster_import_without_required_columns_exits_2(tmp_path):
    with pytest.raises(CommandError) as info:
        run(write(tmp_path / "x.csv", [["nama"], ["A"]]))
    assert info.value.returncode == 2


@pytest.mark.django_db
def test_the_menu_leads_each_role_to_its_asn_pages(client, buyer, asn_user, officer):
    def links(user):
        """The entries of the menu page ("Lainnya"), which lists every entry of the role."""
        client.force_login(user)
        html = client.get("/menu/").content.decode()
        client.logout()
        return dict(re.findall(r'<a href="([^"]+)">.*?<span>([^<]+)</span></a>', html))

    assert links(buyer).get("/asn/") == "Klaim NIP ASN" and "/asn/klaim/" not in links(buyer)
    assert links(asn_user).get("/asn/") == "Kewajiban ASN"
    assert "Klaim NIP ASN" not in links(asn_user).values()
    assert links(officer).get("/asn/klaim/") == "Konfirmasi klaim NIP"
