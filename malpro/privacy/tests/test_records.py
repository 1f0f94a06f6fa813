"""Access records: every read of full identifiers, document download, export and login is
recorded; auditors read them all, a person reads those about them; nobody changes them."""

import pytest
from django.db import connection, transaction

from malpro.conftest import make_user
from malpro.privacy.models import AccessRecord, AppendOnlyError

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


def kinds(**filters) -> list[str]:
    return list(AccessRecord.objects.filter(**filters).values_list("kind", flat=True))


@pytest.mark.django_db
def test_web_login_success_and_failure_are_recorded(web, client, buyer):
    web(buyer)
    client.post("/akun/masuk/", {"username": buyer.phone, "password": "salah-sekali-123"})
    failure = AccessRecord.objects.get(kind="login_failure")
    assert failure.subject_user == buyer and failure.actor is None
    success = AccessRecord.objects.get(kind="login_success")
    assert success.actor == buyer and success.where == "/akun/masuk/"
    assert success.client == "127.0.0.0/24"  # the network, not the address


@pytest.mark.django_db
def test_api_login_success_and_failure_are_recorded(api, buyer):
    api(buyer)
    api().post("/api/v1/auth/login", {"phone": buyer.phone, "password": "salah-sekali-123"})
    assert sorted(kinds(subject_user=buyer)) == ["login_failure", "login_success"]
    assert AccessRecord.objects.get(kind="login_success").where == "/api/v1/auth/login"


@pytest.mark.django_db
def test_a_failed_login_on_an_unknown_number_names_nobody(client):
    client.post("/akun/masuk/", {"username": "081299990000", "password": "x" * 10})
    record = AccessRecord.objects.get(kind="login_failure")
    assert record.subject_user is None and "0812" not in record.reason


@pytest.mark.django_db
def test_payout_file_download_is_recorded(web, buyer, seller, city_admin):
    from malpro.payments import settlements
    from malpro.payments.tests.helpers import completed_payable_order

    completed_payable_order(buyer, seller)
    batch = settlements.batch_create(actor=None, provider="simulator")
    admin = web(city_admin)
    admin.post("/kota/pencairan/", {"action": "approve", "batch_id": batch.pk})
    assert admin.get(f"/kota/pencairan/{batch.pk}.csv").status_code == 200
    assert AccessRecord.objects.get(kind="export_payout").reason == f"batch #{batch.pk}"


@pytest.mark.django_db
def test_asn_report_export_is_recorded(web, city_admin, asn_user):
    from malpro.asn.tests.factories import employee, policy

    policy(default=100_000)
    employee(user=asn_user, agency="DISKOMINFO")
    assert web(city_admin).get("/asn/laporan/", {"format": "xlsx"}).status_code == 200
    assert kinds(kind="export_report", actor=city_admin) == ["export_report"]


@pytest.mark.django_db
def test_records_cannot_be_changed_or_deleted(buyer):
    from malpro.privacy import records

    record = records.record(kind="data_export", actor=buyer, subject_user=buyer)
    record.reason = "diubah"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        AccessRecord.objects.filter(pk=record.pk).update(reason="diubah")
    with pytest.raises(AppendOnlyError):
        AccessRecord.objects.all().delete()
    # Below the ORM, the database refuses too.
    # (in a savepoint: PostgreSQL aborts the transaction that hit the error)
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE privacy_accessrecord SET reason = 'x'")
    assert AccessRecord.objects.get(pk=record.pk).reason == ""


@pytest.mark.django_db
def test_the_back_office_cannot_change_or_delete_records(web, buyer):
    from malpro.privacy import records

    admin = make_user("081234500097", "Super", [("city_admin", None, None)])
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    record = records.record(kind="data_export", actor=buyer, subject_user=buyer)
    client = web(admin)
    base = "/admin/privacy/accessrecord/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{base}{record.pk}/change/", {"reason": "x"})
    assert AccessRecord.objects.filter(pk=record.pk, reason="").exists()


@pytest.mark.django_db
def test_auditors_read_every_record_and_a_person_only_their_own(
    web, api, auditor, buyer, other_buyer
):
    web(buyer)
    web(other_buyer)
    page = web(auditor).get("/kota/akses-data/").content.decode()
    assert "Citra Pembeli" in page and "Dodi Pembeli" in page
    rows = api(auditor).get("/api/v1/privacy/access-records").json()["results"]
    assert {buyer.pk, other_buyer.pk} <= {r["subject_user_id"] for r in rows}
    mine = api(buyer).get("/api/v1/me/access-records").json()["results"]
    assert mine and all(r["actor"] is None or r["actor"]["id"] == buyer.pk for r in mine)
    assert "Dodi Pembeli" not in web(buyer).get("/data-saya/").content.decode()
    assert api(buyer).get("/api/v1/privacy/access-records").status_code == 403


def test_records_keep_the_clients_network_not_its_address():
    from malpro.privacy.records import mask_address

    assert mask_address("203.0.113.9") == "203.0.113.0/24"
    assert mask_address("::ffff:203.0.113.9") == "203.0.113.0/24"
    assert mask_address("2001:db8:1:2::5") == "2001:db8:1::/48"
    assert mask_address("") == mask_address("bukan-alamat") == ""
