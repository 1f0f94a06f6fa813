"""Typed answers of the dashboard's API (malpro.dashboard.api), so /api/v1/openapi.json
documents every figure. Money is whole rupiah; shares are fractions in [0, 1]; null where a
figure cannot be computed (nothing to divide by) or, in the open data, is suppressed."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    message: str
    extra: dict


# --- GET /dashboard/summary ----------------------------------------------------------------------
class KpisOut(Schema):
    gmv: int = Field(description="Nilai pesanan selesai (rupiah), termasuk ongkir.")
    orders: int
    buyers: int
    aov: int | None = Field(description="Rata-rata nilai per pesanan (rupiah).")
    cashless_gmv: int
    cod_gmv: int
    cashless_share: float | None
    asn_gmv: int
    asn_orders: int
    asn_instore_amount: int
    asn_reached_umkm: int
    active_sellers: int
    sellers_with_sales: int
    zero_sale_sellers: int
    gini: float = Field(description="Koefisien Gini pendapatan penjual (0 = merata).")
    top10_share: float | None
    micro_share: float | None
    cancelled: int
    rejected: int
    cancel_rate: float | None
    reject_rate: float | None
    mean_fulfil_hours: float | None


class ScopeOut(Schema):
    label: str
    agency: str | None = Field(description="Kode OPD pembina yang dipilih, bila ada.")
    kecamatan: str | None = Field(description="Kode kecamatan yang dipilih, bila ada.")


class PreviousOut(Schema):
    period: str
    period_label: str
    kpis: KpisOut


class SummaryOut(Schema):
    period: str = Field(examples=["2026-11"])
    period_label: str
    scope: ScopeOut
    kpis: KpisOut
    previous: PreviousOut
    generated_at: str


# --- GET /public/stats ---------------------------------------------------------------------------
class PublicKpisOut(Schema):
    gmv: int | None
    orders: int | None
    buyers: int | None
    aov: int | None
    cashless_share: float | None
    active_sellers: int | None
    sellers_with_sales: int | None
    zero_sale_sellers: int | None
    asn_reached_umkm: int | None
    gini: float | None
    top10_share: float | None
    micro_share: float | None
    cancel_rate: float | None
    reject_rate: float | None


class PublicAreaOut(Schema):
    code: str
    name: str
    sellers: int | None
    orders: int | None
    gmv: int | None
    suppressed: bool


class PublicCategoryOut(Schema):
    key: str
    name: str
    gmv: int | None = Field(description="Nilai barang terjual (tanpa ongkir).")
    suppressed: bool


class PublicMonthOut(Schema):
    month: str = Field(examples=["2026-11"])
    sellers: int | None
    orders: int | None
    gmv: int | None
    suppressed: bool


class PublicFunnelOut(Schema):
    recorded: int | None
    active: int | None
    marketplace: int | None
    nib: int | None
    halal: int | None


class PublicAsnOut(Schema):
    asn_months: int | None = Field(description="Jumlah kewajiban ASN-bulan di periode ini.")
    compliant: int | None
    compliance: float | None
    counted: int | None
    required: int | None
    suppressed: bool


class PublicStatsOut(Schema):
    period: str = Field(examples=["2026-11"])
    period_label: str
    area: str
    threshold: int = Field(description="Angka di bawah batas ini disembunyikan (null).")
    kpis: PublicKpisOut
    by_kecamatan: list[PublicAreaOut]
    by_category: list[PublicCategoryOut]
    by_scale: list[PublicAreaOut]
    gmv_by_month: list[PublicMonthOut]
    funnel: PublicFunnelOut
    asn: PublicAsnOut
    suppressed: list[str] = Field(description="Nama angka yang disembunyikan (null).")
    generated_at: str
