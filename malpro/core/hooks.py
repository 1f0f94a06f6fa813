"""Named places where a higher app adds to a lower app's page, declared here so that every
cross-app hook can be read in one list (like the menu in core.nav and the event consumers in
core.events). The lower app asks `items(point)`; the higher app calls `register(point, item)`
from its AppConfig.ready(). Registering the same item twice (ready() may run again in tests)
keeps one."""

from __future__ import annotations

POINTS = {
    "umkm.profile_context": "business -> extra context for a shop's public profile "
    "(catalog: the shop's products)",
    "catalog.product_actions": "template shown next to a product's price (orders: add to cart)",
    "catalog.product_sections": "template shown below the seller on a product page "
    "(orders: reviews)",
    "catalog.product_context": "product -> extra context for those templates (orders: reviews)",
    "notifications.digest": "user -> list of (label, count, path) of work waiting for that "
    "person (umkm: submissions to verify, claims to decide; asn: NIP claims), for the daily "
    "digest",
    "orders.cart_line": "template shown under each cart line's name, with `item` (asn: whether "
    "it counts toward the ASN obligation)",
    "orders.after_checkout": "checkout -> a URL to send the buyer to, or None "
    "(payments: the payment page of a cashless checkout)",
}

_ITEMS: dict[str, list] = {point: [] for point in POINTS}


def register(point: str, item) -> None:
    if point not in POINTS:
        raise LookupError(f"unknown hook point {point!r}; declare it in core.hooks.POINTS")
    if item not in _ITEMS[point]:
        _ITEMS[point].append(item)


def items(point: str) -> list:
    return list(_ITEMS[point])
