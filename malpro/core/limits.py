"""The largest numbers and sizes Malpro accepts, in one place (listed in docs/architecture.md).

Forms, API schemas and services check against these: past them the answer is a 422 (API) or a
form error (pages) in Indonesian, never a database overflow (a 500) or an order total that
breaks the buyer's checkout. They are far above any real UMKM sale and far below 2^63.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# Money, in whole rupiah.
MAX_PRICE = 1_000_000_000  # one product or variant: Rp1.000.000.000
MAX_AMOUNT = 10_000_000_000  # any other amount typed in (payouts, in-store ASN purchases...)
MAX_OFFLINE_PURCHASE = 100_000_000  # one in-store ASN purchase, absolute
# Quantities.
MAX_STOCK = 1_000_000  # units of one product or variant on hand
MAX_QUANTITY = 999  # units of one product in one cart line (orders.services uses the same)
MAX_WEIGHT_GRAMS = 1_000_000  # 1 tonne per unit
MAX_BUNDLE_ITEMS = 50  # products in one staples bundle
MAX_BUNDLE_QUANTITY = 1_000  # units of one product in a bundle
# Pagination.
MAX_PAGE = 10_000
MAX_PAGE_SIZE = 100
# Request bodies (bytes): forms and JSON, and whole multipart requests with their files.
MAX_FORM_BODY = 10 * 1024 * 1024
MAX_REQUEST_BODY = 30 * 1024 * 1024
# Any database id we accept from outside (a BigAutoField cannot hold more).
MAX_ID = 2**63 - 1

# Pydantic types for the API schemas.
Price = Annotated[int, Field(ge=0, le=MAX_PRICE)]
Amount = Annotated[int, Field(ge=0, le=MAX_AMOUNT)]
Stock = Annotated[int, Field(ge=0, le=MAX_STOCK)]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]
WeightGrams = Annotated[int, Field(ge=0, le=MAX_WEIGHT_GRAMS)]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def too_large(label: str, maximum: int, *, money: bool = False) -> str:
    """The message for a number past its maximum ("Harga paling besar Rp1.000.000.000.")."""
    from django.utils.translation import gettext as _

    from malpro.core.money import format_rupiah

    shown = format_rupiah(maximum) if money else f"{maximum:,}".replace(",", ".")
    return _("%(label)s paling besar %(max)s.") % {"label": label, "max": shown}
