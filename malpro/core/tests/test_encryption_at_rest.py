"""Encryption at rest (issue 14, item 1): NIK, NIP, birth dates and bank account numbers are
stored as Fernet tokens, KTP scans and other private files encrypted on disk; lookups and
uniqueness go through keyed hashes; keys rotate with `reencrypt_personal_data`."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from cryptography.fernet import Fernet
from django.apps import apps as global_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from malpro.accounts import services as account_services
from malpro.accounts.models import User
from malpro.asn import services as asn_services
from malpro.asn.models import Employee, NipClaim
from malpro.asn.tests.factories import employee
from malpro.core import crypto
from malpro.core.exceptions import ApplicationError
from malpro.core.tests.test_settings_safety import PRODUCTION, _start
from malpro.payments import services as payment_services
from malpro.payments.models import BankAccount
from malpro.umkm import selectors
from malpro.umkm import services as umkm_services
from malpro.umkm.models import Business, Document
from malpro.umkm.selectors import RegistryFilters
from malpro.umkm.tests.factories import make_business
from malpro.umkm.tests.test_workflow import data

NIK = "3573051203850042"
NIP = "198507122010012003"
ACCOUNT = "0011223344556"
JPEG = b"\xff\xd8\xff\xe0" + b"KTP-PIXELS-" + NIK.encode() + b"\x00" * 100


def _raw(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return cursor.fetchall()


def _raw_text(*tables: str) -> str:
    return "\n".join(repr(row) for table in tables for row in _raw(table))


def _column(table: str, column: str) -> list:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q(column)} FROM {q(table)} ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def personal_data(seller, buyer):
    """One of each: a business with the owner's NIK, the owner's account bound to it, a roster
    entry (NIP, birth date) and its claim, a bank account."""
    business = make_business(owner=seller, owner_nik=NIK, name="Keripik Rahasia")
    account_services.user_nik_bind(user=seller, nik=NIK)
    person = employee(nip=NIP, agency="DISKOPINDAG")
    asn_services.nip_claim(user=buyer, nip=NIP)
    BankAccount.objects.create(
        business=business, bank_code="BJTM", account_number=ACCOUNT, account_name="Sari"
    )
    return {"business": business, "employee": person}


@pytest.mark.django_db
def test_no_personal_number_in_clear_in_the_database(personal_data):
    dump = _raw_text(
        "umkm_business",
        "accounts_user",
        "asn_employee",
        "asn_nipclaim",
        "payments_bankaccount",
    )
    for secret in (NIK, NIP, ACCOUNT, "1985-07-12", "1985-03-12"):
        assert secret not in dump
    for table, column in [
        ("umkm_business", "owner_nik"),
        ("asn_employee", "nip"),
        ("asn_employee", "birth_date"),
        ("asn_nipclaim", "nip"),
        ("payments_bankaccount", "account_number"),
    ]:
        assert all(str(v).startswith(crypto.TOKEN_PREFIX) for v in _column(table, column))
    # ...while the application reads them as before.
    person = Employee.objects.get(pk=personal_data["employee"].pk)
    assert person.nip == NIP and person.birth_date == dt.date(1985, 7, 12)
    assert Business.objects.get(pk=personal_data["business"].pk).owner_nik == NIK
    assert BankAccount.objects.get().account_number == ACCOUNT


@pytest.mark.django_db
def test_a_value_filter_on_an_encrypted_field_is_refused():
    # A query that would silently match nothing (a token never equals the value) fails loudly.
    with pytest.raises(Exception, match="encrypted"):
        list(Business.objects.filter(owner_nik=NIK))
    assert not Business.objects.filter(owner_nik="").exists()  # "no NIK" stays queryable


@pytest.mark.django_db
def test_registry_search_by_nik_goes_through_the_hash(personal_data, officer, city_admin):
    business = personal_data["business"]
    make_business(owner_nik="3573051203850043", name="Usaha Lain")
    found = selectors.business_registry(user=city_admin, filters=RegistryFilters(nik=NIK))
    assert list(found) == [business]
    by_officer = selectors.business_registry(user=officer, filters=RegistryFilters(nik=NIK))
    assert list(by_officer) == [business]  # the officer's agency guides it
    partial = selectors.business_registry(user=city_admin, filters=RegistryFilters(nik=NIK[:-1]))
    assert not partial.exists()


@pytest.mark.django_db
def test_uniqueness_moved_to_the_hashes(personal_data, seller, other_seller, officer):
    # The same owner NIK and name twice: refused by the service (its check uses the hash)...
    with pytest.raises(ApplicationError) as clash:
        umkm_services.business_register(
            actor=seller, data=data(owner_nik=NIK, name="Keripik Rahasia")
        )
    assert "owner_nik" in str(clash.value.extra) or "name" in str(clash.value.extra)
    # (the constraint itself)
    with pytest.raises(IntegrityError), transaction.atomic():
        Business.objects.create(
            name="Keripik Rahasia",
            owner_name="X",
            owner_nik=NIK,
            village=personal_data["business"].village,
            sector="makanan_minuman",
        )
    # ...a NIP twice on the roster...
    with pytest.raises(IntegrityError), transaction.atomic():
        employee(nip=NIP, agency="DISKOPINDAG")
    # ...and a NIK proved with a KTP for two accounts.
    account_services.user_nik_verify(user=seller, by=officer, nik=NIK, how="ktp_in_person")
    with pytest.raises(ApplicationError) as refused:
        account_services.user_nik_bind(user=other_seller, nik=NIK)
    assert refused.value.status == 409
    User.objects.filter(pk=other_seller.pk).update(nik=NIK, nik_hash=crypto.nik_hash(NIK))
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other_seller.pk).update(nik_verified_at=dt.datetime.now(dt.UTC))


@pytest.mark.django_db
def test_nip_claim_finds_the_roster_entry_by_hash(personal_data, buyer):
    claim = NipClaim.objects.get(user=buyer)
    assert claim.employee == personal_data["employee"]
    assert claim.nip_hash == crypto.nip_hash(NIP) != crypto.nik_hash(NIP)


def _tokens() -> list[str]:
    values = []
    for table, column in [
        ("umkm_business", "owner_nik"),
        ("accounts_user", "nik"),
        ("asn_employee", "nip"),
        ("asn_employee", "birth_date"),
        ("asn_nipclaim", "nip"),
        ("payments_bankaccount", "account_number"),
    ]:
        values += [v for v in _column(table, column) if v]
    return values


def _ktp(web, seller, business) -> Document:
    response = web(seller).post(
        f"/umkm/{business.pk}/dokumen/",
        {"kind": "ktp", "file": SimpleUploadedFile("ktp.jpg", JPEG, "image/jpeg")},
    )
    assert response.status_code in (200, 302)
    return Document.objects.get(business=business)


@pytest.mark.django_db
def test_ktp_scan_is_encrypted_on_disk_and_downloads_as_uploaded(web, seller, personal_data):
    business = personal_data["business"]
    document = _ktp(web, seller, business)
    on_disk = document.file.storage.read_raw(document.file.name)
    assert NIK.encode() not in on_disk and b"KTP-PIXELS" not in on_disk
    assert on_disk.startswith(crypto.FILE_MAGIC)
    response = web(seller).get(f"/umkm/{business.pk}/dokumen/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG


@pytest.mark.django_db
def test_rotation_with_the_command(settings, web, seller, personal_data):
    old, new = crypto.generate_key(), crypto.generate_key()
    # The fixture wrote with the development key: everything moved to `old` first.
    settings.MALPRO_DATA_KEYS = [old, *settings.MALPRO_DATA_KEYS]
    call_command("reencrypt_personal_data", stdout=io.StringIO())
    settings.MALPRO_DATA_KEYS = [old]
    document = _ktp(web, seller, personal_data["business"])
    assert all(Fernet(old).decrypt(t.encode()) for t in _tokens())

    settings.MALPRO_DATA_KEYS = [new, old]  # a new first key: old values still read
    assert Business.objects.get(pk=personal_data["business"].pk).owner_nik == NIK
    out = io.StringIO()
    call_command("reencrypt_personal_data", "--batch-size", "2", stdout=out)
    assert "files re-encrypted" in out.getvalue() and "Done (changed): 0 values" not in (
        out.getvalue()
    )

    settings.MALPRO_DATA_KEYS = [new]  # the old key dropped: everything still reads
    for token in _tokens():
        Fernet(new).decrypt(token.encode())
    person = Employee.objects.get(pk=personal_data["employee"].pk)
    assert (person.nip, person.birth_date) == (NIP, dt.date(1985, 7, 12))
    assert User.objects.get(pk=seller.pk).nik == NIK
    assert BankAccount.objects.get().account_number == ACCOUNT
    response = web(seller).get(f"/umkm/{document.business_id}/dokumen/{document.pk}/")
    assert b"".join(response.streaming_content) == JPEG

    again = io.StringIO()  # idempotent: nothing left to do
    call_command("reencrypt_personal_data", stdout=again)
    assert "Done (changed): 0 values, 0 hashes and 0 files" in again.getvalue()


@pytest.mark.django_db
def test_command_repairs_hashes_after_a_new_lookup_key(settings, personal_data):
    settings.MALPRO_LOOKUP_KEY = "another-lookup-key-" + "x" * 20
    assert not Business.objects.filter(owner_nik_hash=crypto.nik_hash(NIK)).exists()
    call_command("reencrypt_personal_data", stdout=io.StringIO())
    assert Business.objects.filter(owner_nik_hash=crypto.nik_hash(NIK)).exists()
    assert Employee.objects.filter(nip_hash=crypto.nip_hash(NIP)).exists()


@pytest.mark.django_db
def test_data_migration_encrypts_rows_written_in_clear(personal_data):
    q = connection.ops.quote_name
    business = personal_data["business"]
    with connection.cursor() as cursor:  # a row as the old code stored it
        cursor.execute(
            f"UPDATE {q('umkm_business')} SET {q('owner_nik')} = %s, "
            f"{q('owner_nik_hash')} = '' WHERE id = %s",
            [NIK, business.pk],
        )
    forward, _ = crypto.encrypt_columns("umkm_business", [("owner_nik", "owner_nik_hash", "nik")])
    forward(global_apps, connection.schema_editor())
    assert NIK not in _raw_text("umkm_business")
    assert Business.objects.get(owner_nik_hash=crypto.nik_hash(NIK)).owner_nik == NIK
    forward(global_apps, connection.schema_editor())  # running twice changes nothing visible
    assert Business.objects.get(pk=business.pk).owner_nik == NIK


@pytest.mark.django_db
def test_payout_account_is_saved_encrypted_through_the_service(seller, personal_data):
    business = personal_data["business"]
    BankAccount.objects.all().delete()
    payment_services.payout_account_set(
        actor=seller,
        business=business,
        bank_code="BJTM",
        account_number="9988776655",
        account_name="Sari",
    )
    assert "9988776655" not in _raw_text("payments_bankaccount")
    assert BankAccount.objects.get().account_number == "9988776655"


def test_production_refuses_to_start_without_data_keys():
    without = {k: v for k, v in PRODUCTION.items() if k != "MALPRO_DATA_KEYS"}
    result = _start(without)
    assert result.returncode != 0 and "MALPRO_DATA_KEYS" in result.stderr
    no_lookup = {k: v for k, v in PRODUCTION.items() if k != "MALPRO_LOOKUP_KEY"}
    result = _start(no_lookup)
    assert result.returncode != 0 and "MALPRO_LOOKUP_KEY" in result.stderr
    secret_only = {**PRODUCTION, "MALPRO_LOOKUP_KEY": PRODUCTION["SECRET_KEY"]}
    assert _start(secret_only).returncode != 0
