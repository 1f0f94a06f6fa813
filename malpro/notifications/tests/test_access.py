import pytest

from malpro.notifications import access
from malpro.notifications.services import send


def notify(*, user, title):
    return send(user=user, kind="work.digest", context={"total": title}, key=title)


@pytest.mark.django_db
def test_the_list_shows_only_ones_own_messages(web, buyer, other_buyer):
    notify(user=buyer, title="Citra-1")
    notify(user=other_buyer, title="Dodi-2")
    page = web(buyer).get("/notifikasi/").content.decode()
    assert "Citra-1" in page and "Dodi-2" not in page
    assert web().get("/notifikasi/").status_code == 302


@pytest.mark.django_db
def test_marking_all_read_touches_only_ones_own(web, buyer, other_buyer):
    mine = notify(user=buyer, title="Satu")
    theirs = notify(user=other_buyer, title="Dua")
    web(buyer).post("/notifikasi/dibaca/")
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert access.can_mark_read(user=buyer, notification=mine)
    assert not access.can_mark_read(user=buyer, notification=theirs)


@pytest.mark.django_db
def test_the_bell_not_the_menu_leads_to_notifications(web, buyer):
    from django.contrib.auth.models import AnonymousUser

    from malpro.core import nav

    def labels(user):
        return [str(i["label"]) for i in nav.items_for(user)]

    assert "Notifikasi" not in labels(buyer) and "Notifikasi" not in labels(AnonymousUser())
    assert 'href="/notifikasi/"' in web(buyer).get("/").content.decode()
    assert 'href="/notifikasi/"' not in web().get("/").content.decode()


@pytest.mark.django_db
def test_preferences_show_only_the_categories_that_concern_the_person(web, buyer, seller, officer):
    def shown(user):
        page = web(user).get("/akun/notifikasi/").content.decode()
        return {
            key for key in ("orders", "shop", "asn", "work", "security") if f'name="{key}"' in page
        }

    # Security warnings are not a choice: always WhatsApp and SMS.
    assert shown(buyer) == {"orders"}
    assert shown(seller) == {"orders", "shop"}
    assert "work" in shown(officer) and "shop" not in shown(officer)
