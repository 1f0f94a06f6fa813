"""Issue 13 (trust): an agency's spreadsheet import creates businesses and updates only those
the agency guides. The attack in the issue (another agency's businesses taken over through NIK
and name, new phones, a submitted business verified, then claimed by the injected phone) and
each rule that stops it: scope, owner-kept fields, no state change, only the importing agency as
guide, and the city admin importing for an agency recorded as such."""

import csv

import pytest

from malpro.conftest import make_user
from malpro.core.exceptions import PermissionDenied
from malpro.core.models import AuditEvent, Event
from malpro.umkm import selectors, services
from malpro.umkm.importer import COLUMNS, umkm_import
from malpro.umkm.models import Business, Guidance, ImportJob, Status, StatusChange
from malpro.umkm.tests.factories import make_business, nik

KLOJEN, LOWOKWARU = "35.73.02.1001", "35.73.05.1003"
INJECTED = ["081377770001", "081377770002"]


def row(**cells) -> list[str]:
    return [cells.get(column, "") for column in COLUMNS.canonical]


def write(path, rows) -> str:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS.canonical)
        writer.writerows(rows)
    return str(path)


def page_import(client, path, agency) -> ImportJob:
    """Upload, dry run, then the real run, as an officer does on the page; returns the real
    run's job (the dry run is the one before it)."""
    with open(path, "rb") as handle:
        client.post("/umkm/registri/impor/", {"file": handle, "agency": agency})
    job = ImportJob.objects.latest("pk")
    client.post(f"/umkm/registri/impor/{job.pk}/", {"dry_run": "1"})
    client.post(f"/umkm/registri/impor/{job.pk}/ulang/")
    return ImportJob.objects.latest("pk")


def snapshot(*businesses) -> list[dict]:
    return list(Business.objects.filter(pk__in=[b.pk for b in businesses]).order_by("pk").values())


@pytest.fixture
def dispangtan_register(seller):
    """Two businesses Dispangtan guides: one with an owner account, one ownerless and
    submitted."""
    return [
        make_business(
            owner=seller,
            name="Sayur Organik Bu Ani",
            owner_name="Ani Susanti",
            owner_nik=nik(501),
            agencies=("DISPANGTAN",),
            village=KLOJEN,
        ),
        make_business(
            name="Madu Lawang Pak Joko",
            owner_name="Joko Susilo",
            owner_nik=nik(502),
            status=Status.SUBMITTED,
            agencies=("DISPANGTAN",),
            village=KLOJEN,
        ),
    ]


@pytest.mark.django_db
def test_an_officer_cannot_take_over_another_agencys_businesses_by_import(
    web, officer, dispangtan_register, tmp_path
):
    """The attack in the issue: NIK and name of two Dispangtan businesses with new phones, in
    a Diskopindag officer's file."""
    owned, submitted = dispangtan_register
    before = snapshot(owned, submitted)
    history = StatusChange.objects.count()
    path = write(
        tmp_path / "ambil.csv",
        [
            row(
                nama_usaha=b.name,
                nama_pemilik="Penyerang",
                nik_pemilik=b.owner_nik,
                telepon=phone,
                kode_kelurahan=KLOJEN,
            )
            for b, phone in zip(dispangtan_register, INJECTED, strict=True)
        ],
    )
    client = web(officer)
    job = page_import(client, path, "DISKOPINDAG")
    dry = ImportJob.objects.get(pk=job.pk - 1)

    assert snapshot(owned, submitted) == before  # no phone, owner name or state changed
    assert StatusChange.objects.count() == history
    assert Business.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert not Guidance.objects.filter(agency__code="DISKOPINDAG").exists()
    assert (job.created, job.updated, job.rejected) == (0, 0, 2)
    assert dry.dry_run and dry.issues == job.issues  # the dry run reported the same
    report = client.get(f"/umkm/registri/impor/{job.pk}/laporan.csv").content.decode()
    assert report.count("terdaftar di wilayah/OPD lain") == 2
    for secret in ("Sayur Organik", "Madu Lawang", "Ani Susanti", "Joko", "Dispangtan"):
        assert secret.lower() not in report.lower()
    # The officer still cannot open them (their full NIK stays hidden)...
    assert client.get(f"/umkm/{submitted.pk}/").status_code == 404
    # ...and an account with an injected phone has nothing to claim.
    intruder = make_user(INJECTED[1], "Penyerang")
    assert not selectors.business_claimable(user=intruder).exists()
    with pytest.raises(PermissionDenied):
        services.claim_request(user=intruder, business_id=submitted.pk, nik=nik(502))
    assert Business.objects.get(pk=submitted.pk).owner is None


