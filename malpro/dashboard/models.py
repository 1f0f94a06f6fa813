"""Aggregate rows the dashboard reads instead of scanning orders: one row per seller and day,
per seller, day and category, and per seller, buyer and month. They are derived data, kept
current by the `dashboard.aggregates` event consumer and rebuilt from the orders by
`manage.py rebuild_aggregates`; docs/dashboard.md says what each figure counts."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SellerFigures(models.Model):
    """What one seller sold over a span (a day, a month): the fields SellerDay and SellerMonth
    share, summed from one to the other."""

    orders = models.PositiveIntegerField(default=0)  # completed
    gmv = models.BigIntegerField(default=0)  # order totals (items + the seller's delivery fee)
    items = models.BigIntegerField(default=0)  # items only
    cod_orders = models.PositiveIntegerField(default=0)
    cod_gmv = models.BigIntegerField(default=0)
    asn_orders = models.PositiveIntegerField(default=0)
    asn_gmv = models.BigIntegerField(default=0)
    # Completed orders with both timestamps, and the seconds from reaching the seller (placed
    # or paid) to handing over, summed: the mean fulfilment time is their quotient.
    timed_orders = models.PositiveIntegerField(default=0)
    fulfil_seconds = models.BigIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    instore_count = models.PositiveIntegerField(default=0)
    instore_amount = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


# The figures' names, for the recount, the sums and the comparisons.
SELLER_FIELDS = tuple(f.name for f in SellerFigures._meta.local_fields)


class SellerDay(SellerFigures):
    """One seller's marketplace sales on one day (Asia/Jakarta), by the day each order
    completed; cancellations and rejections by the day the order closed; ASN in-person
    purchases by the day of purchase, once confirmed."""

    day = models.DateField()
    business = models.ForeignKey("umkm.Business", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("rekap harian penjual")
        verbose_name_plural = _("rekap harian penjual")
        constraints = [
            models.UniqueConstraint(fields=["day", "business"], name="dashboard_sellerday_unique"),
            models.CheckConstraint(
                condition=Q(gmv__gte=0, items__gte=0, cod_gmv__gte=0, asn_gmv__gte=0)
                & Q(instore_amount__gte=0, fulfil_seconds__gte=0),
                name="dashboard_sellerday_gte0",
            ),
        ]
        indexes = [models.Index(fields=["business", "day"])]


class SellerMonth(SellerFigures):
    """SellerDay summed over a month (the same fields): what the figures of whole months read,
    a few thousand rows a month instead of tens of thousands."""

    month = models.DateField()  # the first day of the month
    business = models.ForeignKey("umkm.Business", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("rekap bulanan penjual")
        verbose_name_plural = _("rekap bulanan penjual")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "business"], name="dashboard_sellermonth_unique"
            ),
        ]
        indexes = [models.Index(fields=["business", "month"])]


class CategoryDay(models.Model):
    """Items sold by one seller in one category on one day (line totals, no delivery fee)."""

    day = models.DateField()
    business = models.ForeignKey("umkm.Business", on_delete=models.CASCADE, related_name="+")
    # The line's category when ordered; 0 when it had none.
    category_id = models.BigIntegerField(default=0)
    amount = models.BigIntegerField(default=0)
    quantity = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rekap harian kategori")
        verbose_name_plural = _("rekap harian kategori")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "business", "category_id"],
                name="dashboard_categoryday_unique",
            ),
        ]
        indexes = [models.Index(fields=["business", "day"])]


class BuyerMonth(models.Model):
    """How many completed orders one buyer had from one seller in one month: the distinct
    buyers of a period and scope are counted from these rows."""

    month = models.DateField()  # the first day of the month
    business = models.ForeignKey("umkm.Business", on_delete=models.CASCADE, related_name="+")
    buyer_id = models.BigIntegerField()
    orders = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rekap bulanan pembeli")
        verbose_name_plural = _("rekap bulanan pembeli")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "business", "buyer_id"], name="dashboard_buyermonth_unique"
            ),
        ]
        indexes = [models.Index(fields=["business", "month"])]
