"""Spreadsheet uploads are checked before they are parsed, parsed once, and kept as rows
(issue 14: a 320 KB XLSX expanding to 112 MB took 23 s and ~370 MB to preview, again on every
view)."""

import io
import time
import zipfile

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from malpro.core import tabular
from malpro.core.tabular import UnreadableFile, open_table
from malpro.umkm import services
from malpro.umkm.models import Business, ImportJob, ImportRows
from malpro.umkm.tests.test_import import HEADER, ROWS, write_csv

CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="UMKM" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def xlsx(sheet_rows: str, *, dimension: str = "", shared: str = "") -> bytes:
    """A minimal workbook around the given <row> elements."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if shared:
            archive.writestr("xl/sharedStrings.xml", shared)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main">{dimension}<sheetData>{sheet_rows}</sheetData></worksheet>',
        )
    return out.getvalue()


def inline(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = "<row>" + inline("nama_usaha") + inline("nama_pemilik") + "</row>"


def zip_bomb(megabytes: int = 40) -> bytes:
    """Many MB of the same cells, a few dozen KB once compressed."""
    row = "<row>" + inline("Keripik") * 20 + "</row>"
    return xlsx(HEADER_ROW + row * (megabytes * 1024 * 1024 // len(row)))


def test_a_zip_bomb_is_refused_fast_without_being_parsed():
    data = zip_bomb()
    assert len(data) < 300 * 1024
    started = time.perf_counter()
    with pytest.raises(UnreadableFile) as info:
        open_table(io.BytesIO(data), "bom.xlsx")
    assert time.perf_counter() - started < 1.0
    assert info.value.status == 422
    assert "tidak wajar" in info.value.message and "mengembang" in info.value.message
    assert info.value.extra["limit"] == "compression_ratio"


def test_too_large_once_expanded_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_COMPRESSION_RATIO", 10**6)
    monkeypatch.setattr(tabular, "MAX_EXPANDED_BYTES", 5 * 1024 * 1024)
    with pytest.raises(UnreadableFile, match="terlalu besar setelah dibuka"):
        open_table(io.BytesIO(zip_bomb(8)), "bom.xlsx")


def test_rows_cells_and_shared_strings_are_counted_before_parsing(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 50)
    many = xlsx(HEADER_ROW + ("<row>" + inline("a") + "</row>") * 60)
    with pytest.raises(UnreadableFile, match="lebih dari 50 baris"):
        open_table(io.BytesIO(many), "baris.xlsx")
    monkeypatch.setattr(tabular, "MAX_ROWS", 200_000)
    monkeypatch.setattr(tabular, "MAX_CELLS", 100)
    wide = xlsx(HEADER_ROW + ("<row>" + inline("a") * 30 + "</row>") * 4)
    with pytest.raises(UnreadableFile, match="lebih dari 100 sel"):
        open_table(io.BytesIO(wide), "sel.xlsx")

    monkeypatch.setattr(tabular, "MAX_SHARED_STRINGS", 10)
    texts = "".join(f"<si><t>teks {n}</t></si>" for n in range(20))
    shared = '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/' + (
        f'spreadsheetml/2006/main" count="20" uniqueCount="20">{texts}</sst>'
    )
    with pytest.raises(UnreadableFile, match="terlalu banyak teks berbeda"):
        open_table(io.BytesIO(xlsx(HEADER_ROW, shared=shared)), "teks.xlsx")


def test_a_huge_dimension_or_a_far_cell_cannot_blow_up_the_rows(monkeypatch):
    # The sheet claims A1:XFD1048576 and holds one cell at XFD2: rows are read as they are.
    far = xlsx(
        HEADER_ROW + '<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>',
        dimension='<dimension ref="A1:XFD1048576"/>',
    )
    table = open_table(io.BytesIO(far), "jauh.xlsx")
    rows = list(table.rows)
    assert table.headers == ["nama_usaha", "nama_pemilik"] and len(rows) == 1
    monkeypatch.setattr(tabular, "MAX_CELLS", 10_000)
    table = open_table(io.BytesIO(far), "jauh.xlsx")
    with pytest.raises(UnreadableFile, match="sel"):
        list(table.rows)  # 16.384 cells once padded: counted while reading


def test_csv_size_and_rows_are_bounded(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(UnreadableFile, match="Berkas terlalu besar"):
        open_table(io.BytesIO(b"nama,kota\n" + b"Toko,Malang\n" * 200), "besar.csv")
    monkeypatch.setattr(tabular, "MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
    monkeypatch.setattr(tabular, "MAX_ROWS", 10)
    table = open_table(io.BytesIO(b"nama,kota\n" + b"Toko,Malang\n" * 20), "baris.csv")
    with pytest.raises(UnreadableFile, match="lebih dari 10 baris"):
        list(table.rows)
    with pytest.raises(UnreadableFile, match="sel"):
        monkeypatch.setattr(tabular, "MAX_CELLS", 50)
        open_table(io.BytesIO(b"a" + b"," * 100 + b"\n"), "koma.csv")


@pytest.mark.django_db
def test_the_upload_page_refuses_a_zip_bomb_with_the_message(web, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = web(officer)
    client.get("/umkm/registri/impor/")  # the first request of a process loads templates
    upload = SimpleUploadedFile("bom.xlsx", zip_bomb())
    started = time.perf_counter()
    response = client.post("/umkm/registri/impor/", {"file": upload, "agency": "DISKOPINDAG"})
    assert time.perf_counter() - started < 3.0  # about 0.05 s
    assert response.status_code == 200  # the form again, with the reason on the file field
    assert "tidak wajar" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_the_preview_and_the_run_read_the_rows_kept_at_upload(web, officer, tmp_path):
    client = web(officer)
    path = write_csv(tmp_path / "data.csv", ROWS, header=HEADER)
    with open(path, "rb") as handle:
        client.post("/umkm/registri/impor/", {"file": handle, "agency": "DISKOPINDAG"})
    job = ImportJob.objects.get()
    assert job.row_count == len(ROWS) and job.headers[0] == HEADER[0]
    assert ImportRows.objects.filter(job=job).exists()
    with connection.cursor() as cursor:  # kept encrypted: the cells hold NIKs
        cursor.execute("SELECT data FROM umkm_importrows")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert stored.startswith("gAAAAA") and "Keripik" not in stored
    # The file is gone: the preview and the run cannot be reading it.
    storages["private"].delete(job.file.name)
    assert not storages["private"].exists(job.file.name)
    page = client.get(f"/umkm/registri/impor/{job.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "Keripik Tempe Bu Sari" in text
    assert "tidak dapat dibuka" not in text
    response = client.post(f"/umkm/registri/impor/{job.pk}/", {"dry_run": "1"})
    assert response.status_code in (200, 302)
    job.refresh_from_db()
    assert job.state == "done" and job.dry_run and job.total_rows == len(ROWS)
    assert not Business.objects.exists()
    # The real run after the check: the rows move to it, are imported, then not kept.
    client.post(f"/umkm/registri/impor/{job.pk}/ulang/")
    real = ImportJob.objects.exclude(pk=job.pk).get()
    assert real.state == "done" and real.created == job.created > 0
    assert Business.objects.count() == real.created
    assert not ImportRows.objects.exists()  # neither the check's nor the run's


@pytest.mark.django_db
def test_a_file_of_too_many_rows_is_refused_at_upload(web, officer, tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    path = write_csv(tmp_path / "data.csv", ROWS, header=HEADER)
    with open(path, "rb") as handle:
        response = web(officer).post(
            "/umkm/registri/impor/", {"file": handle, "agency": "DISKOPINDAG"}
        )
    assert "lebih dari 3 baris" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_the_other_imports_refuse_a_zip_bomb_too(seller):
    from malpro.asn.importer import roster_import
    from malpro.catalog.importer import products_import
    from malpro.umkm.tests.factories import make_business

    with pytest.raises(UnreadableFile, match="tidak wajar"):
        roster_import(source=io.BytesIO(zip_bomb()), filename="asn.xlsx")
    shop = make_business(owner=seller)
    with pytest.raises(UnreadableFile, match="tidak wajar"):
        products_import(source=io.BytesIO(zip_bomb()), filename="produk.xlsx", business_id=shop.pk)


@pytest.mark.django_db
def test_rows_of_an_upload_never_imported_are_purged_after_30_days(officer):
    from datetime import timedelta

    from django.utils import timezone

    from malpro.umkm.tasks import purge_import_rows

    upload = SimpleUploadedFile(
        "u.csv", b"nama_usaha,nama_pemilik\nWarung Bu Sri,Sri\n", content_type="text/csv"
    )
    job = services.import_job_create(actor=officer, upload=upload, agency_code="DISKOPINDAG")
    assert ImportRows.objects.filter(job=job).exists()
    assert purge_import_rows.apply().get() == 0
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert purge_import_rows.apply().get() >= 1
    assert not ImportRows.objects.filter(job=job).exists()
