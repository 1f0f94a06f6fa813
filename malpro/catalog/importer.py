"""Mass upload of a seller's products (like the big marketplaces' "upload massal"): CSV or XLSX
with `sku, nama, deskripsi, kategori, harga, satuan, stok, berat_gram`. Same rules as the UMKM
import: good rows kept, each bad row reported, re-import idempotent, one transaction."""

from __future__ import annotations

from typing import IO

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from malpro.catalog import access
from malpro.catalog.models import Category, Product, ProductChange, ProductStatus, Unit
from malpro.catalog.search.engine import reindex
from malpro.catalog.services import stock_moved
from malpro.catalog.workflow import PRODUCT
from malpro.core import limits, workflow
from malpro.core.exceptions import Conflict, PermissionDenied
from malpro.core.money import parse_rupiah
from malpro.core.tabular import (
    Columns,
    ImportResult,
    RowIssue,
    UnreadableFile,
    match_headers,
    one_transaction,
    open_table,
)
from malpro.umkm.models import Business, Status, name_key

COLUMNS = Columns(
    canonical=["sku", "nama", "deskripsi", "kategori", "harga", "satuan", "stok", "berat_gram"],
    aliases={
        "sku": ["Kode", "Kode Produk", "SKU Produk"],
        "nama": ["Nama Produk", "Produk", "Nama Barang"],
        "deskripsi": ["Deskripsi Produk", "Keterangan"],
        "kategori": ["Kategori Produk"],
        "harga": ["Harga (Rp)", "Harga Jual", "Harga Satuan"],
        "satuan": ["Unit"],
        "stok": ["Stock", "Jumlah Stok", "Qty"],
        "berat_gram": ["Berat", "Berat (gram)", "Berat (g)", "Berat Gram"],
    },
    required={"nama", "kategori", "harga"},
)

# Each column in words, for the upload page (the file keeps the short names above).
COLUMN_LABELS = {
    "sku": gettext_lazy("Kode produk buatan Anda sendiri (boleh kosong)"),
    "nama": gettext_lazy("Nama produk"),
    "deskripsi": gettext_lazy("Deskripsi"),
    "kategori": gettext_lazy("Kategori"),
    "harga": gettext_lazy("Harga (Rp)"),
    "satuan": gettext_lazy("Satuan (buah, pak, kg, botol…)"),
    "stok": gettext_lazy("Stok"),
    "berat_gram": gettext_lazy("Berat (gram)"),
}


def column_guide() -> list[tuple[str, str, bool]]:
    """(column, label, required) for the upload page."""
    return [(c, str(COLUMN_LABELS.get(c, c)), c in COLUMNS.required) for c in COLUMNS.canonical]


UNIT_ALIASES = {
    "pc": "pcs",
    "buah": "pcs",
    "biji": "pcs",
    "bks": "pack",
    "bungkus": "pack",
    "pak": "pack",
    "kotak": "box",
    "dus": "box",
    "btl": "botol",
    "ltr": "liter",
    "l": "liter",
    "gr": "gram",
    "g": "gram",
    "kilo": "kg",
    "porsi": "porsi",
}
FIELDS = ["name", "description", "category_id", "price", "unit", "stock", "weight_grams"]


def _categories() -> dict[str, int]:
    lookup: dict[str, int] = {}
    for pk, slug, name in Category.objects.filter(is_active=True).values_list("pk", "slug", "name"):
        lookup[slug] = pk
        lookup.setdefault(name_key(name), pk)
    return lookup


def _parse(number, record, categories) -> tuple[dict | None, list[RowIssue]]:
    issues: list[RowIssue] = []

    def error(column, message):
        issues.append(RowIssue(number, column, str(message)))

    def get(column):
        return (record.get(column) or "").strip()

    values: dict = {"sku": get("sku")[:60] or None}
    name = " ".join(get("nama").split())
    if not name:
        error("nama", _("Nama produk wajib diisi."))
    elif len(name) > 120:
        error("nama", _("Nama produk terlalu panjang (maksimal 120 karakter)."))
    values["name"] = name
    values["description"] = get("deskripsi")[:5000]
    category = categories.get(get("kategori").lower()) or categories.get(name_key(get("kategori")))
    if category is None:
        error(
            "kategori",
            _("Kategori %(value)s tidak dikenal (pakai slug atau nama kategori).")
            % {"value": get("kategori")},
        )
    values["category_id"] = category
    try:
        values["price"] = parse_rupiah(get("harga"), label=_("Harga"))
    except ValidationError as exc:
        error("harga", " ".join(exc.messages))
    else:
        if values["price"] > limits.MAX_PRICE:
            error("harga", limits.too_large(_("Harga"), limits.MAX_PRICE, money=True))
    unit = get("satuan").lower() or Unit.PCS.value
    unit = UNIT_ALIASES.get(unit, unit)
    if unit not in Unit.values:
        error("satuan", _("Satuan %(value)s tidak dikenal.") % {"value": get("satuan")})
    values["unit"] = unit
    for column, key, label, maximum in (
        ("stok", "stock", _("Stok"), limits.MAX_STOCK),
        ("berat_gram", "weight_grams", _("Berat"), limits.MAX_WEIGHT_GRAMS),
    ):
        raw = get(column) or "0"
        try:
            values[key] = parse_rupiah(raw, label=label)
        except ValidationError:
            error(column, _("%(label)s harus bilangan bulat 0 atau lebih.") % {"label": label})
        else:
            if values[key] > maximum:
                error(column, limits.too_large(label, maximum))
    if issues:
        return None, issues
    values["name_key"] = name_key(name)
    return values, issues


