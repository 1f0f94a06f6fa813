import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from malpro.notifications.models import Notification, Preference
from malpro.notifications.services import send


def notify(user, text, link=""):
    note = send(user=user, kind="work.digest", context={"total": text}, key=f"{user.pk}:{text}")
    if link:
        Notification.objects.filter(pk=note.pk).update(link=link)
    return note


def bell_label(page: str) -> str:
    match = re.search(r'id="bell"[^>]*aria-label="([^"]*)"', page, re.S) or re.search(
        r'<a class="bell"[^>]*aria-label="([^"]*)"', page, re.S
    )
    assert match, "no bell on the page"
    return match.group(1)


@pytest.mark.django_db
def test_the_bell_shows_the_unread_count_on_every_page(web, buyer, other_buyer):
    for i in range(3):
        notify(buyer, f"n{i}")
    notify(other_buyer, "theirs")
    client = web(buyer)
    for path in ("/", "/produk/", "/akun/profil/"):
        page = client.get(path).content.decode()
        assert bell_label(page) == "3 notifikasi belum dibaca"
        assert 'hx-get="/notifikasi/jumlah/"' in page and 'hx-trigger="every 60s"' in page


@pytest.mark.django_db
def test_the_bell_fragment_refreshes_the_count(web, buyer):
    client = web(buyer)
    assert "bell-count" not in client.get("/notifikasi/jumlah/").content.decode()
    notify(buyer, "baru")
    fragment = client.get("/notifikasi/jumlah/", headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in body
    assert bell_label(body) == "1 notifikasi belum dibaca"
    assert "no-store" in fragment["Cache-Control"] or "max-age=0" in fragment["Cache-Control"]


@pytest.mark.django_db
def test_an_anonymous_page_has_no_bell_and_no_count_query(client, buyer):
    notify(buyer, "x")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    assert 'id="bell"' not in page
    assert not [q for q in queries if "notifications_notification" in q["sql"]]
    assert client.get("/notifikasi/jumlah/").status_code == 204


@pytest.mark.django_db
def test_the_bell_costs_one_count_query(web, buyer):
    notify(buyer, "x")
    client = web(buyer)
    with CaptureQueriesContext(connection) as queries:
        client.get("/akun/profil/")
    counts = [q for q in queries if "notifications_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0]["sql"].upper()


@pytest.mark.django_db
def test_the_list_is_newest_first_paginated_and_marks_unread(web, buyer):
    for i in range(25):
        notify(buyer, f"item-{i:02d}")
    client = web(buyer)
    first = client.get("/notifikasi/").content.decode()
    assert first.index("item-24") < first.index("item-23")
    assert "item-04" not in first and first.count('class="note unread"') == 20
    second = client.get("/notifikasi/?page=2").content.decode()
    assert "item-04" in second and "item-24" not in second
    assert "Tandai semua dibaca" in first


@pytest.mark.django_db
def test_marking_one_read_is_a_post_on_ones_own(web, buyer, other_buyer):
    mine, theirs = notify(buyer, "a"), notify(other_buyer, "b")
    client = web(buyer)
    assert client.get(f"/notifikasi/{mine.pk}/dibaca/").status_code == 405
    assert client.post(f"/notifikasi/{theirs.pk}/dibaca/").status_code == 404
    response = client.post(f"/notifikasi/{mine.pk}/dibaca/", {"next": "/notifikasi/?page=1"})
    assert response.status_code == 302 and response["Location"] == "/notifikasi/?page=1"
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert (
        client.post(f"/notifikasi/{mine.pk}/dibaca/", {"next": "https://evil.example/"})["Location"]
        == "/notifikasi/"
    )


@pytest.mark.django_db
def test_the_list_filters_unread(web, buyer):
    notify(buyer, "old-one")
    Notification.objects.update(read_at="2026-01-01T00:00Z")
    notify(buyer, "new-one")
    page = web(buyer).get("/notifikasi/?belum=1").content.decode()
    assert "new-one" in page and "old-one" not in page


@pytest.mark.django_db
def test_opening_a_notification_marks_it_read_and_follows_internal_links(web, buyer, other_buyer):
    inside = notify(buyer, "in", link="/pesanan/12/")
    outside = notify(buyer, "out", link="https://evil.example/x")
    sneaky = notify(buyer, "sneaky", link="//evil.example/x")
    theirs = notify(other_buyer, "theirs", link="/pesanan/13/")
    client = web(buyer)
    assert client.get(f"/notifikasi/{inside.pk}/")["Location"] == "/pesanan/12/"
    assert client.get(f"/notifikasi/{outside.pk}/")["Location"] == "/notifikasi/"
    assert client.get(f"/notifikasi/{sneaky.pk}/")["Location"] == "/notifikasi/"
    assert client.get(f"/notifikasi/{theirs.pk}/").status_code == 404
    assert Notification.objects.filter(user=buyer, read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_preferences_page_shows_reachability_quiet_hours_and_saves(web, buyer):
    client = web(buyer)
    page = client.get("/akun/notifikasi/").content.decode()
    assert "Pesanan" in page and 'name="security"' not in page
    assert "21.00" in page and "kode verifikasi" in page
    assert "Tambahkan email" in page  # no email yet
    assert "selalu aktif" in page
    data = {"language": "en", "orders": ["sms", "email"], "security": ["whatsapp"]}
    response = client.post("/akun/notifikasi/", data)
    assert response.status_code == 302
    buyer.refresh_from_db()
    assert buyer.language == "en"
    orders = Preference.objects.get(user=buyer, category="orders")
    assert (orders.whatsapp, orders.sms, orders.email) == (False, True, True)
    assert not Preference.objects.get(user=buyer, category="payments").whatsapp


@pytest.mark.django_db
def test_preferences_page_refuses_unknown_values_in_indonesian(web, buyer):
    client = web(buyer)
    response = client.post("/akun/notifikasi/", {"language": "fr", "orders": ["telegram"]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Saluran tidak dikenal" in page and "Pilih bahasa Indonesia atau Inggris" in page
    assert not Preference.objects.filter(user=buyer).exists()


@pytest.mark.django_db
def test_preferences_page_says_when_the_phone_is_not_verified(web, buyer):
    buyer.phone_verified_at = None
    buyer.save(update_fields=["phone_verified_at"])
    page = web(buyer).get("/akun/notifikasi/").content.decode()
    assert "/akun/verifikasi-hp/" in page


@pytest.mark.django_db
def test_list_and_account_page_link_to_preferences(web, buyer):
    client = web(buyer)
    assert "/akun/notifikasi/" in client.get("/notifikasi/").content.decode()
    assert "/akun/notifikasi/" in client.get("/akun/profil/").content.decode()
