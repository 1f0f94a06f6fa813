"""A message template for the notifications tests (registered by the `test_kind` fixture)."""

from django.utils.translation import gettext_lazy as _

from malpro.notifications import kinds

TEST_KIND = kinds.Kind(
    "test.order_ready",
    "orders",
    _("Pesanan %(number)s siap"),
    _("Pesanan %(number)s dari %(shop)s siap diambil. Total %(total)s."),
    link="/pesanan/%(number)s/",
)
CONTEXT = {"number": "P-0001", "shop": "Dapur Bu Sari", "total": "Rp82.000"}
