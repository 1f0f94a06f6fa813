import pytest

from malpro.notifications.models import Notification, Preference
from malpro.notifications.services import send


def notify(user, text):
    return send(user=user, kind="work.digest", context={"total": text}, key=f"{user.pk}:{text}")


@pytest.mark.django_db
def test_the_list_is_ones_own_newest_first_with_the_unread_count(api, buyer, other_buyer):
    for i in range(3):
        notify(buyer, f"n{i}")
    notify(other_buyer, "theirs")
    body = api(buyer).get("/api/v1/notifications", {"page_size": 2}).json()
    assert body["total"] == 3 and body["unread"] == 3 and len(body["results"]) == 2
    first = body["results"][0]
    assert set(first) == {"id", "kind", "title", "body", "link", "created_at", "read_at"}
    assert "n2" in first["title"] and first["read_at"] is None
    page2 = api(buyer).get("/api/v1/notifications", {"page_size": 2, "page": 2}).json()
    assert len(page2["results"]) == 1 and "n0" in page2["results"][0]["title"]
    assert api().get("/api/v1/notifications").status_code == 401


@pytest.mark.django_db
def test_unread_filter_and_marking_one_read(api, buyer, other_buyer):
    a, b = notify(buyer, "a"), notify(buyer, "b")
    theirs = notify(other_buyer, "c")
    client = api(buyer)
    response = client.post(f"/api/v1/notifications/{a.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    unread = client.get("/api/v1/notifications", {"unread": 1}).json()
    assert [r["id"] for r in unread["results"]] == [b.pk] and unread["unread"] == 1
    missing = client.post(f"/api/v1/notifications/{theirs.pk}/read")
    assert missing.status_code == 404 and set(missing.json()) == {"message", "extra"}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post("/api/v1/notifications/999999/read").status_code == 404


@pytest.mark.django_db
def test_preferences_read_back_defaults_and_reachability(api, buyer):
    body = api(buyer).get("/api/v1/me/notification-preferences").json()
    assert body["language"] == "id"
    assert body["reachable"] == ["whatsapp", "sms"]  # a verified phone, no email
    orders = next(c for c in body["categories"] if c["key"] == "orders")
    assert orders["channels"] == ["whatsapp"] and orders["label"] == "Pesanan"
    keys = {c["key"] for c in body["categories"]}
    assert keys >= {"orders", "payments"} and "security" not in keys  # not a choice


@pytest.mark.django_db
def test_security_warnings_cannot_be_turned_off(api, buyer):
    response = api(buyer).put(
        "/api/v1/me/notification-preferences",
        {"categories": [{"key": "security", "channels": []}]},
    )
    assert response.status_code == 422
    assert "categories.0.key" in response.json()["extra"]["fields"]


@pytest.mark.django_db
def test_preferences_put_saves_the_same_shape(api, buyer):
    client = api(buyer)
    shape = client.get("/api/v1/me/notification-preferences").json()
    for c in shape["categories"]:
        if c["key"] == "orders":
            c["channels"] = ["sms", "email"]
    shape["language"] = "en"
    response = client.put("/api/v1/me/notification-preferences", shape)
    assert response.status_code == 200, response.content
    orders = next(c for c in response.json()["categories"] if c["key"] == "orders")
    assert orders["channels"] == ["sms", "email"] and response.json()["language"] == "en"
    buyer.refresh_from_db()
    assert buyer.language == "en"
    row = Preference.objects.get(user=buyer, category="orders")
    assert (row.whatsapp, row.sms, row.email) == (False, True, True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload, field",
    [
        ({"categories": [{"key": "lottery", "channels": []}]}, "categories.0.key"),
        (
            {"categories": [{"key": "orders", "channels": ["whatsapp", "pigeon"]}]},
            "categories.0.channels.1",
        ),
        ({"language": "fr"}, "language"),
    ],
)
def test_preferences_put_names_the_unknown_field(api, buyer, payload, field):
    response = api(buyer).put("/api/v1/me/notification-preferences", payload)
    assert response.status_code == 422
    assert field in response.json()["extra"]["fields"]
    assert not Preference.objects.filter(user=buyer).exists()
    buyer.refresh_from_db()
    assert buyer.language == "id"


@pytest.mark.django_db
def test_preferences_are_ones_own(api, buyer, other_buyer):
    api(buyer).put(
        "/api/v1/me/notification-preferences",
        {"categories": [{"key": "orders", "channels": []}]},
    )
    assert not Preference.objects.filter(user=other_buyer).exists()
    assert api().put("/api/v1/me/notification-preferences", {}).status_code == 401
    assert Notification.objects.count() == 0