def products_import(
    *,
    source: str | IO[bytes],
    business_id: int,
    actor=None,
    filename: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    business = Business.objects.filter(pk=business_id).first()
    if business is None:
        raise UnreadableFile(_("UMKM dengan id %(id)s tidak ditemukan.") % {"id": business_id})
    if actor is not None and not access.can_add_product(user=actor, business=business):
        raise PermissionDenied(_("Hanya pemilik usaha yang dapat mengunggah produknya."))
    if business.status != Status.ACTIVE:
        raise Conflict(_("Usaha harus aktif di marketplace sebelum menjual produk."))
    table = open_table(source, filename, COLUMNS)
    result = ImportResult()
    try:
        match = match_headers(table.headers, COLUMNS)
        if match.missing:
            raise UnreadableFile(
                _("Kolom wajib tidak ditemukan: %(cols)s. Kolom di berkas: %(found)s.")
                % {"cols": ", ".join(match.missing), "found": ", ".join(table.headers)},
                {"missing": match.missing},
            )
        with one_transaction(dry_run=dry_run):
            _run(table, match, business, actor, result)
    finally:
        table.close()
    return result


def _run(table, match, business, actor, result):
    categories = _categories()
    existing = list(Product.objects.filter(business=business))
    by_sku = {p.sku: p for p in existing if p.sku}
    by_name = {p.name_key: p for p in existing if not p.sku}
    seen: dict[object, int] = {}
    now = timezone.now()
    touched: list[int] = []
    for number, record in table.records(match):
        result.total += 1
        values, issues = _parse(number, record, categories)
        result.issues.extend(issues)
        if values is None:
            result.rejected += 1
            continue
        key = ("sku", values["sku"]) if values["sku"] else ("name", values["name_key"])
        if key in seen:
            result.issues.append(
                RowIssue(
                    number,
                    "sku" if values["sku"] else "nama",
                    _("Baris duplikat: produk yang sama sudah ada di baris %(row)d berkas ini.")
                    % {"row": seen[key]},
                )
            )
            result.rejected += 1
            continue
        seen[key] = number
        product = by_sku.get(values["sku"]) if values["sku"] else by_name.get(values["name_key"])
        if product is None:
            product = Product(
                business=business,
                sku=values["sku"],
                status=ProductStatus.PUBLISHED,
                published_at=now,
                **{f: values[f] for f in FIELDS},
            )
            product.save()
            for name in ("price", "stock"):
                ProductChange.objects.create(
                    product=product,
                    field=name,
                    old_value="",
                    new_value=str(getattr(product, name)),
                    actor=actor,
                    reason=_("unggah massal"),
                )
            workflow.created(
                machine=PRODUCT, obj=product, actor=actor, payload={"business_id": business.pk}
            )
            result.created += 1
            touched.append(product.pk)
            continue
        if product.has_variants:
            values["price"], values["stock"] = product.price, product.stock
        changed = [f for f in FIELDS if getattr(product, f) != values[f]]
        if not changed:
            result.unchanged += 1
            continue
        for name in ("price", "stock"):
            if name in changed:
                ProductChange.objects.create(
                    product=product,
                    field=name,
                    old_value=str(getattr(product, name)),
                    new_value=str(values[name]),
                    actor=actor,
                    reason=_("unggah massal"),
                )
        old_stock = product.stock
        for f in changed:
            setattr(product, f, values[f])
        product.save(update_fields=changed)
        stock_moved(product=product, old=old_stock, actor=actor, reason=_("unggah massal"))
        result.updated += 1
        touched.append(product.pk)
    reindex(touched)
