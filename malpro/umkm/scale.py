"""Business scale classes of PP 7/2021 (Art. 35), in whole rupiah.

Capital (modal usaha, excluding land and buildings): micro ≤ Rp1 billion, small ≤ Rp5 billion,
medium ≤ Rp10 billion. Annual sales (hasil penjualan tahunan): micro ≤ Rp2 billion, small ≤
Rp15 billion, medium ≤ Rp50 billion. The regulation uses capital when a business is founded or
registered and annual sales for a business already trading; so when both are known, Malpro
classifies by annual sales (what the business actually does), else by capital.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

BILLION = 1_000_000_000
CAPITAL_LIMITS = (("micro", 1 * BILLION), ("small", 5 * BILLION), ("medium", 10 * BILLION))
SALES_LIMITS = (("micro", 2 * BILLION), ("small", 15 * BILLION), ("medium", 50 * BILLION))


class Scale(models.TextChoices):
    MICRO = "micro", _("Mikro")
    SMALL = "small", _("Kecil")
    MEDIUM = "medium", _("Menengah")
    LARGE = "large", _("Besar (bukan UMKM)")


def _by(limits, amount: int) -> str:
    for scale, limit in limits:
        if amount <= limit:
            return scale
    return Scale.LARGE


def classify(*, capital: int | None, annual_sales: int | None) -> str:
    """The scale class, or "" when neither figure is known."""
    if annual_sales is not None:
        return _by(SALES_LIMITS, annual_sales)
    if capital is not None:
        return _by(CAPITAL_LIMITS, capital)
    return ""
