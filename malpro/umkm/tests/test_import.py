import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from malpro.core.crypto import nik_hash
from malpro.core.tabular import UnreadableFile
from malpro.umkm.importer import umkm_import
from malpro.umkm.models import Business, Guidance, Status, StatusChange
from malpro.umkm.tests.factories import make_business

HEADER = [
    "Nama UMKM",
    "nama_pemilik",
    "NIK",
    "No. HP",
    "alamat",
    "Kelurahan",
    "sektor",
    "NIB",
    "no_sertifikat_halal",
    "halal_berlaku_sampai",
    "pirt",
    "Modal",
    "Omzet",
    "binaan",
]
NEXT_YEAR = (dt.date.today() + dt.timedelta(days=365)).strftime("%d/%m/%Y")
ROWS = [
    # 2: good, with NIB and valid halal
    [
        "Keripik Tempe Bu Sari",
        "Sari Wulandari",
        "3573054107850002",
        "0812-3456-7890",
        "Jl. Sumbersari 12",
        "35.73.05.1003",
        "Makanan & minuman",
        "9120101234567",
        "ID35110000123450123",
        NEXT_YEAR,
        "2063573010123",
        "25.000.000",
        "180000000",
        "DISKOPINDAG",
    ],
    # 3: good, no NIB, matched later on NIK + name
    [
        "Batik Tulis Celaket",
        "Hadi Santoso",
        "3573021203800001",
        "085712345678",
        "",
        "35.73.02.1001",
        "batik",
        "",
        "",
        "",
        "",
        "50000000",
        "",
        "DISKOPINDAG",
    ],
    # 4: NIB of 12 digits
    [
        "Sambal Bu Rini",
        "Rini",
        "3573034405900003",
        "",
        "",
        "35.73.03.1001",
        "kuliner",
        "912010123456",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    # 5: unknown kelurahan
    [
        "Tahu Walik Pak Dul",
        "Abdul",
        "3573031506880004",
        "",
        "",
        "Atlantis",
        "kuliner",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    # 6: no business name
    ["", "Tanpa Nama", "3573031506880005", "", "", "35.73.03.1001", "", "", "", "", "", "", "", ""],
    # 7: duplicate of row 2
    [
        "Keripik Tempe Bu Sari",
        "Sari Wulandari",
        "3573054107850002",
        "",
        "",
        "35.73.05.1003",
        "kuliner",
        "9120101234567",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    # 8: expired halal certificate: imported, but not halal
    [
        "Susu Kedelai Mbak Ani",
        "Ani",
        "3573044107950006",
        "",
        "",
        "35.73.04.1001",
        "minuman",
        "9120109999991",
        "ID35110000999990001",
        "01/01/2020",
        "",
        "",
        "",
        "DISPANGTAN",
    ],
    # 9: a word where a number belongs
    [
        "Rengginang Sukun",
        "Sukun",
        "3573041203750007",
        "",
        "",
        "35.73.04.1002",
        "kuliner",
        "",
        "",
        "",
        "",
        "lima juta",
        "",
        "",
    ],
    # 10: kelurahan by name, two guiding agencies
    [
        "Kopi Samaan",
        "Budi",
        "3573021203700008",
        "",
        "",
        "Samaan",
        "kopi",
        "",
        "",
        "",
        "",
        "",
        "",
        "DISKOPINDAG; DISPANGTAN",
    ],
    # 11: a landline where a mobile number belongs
    [
        "Bakso Klojen",
        "Joko",
        "3573021203710009",
        "0341-551234",
        "",
        "35.73.02.1002",
        "kuliner",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    # 12: an agency code nobody knows
    [
        "Jamu Gendong",
        "Tini",
        "3573024403720010",
        "",
        "",
        "35.73.02.1003",
        "jamu",
        "",
        "",
        "",
        "",
        "",
        "",
        "DINASXYZ",
    ],
]
BAD = {
    4: "nib",
    5: "kode_kelurahan",
    6: "nama_usaha",
    7: "nama_usaha",
    9: "modal_usaha",
    11: "telepon",
    12: "binaan",
}


def write_csv(path, rows=ROWS, header=HEADER, encoding="utf-8", delimiter=","):
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_umkm", path, "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


@pytest.mark.django_db
def test_broken_rows_are_reported_and_good_rows_imported(tmp_path):
    path = write_csv(tmp_path / "binaan.csv")
    out, _ = run(path, "--report", str(tmp_path / "laporan.csv"))
    assert out == "created=4 updated=0 unchanged=0 rejected=7"
    names = set(Business.objects.values_list("name", flat=True))
    assert names == {
        "Keripik Tempe Bu Sari",
        "Batik Tulis Celaket",
        "Susu Kedelai Mbak Ani",
        "Kopi Samaan",
    }
    with open(tmp_path / "laporan.csv", encoding="utf-8") as handle:
        report = list(csv.DictReader(handle))
    errors = {int(r["baris"]): r["kolom"] for r in report if r["tingkat"] == "galat"}
    assert errors == BAD
    messages = {int(r["baris"]): r["pesan"] for r in report}
    assert "13 digit (yang diisi 12 digit)" in messages[4]
    assert "Atlantis tidak ditemukan" in messages[5]
    assert "baris 2" in messages[7]
    assert "rupiah bulat" in messages[9]
    assert "bukan nomor HP" in messages[11]
    assert "DINASXYZ" in messages[12]
    assert "kedaluwarsa" in messages[8]


@pytest.mark.django_db
def test_imported_rows_have_the_right_values(tmp_path):
    run(write_csv(tmp_path / "binaan.csv"))
    keripik = Business.objects.get(nib="9120101234567")
    assert keripik.phone == "+6281234567890"
    assert keripik.capital == 25_000_000 and keripik.annual_sales == 180_000_000
    assert keripik.scale == "micro" and keripik.halal_valid
    assert keripik.sector == "makanan_minuman" and keripik.status == Status.DRAFT
    susu = Business.objects.get(name="Susu Kedelai Mbak Ani")
    assert susu.halal_number and not susu.halal_valid
    kopi = Business.objects.get(name="Kopi Samaan")
    assert kopi.village.name == "Samaan" and kopi.village.district.name == "Klojen"
    assert sorted(kopi.agencies.values_list("code", flat=True)) == ["DISKOPINDAG", "DISPANGTAN"]
    assert Business.objects.get(name="Batik Tulis Celaket").sector == "fashion"


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "binaan.csv")
    run(path)
    before = list(Business.objects.order_by("pk").values())
    changes = StatusChange.objects.count()
    out, _ = run(path)
    assert out == "created=0 updated=0 unchanged=4 rejected=7"
    assert list(Business.objects.order_by("pk").values()) == before
    assert StatusChange.objects.count() == changes


@pytest.mark.django_db
def test_a_changed_row_updates_the_matching_business(tmp_path):
    run(write_csv(tmp_path / "a.csv", ROWS[:2]))
    rows = [list(r) for r in ROWS[:2]]
    rows[0][3] = "0811-2222-3333"  # new phone; matched on NIB
    rows[1][4] = "Jl. Celaket 21"  # new address; matched on NIK + name
    rows[1][0] = "BATIK TULIS  CELAKET"  # same name, other spelling
    out, _ = run(write_csv(tmp_path / "b.csv", rows))
    assert out == "created=0 updated=2 unchanged=0 rejected=0"
    assert Business.objects.get(nib="9120101234567").phone == "+6281122223333"
    assert (
        Business.objects.get(owner_nik_hash=nik_hash("3573021203800001")).address
        == "Jl. Celaket 21"
    )


@pytest.mark.django_db
def test_empty_cells_do_not_erase_known_values(tmp_path):
    run(write_csv(tmp_path / "a.csv", ROWS[:1]))
    partial = [
        [
            "Keripik Tempe Bu Sari",
            "Sari Wulandari",
            "",
            "",
            "",
            "35.73.05.1003",
            "",
            "9120101234567",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    ]
    out, _ = run(write_csv(tmp_path / "b.csv", partial))
    assert out == "created=0 updated=0 unchanged=1 rejected=0"
    assert Business.objects.get(nib="9120101234567").capital == 25_000_000


@pytest.mark.django_db
def test_agency_import_starts_new_rows_verified_and_leaves_existing_states(tmp_path):
    # Issue 13 changed this: an existing business keeps its state (it used to be verified by
    # the import), and only the importing agency is added as guide (the binaan column's
    # DISKOPINDAG used to be added too).
    existing = make_business(
        status="draft",
        agencies=("DISPANGTAN",),
        owner_nik="3573054107850002",
        name="Keripik Tempe Bu Sari",
        nib=None,
    )
    out, err = run(write_csv(tmp_path / "a.csv", ROWS[:3]), "--agency", "dispangtan")
    assert out == "created=1 updated=1 unchanged=0 rejected=1"
    existing.refresh_from_db()
    assert existing.status == Status.DRAFT and existing.nib == "9120101234567"
    assert not StatusChange.objects.filter(business=existing, to_status="verified").exists()
    batik = Business.objects.get(name="Batik Tulis Celaket")
    assert batik.status == Status.VERIFIED and batik.owner is None
    assert set(batik.agencies.values_list("code", flat=True)) == {"DISPANGTAN"}
    assert "DISKOPINDAG tidak ditambahkan" in err
    reason = StatusChange.objects.filter(business=batik).last().reason
    assert "diverifikasi oleh Dispangtan" in reason
    out, _ = run(str(tmp_path / "a.csv"), "--agency", "DISPANGTAN")
    assert out == "created=0 updated=0 unchanged=2 rejected=1"


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    out, _ = run(write_csv(tmp_path / "a.csv"), "--dry-run")
    assert out == "dry-run: created=4 updated=0 unchanged=0 rejected=7"
    assert not Business.objects.exists() and not Guidance.objects.exists()


@pytest.mark.django_db
def test_windows_1252_csv_with_semicolons(tmp_path):
    rows = [
        [
            "Kopi Lereng – Café Oma’s",
            "José",
            "3573021203700008",
            "",
            "",
            "35.73.02.1001",
            "kuliner",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    ]
    path = write_csv(tmp_path / "excel.csv", rows, encoding="cp1252", delimiter=";")
    out, _ = run(path)
    assert out == "created=1 updated=0 unchanged=0 rejected=0"
    assert Business.objects.get().name == "Kopi Lereng – Café Oma’s"


@pytest.mark.django_db
def test_xlsx_with_number_and_date_cells(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Daftar UMKM binaan Diskopindag 2026"])  # a title row above the header
    sheet.append([])
    sheet.append(HEADER)
    sheet.append(
        [
            "Keripik Tempe Bu Sari",
            "Sari",
            3573054107850002,
            81234567890,
            "",
            "Dinoyo",
            "kuliner",
            9120101234567,
            "ID35110000123450123",
            dt.datetime(2030, 6, 30),
            "",
            25000000,
            180000000.0,
            "DISKOPINDAG",
        ]
    )
    path = tmp_path / "binaan.xlsx"
    workbook.save(path)
    assert run(str(path))[0] == "created=1 updated=0 unchanged=0 rejected=0"
    business = Business.objects.get()
    assert business.owner_nik == "3573054107850002" and business.nib == "9120101234567"
    assert business.halal_expires_on == dt.date(2030, 6, 30)
    assert business.village.name == "Dinoyo"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "Berkas kosong"),
        (b"   \n", "Berkas kosong"),
        (b"nama_pemilik,telepon\nSari,0812\n", "Kolom wajib tidak ditemukan: nama_usaha"),
    ],
)
def test_unreadable_files_exit_2(tmp_path, content, fragment):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError) as info:
        run(str(path))
    assert info.value.returncode == 2
    assert fragment in str(info.value)


@pytest.mark.django_db
def test_missing_file_and_wrong_format_exit_2(tmp_path):
    for path in (str(tmp_path / "none.csv"), str(tmp_path / "x.pdf")):
        with pytest.raises(CommandError) as info:
            run(path)
        assert info.value.returncode == 2


@pytest.mark.django_db
def test_a_corrupt_xlsx_is_unreadable(tmp_path):
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(UnreadableFile):
        umkm_import(source=str(path))


@pytest.mark.django_db
def test_unknown_headers_can_be_mapped_by_hand(tmp_path):
    header = ["Usaha Mikro", "Nama Pemilik", "NIK", "Lokasi Kelurahan"]
    path = write_csv(
        tmp_path / "a.csv", [["Warung Bu Tin", "Tin", "3573021203700008", "Samaan"]], header=header
    )
    with pytest.raises(UnreadableFile) as info:
        umkm_import(source=path)
    assert set(info.value.extra["missing"]) == {"nama_usaha", "kode_kelurahan"}
    result = umkm_import(
        source=path, header_map={"Usaha Mikro": "nama_usaha", "Lokasi Kelurahan": "kode_kelurahan"}
    )
    assert result.summary() == "created=1 updated=0 unchanged=0 rejected=0"


@pytest.mark.django_db
def test_an_import_that_fails_midway_leaves_nothing(tmp_path, monkeypatch):
    from malpro.umkm import importer

    calls = {"n": 0}
    original = importer._apply

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(importer, "_apply", failing)
    with pytest.raises(RuntimeError):
        umkm_import(source=write_csv(tmp_path / "a.csv"), chunk_size=2)
    assert not Business.objects.exists()
