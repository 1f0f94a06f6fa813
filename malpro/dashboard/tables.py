"""Every table of the dashboard, defined once (key, title, columns, rows from
malpro.dashboard.metrics) and used by both the pages and the exports, so a page and its CSV or
XLSX cannot say different things.

Rows hold raw values: money as int rupiah, shares as fractions (0.25), hours as floats, None
for "cannot be said". Pages format them (`Table.display`); exports write them as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from malpro.core import words
from malpro.core.money import format_rupiah
from malpro.dashboard import metrics
from malpro.dashboard.access import Scope
from malpro.dashboard.periods import Period

TEXT, INT, MONEY, SHARE, CHANGE, HOURS = "text", "int", "money", "share", "change", "hours"
DAY, MONTH = "day", "month"  # a row's date (ISO) or month (11/2026), shown in words
MEASURES = {
    "gmv": gettext_lazy("Nilai transaksi (GMV)"),
    "orders": gettext_lazy("Pesanan selesai"),
    "sellers": gettext_lazy("Penjual yang berjualan"),
    "marketplace_share": gettext_lazy("Bagian UMKM di marketplace"),
}


def _int(value) -> str:
    return f"{value:,}".replace(",", ".")


def _decimal(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}".replace(",", "X").replace(".", ",").replace("X", ".")


def show(kind: str, value) -> str:
    """One cell as the page shows it (Indonesian number formats)."""
    if value is None or value == "":
        return "—"
    if kind == MONEY:
        return format_rupiah(int(value))
    if kind == INT:
        return _int(value)
    if kind == SHARE:
        return _decimal(100 * value) + "%"
    if kind == CHANGE:
        return ("+" if value > 0 else "") + _decimal(100 * value) + "%"
    if kind == HOURS:
        return words.duration_words(hours=value)
    if kind == DAY:
        return words.day_label(value)
    if kind == MONTH:
        return words.month_label(value)
    if isinstance(value, float):
        return _decimal(value, 4)
    return str(value)


@dataclass
class Column:
    key: str
    title: str
    kind: str = TEXT

    @property
    def numeric(self) -> bool:
        return self.kind not in (TEXT, DAY, MONTH)


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    note: str = ""

    @property
    def header(self) -> list[str]:
        return [str(c.title) for c in self.columns]

    def display(self) -> list[list[tuple[str, bool]]]:
        """Each cell as (text, numeric) for the template."""
        return [
            [(show(c.kind, v), c.numeric) for c, v in zip(self.columns, row, strict=True)]
            for row in self.rows
        ]


class Data:
    """The figures of one scope and period, each computed at most once per request."""

    def __init__(self, scope: Scope, period: Period, measure: str = "gmv"):
        self.scope = scope
        self.period = period
        self.measure = measure if measure in MEASURES else "gmv"

    @cached_property
    def summary(self) -> metrics.Summary:
        return metrics.summary(self.scope, self.period)

    @cached_property
    def previous(self) -> metrics.Summary:
        return metrics.summary(self.scope, self.period.compared())

    @cached_property
    def series(self) -> list[metrics.Point]:
        return metrics.series(self.scope, self.period)

    @cached_property
    def socialisation(self) -> list[metrics.AreaRow]:
        return metrics.socialisation(self.scope, self.period)

    def breakdown(self, by: str) -> list[metrics.Row]:
        cache = self.__dict__.setdefault("_breakdowns", {})
        if by not in cache:
            cache[by] = metrics.breakdown(self.scope, self.period, by)
        return cache[by]


def _compare(data: Data, items: list[tuple[str, str, str]]) -> list[list]:
    """Rows of (indicator, this period, previous period, change)."""
    now, before = data.summary, data.previous
    rows = []
    for label, attr, _kind in items:
        a, b = getattr(now, attr), getattr(before, attr)
        rows.append([label, a, b, metrics.change(a, b)])
    return rows


# Figures where a fall is the good news (the page colours a change by this).
LOWER_IS_BETTER = {
    "gini",
    "top10_share",
    "zero_sale_sellers",
    "mean_fulfil_hours",
    "cancel_rate",
    "reject_rate",
    "cancelled",
    "rejected",
}


class CompareTable(Table):
    """Indicator rows, each with its own kind (money, count, share)."""

    kinds: list[str]
    attrs: list[str]

    def trends(self) -> list[str]:
        """Per row: "good", "bad" or "" (no change or cannot be said)."""
        out = []
        for attr, row in zip(self.attrs, self.rows, strict=True):
            delta = row[3]
            if not delta:
                out.append("")
                continue
            better = (delta < 0) if attr in LOWER_IS_BETTER else (delta > 0)
            out.append("good" if better else "bad")
        return out

    def display(self):
        out = []
        for kind, row in zip(self.kinds, self.rows, strict=True):
            label, now, before, delta = row
            out.append(
                [
                    (str(label), False),
                    (show(kind, now), True),
                    (show(kind, before), True),
                    (show(CHANGE, delta), True),
                ]
            )
        return out


def _compare_of(key, title, data: Data, items) -> CompareTable:
    table = CompareTable(
        key,
        title,
        [
            Column("indicator", _("Indikator")),
            Column("value", data.period.label, TEXT),
            Column("previous", data.period.compared().label, TEXT),
            Column("change", _("Perubahan"), CHANGE),
        ],
        _compare(data, items),
    )
    table.kinds = [kind for _label, _attr, kind in items]
    table.attrs = [attr for _label, attr, _kind in items]
    return table


# --- the tables ----------------------------------------------------------------------------------
def kpis(data: Data) -> Table:
    return _compare_of(
        "kpi",
        _("Angka utama"),
        data,
        [
            (_("Nilai transaksi (GMV)"), "gmv", MONEY),
            (_("Pesanan selesai"), "orders", INT),
            (_("Pembeli"), "buyers", INT),
            (_("Rata-rata per pesanan"), "aov", MONEY),
            (_("Bagian non-tunai"), "cashless_share", SHARE),
        ],
    )


EQUITY_ITEMS = [
    (gettext_lazy("Rasio Gini pendapatan penjual"), "gini", "ratio"),
    (gettext_lazy("Bagian 10 penjual teratas"), "top10_share", SHARE),
    (gettext_lazy("Bagian usaha mikro"), "micro_share", SHARE),
    (gettext_lazy("Penjual aktif tanpa penjualan"), "zero_sale_sellers", INT),
    (gettext_lazy("UMKM yang dijangkau belanja ASN"), "asn_reached", INT),
]


def equity(data: Data) -> Table:
    items = [(str(label), attr, kind) for label, attr, kind in EQUITY_ITEMS]
    items += [
        (_("Penjual aktif"), "active_sellers", INT),
        (_("Penjual dengan penjualan"), "sellers_with_sales", INT),
    ]
    table = _compare_of("pemerataan", _("Pemerataan"), data, items)
    table.note = _(
        "Rasio Gini 0 berarti pendapatan merata di semua penjual aktif (termasuk yang belum "
        "laku), 1 berarti semuanya pada satu penjual."
    )
    return table


def series(data: Data) -> Table:
    monthly = data.period.kind != "month"
    return Table(
        "deret",
        _("Penjualan per bulan") if monthly else _("Penjualan per hari"),
        [
            Column("step", _("Bulan") if monthly else _("Tanggal"), MONTH if monthly else DAY),
            Column("gmv", _("GMV"), MONEY),
            Column("orders", _("Pesanan"), INT),
            Column("cashless", _("Non-tunai"), MONEY),
            Column("cod", _("COD"), MONEY),
            Column("asn", _("Belanja ASN"), MONEY),
        ],
        [
            [
                p.start.isoformat() if not monthly else p.label,
                p.gmv,
                p.orders,
                p.cashless_gmv,
                p.cod_gmv,
                p.asn_gmv,
            ]
            for p in data.series
        ],
    )


_BREAKDOWN_TITLES = {
    "category": (gettext_lazy("Per kategori"), gettext_lazy("Kategori")),
    "kecamatan": (gettext_lazy("Per kecamatan"), gettext_lazy("Kecamatan")),
    "kelurahan": (gettext_lazy("Per kelurahan"), gettext_lazy("Kelurahan")),
    "agency": (gettext_lazy("Per OPD pembina"), gettext_lazy("OPD pembina")),
    "scale": (gettext_lazy("Per skala usaha"), gettext_lazy("Skala")),
}


def _breakdown(by: str) -> Callable[[Data], Table]:
    def build(data: Data) -> Table:
        title, first = _BREAKDOWN_TITLES[by]
        note = ""
        if by == "agency":
            note = _("UMKM yang dibina dua OPD dihitung di keduanya.")
        if by == "category":
            note = _("Nilai barang saja, tanpa ongkos kirim.")
        columns = [Column("label", str(first)), Column("gmv", _("GMV"), MONEY)]
        if by == "category":  # categories split items, not orders
            columns.append(Column("sellers", _("Penjual"), INT))
            rows = [[r.label, r.gmv, r.sellers] for r in data.breakdown(by)]
            return Table(f"per-{by}", str(title), columns, rows, note)
        columns += [
            Column("orders", _("Pesanan"), INT),
            Column("sellers", _("Penjual"), INT),
            Column("buyers", _("Pembeli"), INT),
            Column("aov", _("Rata-rata pesanan"), MONEY),
            Column("cashless_share", _("Bagian non-tunai"), SHARE),
        ]
        rows = [
            [r.label, r.gmv, r.orders, r.sellers, r.buyers, r.aov, r.cashless_share]
            for r in data.breakdown(by)
        ]
        return Table(f"per-{by}", str(title), columns, rows, note)

    return build


def payment_mix(data: Data) -> Table:
    s = data.summary
    return Table(
        "cara-bayar",
        _("Non-tunai dan COD"),
        [
            Column("kind", _("Cara bayar")),
            Column("gmv", _("GMV"), MONEY),
            Column("share", _("Bagian"), SHARE),
        ],
        [
            [_("Non-tunai"), s.cashless_gmv, s.cashless_share],
            [_("Bayar di tempat (COD)"), s.cod_gmv, s.cod_share],
        ],
    )


def top_sellers(data: Data) -> Table:
    rows = metrics.top_sellers(data.scope, data.period)
    total = data.summary.gmv
    return Table(
        "10-teratas",
        _("10 penjual teratas"),
        [
            Column("rank", _("No."), INT),
            Column("shop", _("Toko")),
            Column("gmv", _("GMV"), MONEY),
            Column("orders", _("Pesanan"), INT),
            Column("share", _("Bagian GMV"), SHARE),
        ],
        [[i, r.label, r.gmv, r.orders, metrics.share(r.gmv, total)] for i, r in enumerate(rows, 1)],
    )


def lorenz(data: Data) -> Table:
    return Table(
        "lorenz",
        _("Kurva Lorenz"),
        [
            Column("sellers", _("Bagian penjual (terkecil dulu)"), SHARE),
            Column("revenue", _("Bagian pendapatan"), SHARE),
        ],
        [[x, y] for x, y in data.summary.lorenz()],
    )


FUNNEL_STAGES = [
    ("recorded", gettext_lazy("Tercatat")),
    ("active", gettext_lazy("Aktif (terverifikasi)")),
    ("marketplace", gettext_lazy("Di marketplace")),
    ("nib", gettext_lazy("Punya NIB")),
    ("halal", gettext_lazy("Sertifikat halal berlaku")),
]


def funnel(data: Data) -> Table:
    counts = data.__dict__.get("_funnel") or metrics.funnel(data.scope)
    data.__dict__["_funnel"] = counts
    return Table(
        "corong",
        _("Corong UMKM (saat ini)"),
        [Column("stage", _("Tahap")), Column("count", _("Jumlah"), INT)],
        [[str(label), counts[key]] for key, label in FUNNEL_STAGES],
    )


def registrations(data: Data) -> Table:
    monthly = data.period.kind != "month"
    points = metrics.register_series(data.scope, data.period)
    return Table(
        "pendaftaran",
        _("Pendaftaran dan verifikasi"),
        [
            Column("step", _("Bulan") if monthly else _("Tanggal"), MONTH if monthly else DAY),
            Column("self", _("Daftar sendiri"), INT),
            Column("assisted", _("Didaftarkan petugas"), INT),
            Column("verified", _("Diverifikasi"), INT),
        ],
        [
            [
                p.label if monthly else p.start.isoformat(),
                p.registered_self,
                p.registered_assisted,
                p.verified,
            ]
            for p in points
        ],
    )


def verification_times(data: Data) -> Table:
    return Table(
        "waktu-verifikasi",
        _("Lama verifikasi per OPD"),
        [
            Column("agency", _("OPD pembina")),
            Column("verified", _("Diverifikasi"), INT),
            Column("median", _("Median"), HOURS),
            Column("mean", _("Rata-rata"), HOURS),
        ],
        [
            [r.label, r.verified, r.median_hours, r.mean_hours]
            for r in metrics.verification_times(data.scope, data.period)
        ],
        _("Dari pengajuan terakhir sampai verifikasi, untuk UMKM yang diverifikasi periode ini."),
    )


def asn_compliance(data: Data) -> Table:
    return Table(
        "kepatuhan-asn",
        _("Kepatuhan ASN per OPD"),
        [
            Column("agency", _("OPD")),
            Column("asn", _("ASN-bulan"), INT),
            Column("compliant", _("Patuh"), INT),
            Column("share", _("Kepatuhan"), SHARE),
            Column("counted", _("Belanja dihitung"), MONEY),
            Column("required", _("Kewajiban"), MONEY),
        ],
        [
            [r.agency, r.asn, r.compliant, r.compliance, r.counted, r.required]
            for r in metrics.asn_compliance(data.scope, data.period)
        ],
    )


def asn_trend(data: Data) -> Table:
    return Table(
        "tren-asn",
        _("Tren program ASN (6 bulan)"),
        [
            Column("month", _("Bulan"), MONTH),
            Column("asn", _("ASN"), INT),
            Column("compliant", _("Patuh"), INT),
            Column("share", _("Kepatuhan"), SHARE),
            Column("counted", _("Belanja dihitung"), MONEY),
        ],
        [
            [r.agency, r.asn, r.compliant, r.compliance, r.counted]
            for _month, r in metrics.asn_trend(data.scope, data.period)
        ],
    )


def operations(data: Data) -> Table:
    table = _compare_of(
        "operasional",
        _("Operasional"),
        data,
        [
            (_("Rata-rata waktu pemenuhan"), "mean_fulfil_hours", HOURS),
            (_("Tingkat pembatalan"), "cancel_rate", SHARE),
            (_("Tingkat penolakan"), "reject_rate", SHARE),
            (_("Pesanan dibatalkan"), "cancelled", INT),
            (_("Pesanan ditolak"), "rejected", INT),
        ],
    )
    payouts = metrics.outstanding_payouts(data.scope)
    now_rows = [
        (_("Tanda integritas terbuka (saat ini)"), metrics.open_flags(data.scope), INT),
        (_("Pencairan tertunda (saat ini)"), payouts["amount"], MONEY),
        (_("Penjual menunggu pencairan (saat ini)"), payouts["sellers"], INT),
    ]
    for label, value, kind in now_rows:
        table.rows.append([label, value, None, None])
        table.kinds.append(kind)
        table.attrs.append("")
    return table


def socialisation(data: Data) -> Table:
    return Table(
        "sosialisasi",
        _("Sosialisasi per kelurahan"),
        [
            Column("area", _("Kelurahan")),
            Column("recorded", _("Tercatat"), INT),
            Column("self", _("Daftar sendiri"), INT),
            Column("assisted", _("Dibantu petugas"), INT),
            Column("marketplace", _("Di marketplace"), INT),
            Column("marketplace_share", _("% di marketplace"), SHARE),
            Column("selling", _("Berjualan periode ini"), INT),
        ],
        [
            [
                r.label,
                r.recorded,
                r.registered_self,
                r.registered_assisted,
                r.on_marketplace,
                r.marketplace_share,
                r.selling,
            ]
            for r in data.socialisation
        ],
        _(
            "Yang paling sedikit bergabung ke marketplace di atas: "
            "di sana sosialisasi paling perlu."
        ),
    )


def _area_rows(data: Data, level: str) -> list[list]:
    """Per kecamatan or kelurahan: sales and the register, ranked by the chosen measure."""
    sales = {r.key: r for r in data.breakdown(level)}
    register: dict[str, list[int]] = {}
    labels: dict[str, str] = {r.key: r.label for r in data.breakdown(level)}
    for area in data.socialisation:
        key = area.code if level == "kelurahan" else area.code.rsplit(".", 1)[0]
        counts = register.setdefault(key, [0, 0])
        counts[0] += area.recorded
        counts[1] += area.on_marketplace
        if level == "kelurahan":
            labels.setdefault(key, area.label)
    rows = []
    for key, label in labels.items():
        sale = sales.get(key)
        recorded, marketplace = register.get(key, [0, 0])
        rows.append(
            [
                label,
                sale.gmv if sale else 0,
                sale.orders if sale else 0,
                sale.sellers if sale else 0,
                recorded,
                marketplace,
                metrics.share(marketplace, recorded),
            ]
        )
    index = {"gmv": 1, "orders": 2, "sellers": 3, "marketplace_share": 6}[data.measure]
    return sorted(rows, key=lambda r: (-(r[index] or 0), r[0]))


def _areas(level: str) -> Callable[[Data], Table]:
    def build(data: Data) -> Table:
        return Table(
            f"wilayah-{level}",
            _("Peringkat kecamatan") if level == "kecamatan" else _("Peringkat kelurahan"),
            [
                Column("area", _("Kecamatan") if level == "kecamatan" else _("Kelurahan")),
                Column("gmv", _("GMV"), MONEY),
                Column("orders", _("Pesanan"), INT),
                Column("sellers", _("Penjual"), INT),
                Column("recorded", _("UMKM tercatat"), INT),
                Column("marketplace", _("Di marketplace"), INT),
                Column("marketplace_share", _("% di marketplace"), SHARE),
            ],
            _area_rows(data, level),
            _("Diurutkan menurut: %(measure)s.") % {"measure": MEASURES[data.measure]},
        )

    return build


# --- the registry: key -> builder; sections -> their tables --------------------------------------
BUILDERS: dict[str, Callable[[Data], Table]] = {
    "kpi": kpis,
    "deret": series,
    "pemerataan": equity,
    "lorenz": lorenz,
    "corong": funnel,
    "pendaftaran": registrations,
    "waktu-verifikasi": verification_times,
    "cara-bayar": payment_mix,
    "per-category": _breakdown("category"),
    "per-kecamatan": _breakdown("kecamatan"),
    "per-kelurahan": _breakdown("kelurahan"),
    "per-agency": _breakdown("agency"),
    "per-scale": _breakdown("scale"),
    "10-teratas": top_sellers,
    "kepatuhan-asn": asn_compliance,
    "tren-asn": asn_trend,
    "operasional": operations,
    "sosialisasi": socialisation,
    "wilayah-kecamatan": _areas("kecamatan"),
    "wilayah-kelurahan": _areas("kelurahan"),
}

SECTIONS: dict[str, tuple[object, list[str]]] = {
    "ringkasan": (gettext_lazy("Ringkasan"), ["kpi", "pemerataan", "deret"]),
    "umkm": (gettext_lazy("UMKM"), ["corong", "pendaftaran", "waktu-verifikasi"]),
    "uang": (
        gettext_lazy("Uang"),
        [
            "deret",
            "cara-bayar",
            "per-category",
            "per-kecamatan",
            "per-kelurahan",
            "per-agency",
            "per-scale",
            "10-teratas",
        ],
    ),
    "pemerataan": (gettext_lazy("Pemerataan"), ["pemerataan", "lorenz"]),
    "asn": (gettext_lazy("ASN"), ["kepatuhan-asn", "tren-asn"]),
    "operasional": (gettext_lazy("Operasional"), ["operasional"]),
    "sosialisasi": (gettext_lazy("Sosialisasi"), ["sosialisasi"]),
    "wilayah": (gettext_lazy("Wilayah"), ["wilayah-kecamatan", "wilayah-kelurahan"]),
}


def build(key: str, data: Data) -> Table:
    return BUILDERS[key](data)