@pytest.mark.django_db
def test_a_nib_of_another_agencys_business_is_refused_without_naming_it(officer, tmp_path):
    other = make_business(name="Kopi Dispangtan", nib="9120109999991", agencies=("DISPANGTAN",))
    ours = make_business(name="Kopi Diskopindag", owner_nik=nik(511), agencies=("DISKOPINDAG",))
    rows = [  # the other's NIB with our business's NIK and name: a clash across the scope
        row(
            nama_usaha="Kopi Diskopindag",
            nama_pemilik="X",
            nik_pemilik=nik(511),
            nib="9120109999991",
            kode_kelurahan=LOWOKWARU,
        ),
        row(  # the other's NIK and name, no NIB
            nama_usaha="Kopi Dispangtan",
            nama_pemilik="Y",
            nik_pemilik=other.owner_nik,
            kode_kelurahan=KLOJEN,
        ),
    ]
    result = umkm_import(
        source=write(tmp_path / "a.csv", rows), agency_code="DISKOPINDAG", actor=officer
    )
    assert result.summary() == "created=0 updated=0 unchanged=0 rejected=2"
    messages = " ".join(i.message for i in result.issues)
    assert messages.count("terdaftar di wilayah/OPD lain") == 2
    assert "Kopi Dispangtan" not in messages and other.owner_name not in messages
    other.refresh_from_db()
    ours.refresh_from_db()
    assert other.name == "Kopi Dispangtan" and ours.nib is None


@pytest.mark.django_db
def test_an_import_never_overwrites_what_the_owner_maintains(officer, seller, tmp_path):
    business = make_business(
        owner=seller, name="Keripik Bu Sari", owner_nik=nik(521), capital=5_000_000
    )
    before = {f: getattr(business, f) for f in ("owner_name", "phone", "address", "capital")}
    path = write(
        tmp_path / "a.csv",
        [
            row(
                nama_usaha="Keripik Bu Sari",
                nama_pemilik="Nama Lain",
                nik_pemilik=nik(521),
                telepon="081377770003",
                alamat="Jl. Lain 9",
                kode_kelurahan=LOWOKWARU,
                modal_usaha="9.000.000",
                no_sertifikat_halal="ID35110000555550001",
            )
        ],
    )
    result = umkm_import(source=path, agency_code="DISKOPINDAG", actor=officer)
    assert result.summary() == "created=0 updated=1 unchanged=0 rejected=0"
    business.refresh_from_db()
    assert {f: getattr(business, f) for f in before} == before
    assert business.halal_number == "ID35110000555550001"  # the agency's permits still apply
    (warning,) = [i for i in result.issues if i.level == "warning"]
    assert "dikelola pemiliknya" in warning.message
    for column in ("nama_pemilik", "telepon", "alamat", "modal_usaha"):
        assert column in warning.message


