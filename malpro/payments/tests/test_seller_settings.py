"""The shop's payout bank account and static QRIS: written by their owner through a service
that audits (account number masked), records an event and tells the owner in the app."""

import pytest

from malpro.catalog.tests.factories import shop
from malpro.core.exceptions import ApplicationError, PermissionDenied
from malpro.core.models import AuditEvent, Event
from malpro.notifications.models import Notification
from malpro.payments import services
from malpro.payments.models import BankAccount, MerchantQRIS
from malpro.payments.tests.test_qris import static_payload


def set_account(actor, business, number="0011223344"):
    return services.payout_account_set(
        actor=actor,
        business=business,
        bank_code="bjtm",
        account_number=number,
        account_name="Bu Sari",
    )


@pytest.mark.django_db
def test_changing_the_payout_account_is_audited_masked_and_told_to_the_owner(seller):
    business = shop(seller)
    set_account(seller, business)
    set_account(seller, business, number="9988776655")
    assert BankAccount.objects.get(business=business).account_number == "9988776655"
    audit = AuditEvent.objects.filter(action="payments.payout_account_changed").latest("pk")
    assert audit.data == {
        "bank_code": "BJTM",
        "account_number": "••••••6655",
        "previous": "••••••3344",
    }
    events = Event.objects.filter(kind="payout_account.changed")
    assert events.count() == 2
    assert all("9988776655" not in str(e.payload) for e in events)
    notices = Notification.objects.filter(user=seller, kind="payout_account.changed")
    assert notices.count() == 2
    assert notices.first().title == "Rekening pencairan usaha Anda diubah"
    assert business.name in notices.first().body and "BJTM" in notices.first().body


@pytest.mark.django_db
def test_saving_the_same_account_again_changes_nothing(seller):
    business = shop(seller)
    set_account(seller, business)
    set_account(seller, business)
    assert Event.objects.filter(kind="payout_account.changed").count() == 1


@pytest.mark.django_db
def test_only_the_owner_sets_where_the_money_goes(seller, other_seller, city_admin):
    business = shop(seller)
    for outsider in (other_seller, city_admin):
        with pytest.raises(PermissionDenied):
            set_account(outsider, business)
    with pytest.raises(ApplicationError) as info:
        set_account(seller, business, number="12ab")
    assert info.value.extra == {"fields": {"account_number": "Nomor rekening 6–20 angka."}}
    assert (
        not BankAccount.objects.exists()
        and not AuditEvent.objects.filter(action="payments.payout_account_changed").exists()
    )


@pytest.mark.django_db
def test_the_static_qris_is_checked_audited_and_told_to_the_owner(seller, other_seller):
    business = shop(seller)
    with pytest.raises(ApplicationError) as info:
        services.static_qris_set(
            actor=seller, business=business, payload=static_payload(crc="0000")
        )
    assert "CRC tidak cocok" in info.value.message
    with pytest.raises(PermissionDenied):
        services.static_qris_set(actor=other_seller, business=business, payload=static_payload())
    services.static_qris_set(actor=seller, business=business, payload=static_payload())
    assert MerchantQRIS.objects.get(business=business).nmid == "ID1020021234567"
    assert AuditEvent.objects.filter(action="payments.static_qris_changed").count() == 1
    assert Event.objects.get(kind="static_qris.changed").subject_id == str(business.pk)
    notice = Notification.objects.get(user=seller, kind="static_qris.changed")
    assert notice.title == "QRIS statis usaha Anda diubah"


@pytest.mark.django_db
def test_the_balance_page_saves_the_account_through_the_service(web, seller):
    business = shop(seller)
    client = web(seller)
    form = {"form": "bank", "usaha": business.pk, "bank_code": "BNI", "account_name": "Sari"}
    page = client.post("/jual/saldo/", {**form, "account_number": "12"}).content.decode()
    assert "Nomor rekening 6–20 angka." in page
    client.post("/jual/saldo/", {**form, "account_number": "0011223344"})
    assert AuditEvent.objects.filter(action="payments.payout_account_changed").exists()
    assert Notification.objects.filter(user=seller, kind="payout_account.changed").exists()
