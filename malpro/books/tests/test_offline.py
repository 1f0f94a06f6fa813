"""The contract the phone's offline queue (static/books/offline.js) relies on: it sends each
kept entry as the same form data to the entry form's URL asking for JSON, and drops it only
after a 200/201. Sending the same entry again (a lost answer, two tabs, a retry after the
connection flickered) must create one entry; a refused entry writes nothing and says why."""

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from malpro.books.models import Entry
from malpro.catalog.tests.factories import shop

pytestmark = pytest.mark.django_db
JSON = {"Accept": "application/json"}


def queued(**extra):
    """An entry as offline.js keeps it: the form's string fields, its client_id, no photo."""
    data = {
        "direction": "out",
        "amount": "12rb",
        "category": "operating",
        "method": "cash",
        "occurred_on": timezone.localdate().isoformat(),
        "note": "bensin",
        "client_id": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def test_the_same_entry_sent_twice_is_one_entry(web, seller):
    business = shop(seller)
    client = web(seller)
    path = reverse("books:entry_new", args=[business.pk]) + "?jenis=keluar"
    entry = queued()
    first = client.post(path, entry, headers=JSON)
    second = client.post(path, entry, headers=JSON)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    saved = Entry.objects.get(book__business=business)
    assert (saved.amount, saved.direction, saved.note) == (12_000, "out", "bensin")
    assert str(saved.client_id) == entry["client_id"]
    # and from the page too (the form resent without JavaScript): still one
    again = client.post(path, entry)
    assert again.status_code == 302
    assert Entry.objects.filter(book__business=business).count() == 1


def test_a_refused_entry_writes_nothing_and_says_why(web, seller):
    business = shop(seller)
    client = web(seller)
    path = reverse("books:entry_new", args=[business.pk])
    response = client.post(path, queued(amount="0", category="sales"), headers=JSON)
    assert response.status_code == 422
    body = response.json()
    assert body["message"]
    assert set(body["extra"]["fields"]) == {"amount", "category"}
    assert not Entry.objects.exists()
    # fixed and sent again with the same client_id: made once
    fixed = queued()
    assert client.post(path, fixed, headers=JSON).status_code == 201
    assert client.post(path, fixed, headers=JSON).status_code == 200
    assert Entry.objects.count() == 1


def test_entries_of_two_phones_do_not_collide(web, seller):
    business = shop(seller)
    client = web(seller)
    path = reverse("books:entry_new", args=[business.pk])
    for _ in range(2):
        assert client.post(path, queued(), headers=JSON).status_code == 201
    assert Entry.objects.count() == 2


def test_without_javascript_the_server_makes_the_client_id(web, seller):
    business = shop(seller)
    client = web(seller)
    path = reverse("books:entry_new", args=[business.pk]) + "?jenis=keluar"
    page = client.get(path).content.decode()
    client_id = re.search(r'name="client_id" value="([0-9a-f-]{36})"', page).group(1)
    entry = {**queued(), "client_id": client_id}
    client.post(path, entry)
    client.post(path, entry)  # pressed twice, or the answer was lost and the form resent
    assert Entry.objects.get().client_id == uuid.UUID(client_id)


def test_a_queued_entry_for_a_book_no_longer_kept_is_refused_not_lost(web, seller, other_seller):
    business = shop(seller)
    response = web(other_seller).post(
        reverse("books:entry_new", args=[business.pk]), queued(), headers=JSON
    )
    assert response.status_code == 404
    assert response.json()["message"]  # shown next to the kept entry, which stays on the phone
    assert not Entry.objects.exists()