@pytest.mark.django_db
def test_an_import_never_changes_the_state_of_an_existing_business(officer, tmp_path):
    submitted = make_business(
        name="Tahu Bu Tin", owner_nik=nik(531), status=Status.SUBMITTED, owner_name="Tin"
    )
    rows = [
        row(
            nama_usaha="Tahu Bu Tin",
            nama_pemilik="Tin",
            nik_pemilik=nik(531),
            alamat="Jl. 1",
            kode_kelurahan=LOWOKWARU,
        ),
        row(
            nama_usaha="Tempe Baru",
            nama_pemilik="Baru",
            nik_pemilik=nik(532),
            kode_kelurahan=LOWOKWARU,
        ),
    ]
    result = umkm_import(
        source=write(tmp_path / "a.csv", rows), agency_code="DISKOPINDAG", actor=officer
    )
    assert result.summary() == "created=1 updated=1 unchanged=0 rejected=0"
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and submitted.address == "Jl. 1"
    assert Business.objects.get(name="Tempe Baru").status == Status.VERIFIED  # its own register


@pytest.mark.django_db
def test_an_agency_import_adds_only_that_agency_as_guide(officer, tmp_path):
    path = write(
        tmp_path / "a.csv",
        [
            row(
                nama_usaha="Kopi Samaan",
                nama_pemilik="Budi",
                nik_pemilik=nik(541),
                kode_kelurahan="Samaan",
                binaan="DISPANGTAN;DISKOPINDAG",
            )
        ],
    )
    result = umkm_import(source=path, agency_code="DISKOPINDAG", actor=officer)
    assert result.created == 1
    business = Business.objects.get()
    assert list(business.agencies.values_list("code", flat=True)) == ["DISKOPINDAG"]
    assert any("DISPANGTAN tidak ditambahkan" in i.message for i in result.issues)


@pytest.mark.django_db
def test_an_officer_imports_only_for_their_own_agency(officer, operator, tmp_path):
    path = write(
        tmp_path / "a.csv",
        [row(nama_usaha="A", nama_pemilik="B", nik_pemilik=nik(551), kode_kelurahan=KLOJEN)],
    )
    with pytest.raises(PermissionDenied):
        umkm_import(source=path, agency_code="DISPANGTAN", actor=officer)
    with pytest.raises(PermissionDenied):  # rows no agency vouches for: the city admin's
        umkm_import(source=path, actor=officer)
    with pytest.raises(PermissionDenied):
        umkm_import(source=path, agency_code="DISKOPINDAG", actor=operator)
    assert not Business.objects.exists()


@pytest.mark.django_db
def test_the_city_admin_imports_for_an_agency_recorded_as_such(web, city_admin, tmp_path):
    kopindag_only = make_business(name="Roti Kopindag", owner_nik=nik(561), phone="+6281300000561")
    path = write(
        tmp_path / "a.csv",
        [
            row(
                nama_usaha="Jamu Baru",
                nama_pemilik="Tini",
                nik_pemilik=nik(562),
                kode_kelurahan=KLOJEN,
            ),
            row(
                nama_usaha="Roti Kopindag",
                nama_pemilik="Z",
                nik_pemilik=nik(561),
                telepon="081377770009",
                kode_kelurahan=LOWOKWARU,
            ),
        ],
    )
    job = page_import(web(city_admin), path, "DISPANGTAN")
    assert (job.created, job.rejected) == (1, 1)  # the agency's scope holds for the admin too
    assert Business.objects.get(pk=kopindag_only.pk).phone == "+6281300000561"
    jamu = Business.objects.get(name="Jamu Baru")
    assert jamu.status == Status.VERIFIED
    assert list(jamu.agencies.values_list("code", flat=True)) == ["DISPANGTAN"]
    assert "oleh admin kota atas nama Dispangtan" in jamu.history.last().reason
    event = Event.objects.get(kind="business.imported")
    assert event.payload["by_city_admin"] and event.payload["agency_code"] == "DISPANGTAN"
    audit = AuditEvent.objects.filter(action="umkm.imported").latest("pk")
    assert audit.data["as_city_admin"] and audit.data["agency"] == "DISPANGTAN"
