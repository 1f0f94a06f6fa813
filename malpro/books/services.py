"""Every write to a business's books: plain functions with keyword arguments, one transaction
each, raising ApplicationError (field-level where it applies) on bad input.

Entries made on a phone carry the phone's id for them (`client_id`, a UUID made before the
first attempt): sending the same entry again, after a lost answer or from the offline queue,
returns the entry already made and writes nothing. The automatic entries (a completed
marketplace order, its refund, a confirmed ASN in-store purchase) carry the key of what they
mirror (`source_key`, unique), so an event delivered twice finds its entry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.accounts.models import Agency, User
from malpro.books import access
from malpro.books.models import (
    CATEGORIES_BY_DIRECTION,
    EDITABLE,
    Assistance,
    Book,
    Category,
    Contact,
    Debt,
    DebtPayment,
    Direction,
    Entry,
    EntryItem,
    Method,
    Reminder,
    Revision,
    Share,
    Source,
    StockItem,
    StockMove,
)
from malpro.catalog.models import Product
from malpro.catalog.services import stock_changed
from malpro.core import audit, limits
from malpro.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from malpro.core.money import format_rupiah
from malpro.core.validators import clean_phone
from malpro.core.views import int_param
from malpro.umkm.models import Business, Guidance

MAX_ITEMS = 30  # lines of one entry
MAX_NOTE = 200
OLDEST = dt.date(2000, 1, 1)
RECEIPT_MAX_BYTES = 8 * 1024 * 1024


# --- inputs --------------------------------------------------------------------------------------
@dataclass
class Line:
    """A thing an entry sold or bought: a stock item of the book (`item_id`) or just a name."""

    name: str = ""
    quantity: int = 1
    total: int = 0
    item_id: int | None = None


@dataclass
class EntryInput:
    direction: str
    category: str
    amount: int
    occurred_on: dt.date
    method: str = Method.CASH
    note: str = ""
    # None when changing an entry: its lines (and their stock moves) stay as they are.
    items: list[Line] | None = field(default_factory=list)
    client_id: uuid.UUID | None = None


def _pk(value) -> int:
    """An id as typed or sent (a form, a URL, JSON), or 0 (matches nothing) when it is not
    one: ASCII digits within the range of a primary key."""
    found = int_param(value)
    return found if found is not None and 0 < found <= limits.MAX_ID else 0


def first_lower(label) -> str:
    """A label inside a sentence: "Belanja langsung ASN" -> "belanja langsung ASN"."""
    text = str(label)
    return text[:1].lower() + text[1:]


def today() -> dt.date:
    return timezone.localdate()


def _uuid(value, field_name: str = "client_id") -> uuid.UUID | None:
    if value in (None, ""):
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ApplicationError.for_field(
            field_name, _("Kode catatan dari aplikasi tidak valid.")
        ) from None


def _check_amount(amount, field_name: str = "amount", label: str | None = None) -> int:
    label = label or _("Jumlah")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ApplicationError.for_field(
            field_name, _("%(label)s harus angka rupiah bulat.") % {"label": label}
        )
    if amount <= 0:
        raise ApplicationError.for_field(
            field_name, _("%(label)s harus lebih dari Rp0.") % {"label": label}
        )
    if amount > limits.MAX_AMOUNT:
        raise ApplicationError.for_field(
            field_name, limits.too_large(label, limits.MAX_AMOUNT, money=True)
        )
    return amount


def _check_date(value, field_name: str = "occurred_on", *, future_days: int = 1) -> dt.date:
    if not isinstance(value, dt.date):
        raise ApplicationError.for_field(field_name, _("Tanggal wajib diisi."))
    if value < OLDEST:
        raise ApplicationError.for_field(field_name, _("Tanggal terlalu lama."))
    if value > today() + dt.timedelta(days=future_days):
        raise ApplicationError.for_field(field_name, _("Tanggal tidak boleh di masa depan."))
    return value


def _check_note(note: str, field_name: str = "note") -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ApplicationError.for_field(
            field_name, _("Catatan paling panjang %(n)d huruf.") % {"n": MAX_NOTE}
        )
    return note


def _clean_entry(book: Book, data: EntryInput) -> dict:
    errors: dict[str, str] = {}
    if data.direction not in Direction.values:
        errors["direction"] = _("Pilih pemasukan atau pengeluaran.")
    elif data.category not in CATEGORIES_BY_DIRECTION[Direction(data.direction)]:
        errors["category"] = _("Pilih kategori %(kind)s.") % {
            "kind": Direction(data.direction).label.lower()
        }
    if data.method not in Method.values:
        errors["method"] = _("Pilih cara bayar: tunai, QRIS atau transfer.")
    for name, check in (
        ("amount", lambda: _check_amount(data.amount)),
        ("occurred_on", lambda: _check_date(data.occurred_on)),
        ("note", lambda: _check_note(data.note)),
    ):
        try:
            check()
        except ApplicationError as exc:
            errors[name] = exc.extra["fields"][name]
    if len(data.items) > MAX_ITEMS:
        errors["items"] = _("Paling banyak %(n)d barang per catatan.") % {"n": MAX_ITEMS}
    lines = []
    if "items" not in errors:
        items = {
            i.pk: i for i in book.items.filter(pk__in=[x.item_id for x in data.items if x.item_id])
        }
        for n, line in enumerate(data.items):
            key = f"items.{n}"
            item = items.get(line.item_id) if line.item_id else None
            if line.item_id and item is None:
                errors[key] = _("Barang tidak ada di stok usaha ini.")
                continue
            name = (line.name or (item.name if item else "")).strip()[:120]
            if not name:
                errors[key] = _("Nama barang wajib diisi.")
                continue
            qty = line.quantity
            if (
                isinstance(qty, bool)
                or not isinstance(qty, int)
                or not 1 <= qty <= limits.MAX_STOCK
            ):
                errors[key] = _("Jumlah barang harus 1 sampai %(max)s.") % {
                    "max": f"{limits.MAX_STOCK:,}".replace(",", ".")
                }
                continue
            total = line.total
            if isinstance(total, bool) or not isinstance(total, int) or total < 0:
                errors[key] = _("Harga barang harus angka rupiah 0 atau lebih.")
                continue
            lines.append((item, name, qty, total))
        if lines and "amount" not in errors and sum(t for *_x, t in lines) > data.amount:
            errors["items"] = _("Jumlah harga barang melebihi jumlah catatan.")
    if errors:
        first = next(iter(errors.values()))
        raise ApplicationError(first, {"fields": errors})
    return {
        "direction": data.direction,
        "category": data.category,
        "amount": data.amount,
        "occurred_on": data.occurred_on,
        "method": data.method,
        "note": _check_note(data.note),
        "lines": lines,
    }


def _check_receipt(receipt):
    if receipt is None:
        return None
    if receipt.size > RECEIPT_MAX_BYTES:
        raise ApplicationError.for_field("receipt", _("Foto nota terlalu besar (maks. 8 MB)."))
    from malpro.catalog.images import prepare

    try:
        image, _thumb = prepare(receipt)  # a real picture, resized for phones
    except ApplicationError as exc:  # it speaks of a product's "photo"
        raise ApplicationError.for_field("receipt", exc.message) from None
    return image


# --- the book ------------------------------------------------------------------------------------
def book_open(*, business_id: int, actor=None) -> Book:
    """The business's book, opened on first use (by a keeper, or by the consumer when the
    first order completes). Access is the caller's business."""
    book = Book.objects.filter(business_id=business_id).first()
    if book is not None:
        return book
    try:
        with transaction.atomic():
            return Book.objects.create(business_id=business_id, opened_by=actor)
    except IntegrityError:  # opened at the same moment by another request
        return Book.objects.get(business_id=business_id)


def book_for_keeper(*, actor, business_id) -> Book:
    """The book of a business `actor` keeps, opened on first use (404/403 otherwise)."""
    business, _parties = access.book_get_for_keeper(user=actor, business_id=business_id)
    return book_open(business_id=business.pk, actor=actor)


def _locked_book(actor, business_id) -> Book:
    book = book_for_keeper(actor=actor, business_id=business_id)
    return Book.objects.select_for_update().select_related("business").get(pk=book.pk)


# --- stock ---------------------------------------------------------------------------------------
def stock_of(item: StockItem) -> int:
    if item.product_id:
        return (
            Product.objects.filter(pk=item.product_id).values_list("stock", flat=True).first() or 0
        )
    return StockItem.objects.filter(pk=item.pk).values_list("quantity", flat=True).first() or 0


def _move_stock(*, item: StockItem, delta: int, reason: str, actor, entry=None, debt=None, note=""):
    """Changes an item's count by `delta` in one conditional UPDATE (never below zero): the
    linked product's stock when linked (the marketplace sells from the same count), else the
    item's own. Raises a field error naming what is left."""
    if item.product_id and Product.objects.filter(pk=item.product_id, has_variants=True).exists():
        raise ApplicationError.for_field(
            "items",
            _(
                "Produk marketplace %(name)s kini memakai varian: lepaskan hubungannya di "
                "halaman stok, lalu catat lagi."
            )
            % {"name": item.name},
        )
    model, pk, column = (
        (Product, item.product_id, "stock")
        if item.product_id
        else (
            StockItem,
            item.pk,
            "quantity",
        )
    )
    rows = model.objects.filter(pk=pk)
    if delta < 0:
        rows = rows.filter(**{f"{column}__gte": -delta})
    if delta > 0:
        rows = rows.filter(**{f"{column}__lte": limits.MAX_STOCK - delta})
    if not rows.update(**{column: F(column) + delta}):
        left = stock_of(item)
        if delta < 0:
            raise ApplicationError.for_field(
                "items",
                _("Stok %(name)s tidak cukup: tersisa %(left)d, dicatat %(want)d.")
                % {"name": item.name, "left": left, "want": -delta},
            )
        raise ApplicationError.for_field(
            "items", limits.too_large(_("Stok %(name)s") % {"name": item.name}, limits.MAX_STOCK)
        )
    after = stock_of(item)
    if item.product_id and (after == 0 or after == delta):
        stock_changed([item.product_id])  # sold out, or on sale again: the search index knows
    StockMove.objects.create(
        item=item,
        delta=delta,
        quantity_after=after,
        reason=reason,
        entry=entry,
        debt=debt,
        note=note[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    return after


def _apply_lines(entry: Entry, lines, *, actor, reason_in: str, reason_out: str, debt=None):
    """Writes an entry's (or a debt's) lines and moves the stock of the book's items: a sale
    takes, a purchase adds."""
    rows = []
    for item, name, qty, total in lines:
        rows.append(EntryItem(entry=entry, item=item, name=name, quantity=qty, total=total))
        if item is not None:
            selling = (entry.direction == Direction.IN) if entry else True
            delta = -qty if selling else qty
            _move_stock(
                item=item,
                delta=delta,
                reason=reason_out if selling else reason_in,
                actor=actor,
                entry=entry,
                debt=debt,
            )
    EntryItem.objects.bulk_create(rows)


def _undo_stock(entry: Entry, *, actor) -> None:
    """Gives back what the entry's lines moved: the net of its moves per item (earlier
    edits' moves and their undoing included, so undoing twice never moves twice)."""
    net = entry.stock_moves.values("item").annotate(net=Sum("delta")).order_by("item")
    items = {i.pk: i for i in StockItem.objects.filter(pk__in=[row["item"] for row in net])}
    for row in net:
        if row["net"]:
            _move_stock(
                item=items[row["item"]],
                delta=-row["net"],
                reason=StockMove.Reason.UNDO,
                actor=actor,
                entry=entry,
            )


@transaction.atomic
def item_create(
    *,
    actor,
    business_id,
    name: str,
    unit: str = "pcs",
    quantity: int = 0,
    buy_price: int = 0,
    sell_price: int = 0,
    product_id: int | None = None,
) -> StockItem:
    book = _locked_book(actor, business_id)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Nama barang wajib diisi.")
    elif len(name) > 120:
        errors["name"] = _("Nama barang paling panjang 120 huruf.")
    elif book.items.filter(name__iexact=name, archived=False).exists():
        errors["name"] = _("Barang dengan nama ini sudah ada di stok.")
    unit = (unit or "pcs").strip()[:20] or "pcs"
    for key, value, label, maximum in (
        ("quantity", quantity, _("Jumlah stok"), limits.MAX_STOCK),
        ("buy_price", buy_price, _("Harga beli"), limits.MAX_PRICE),
        ("sell_price", sell_price, _("Harga jual"), limits.MAX_PRICE),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[key] = _("%(label)s harus angka 0 atau lebih.") % {"label": label}
        elif value > maximum:
            errors[key] = limits.too_large(label, maximum, money=key != "quantity")
    if errors:
        raise ApplicationError(next(iter(errors.values())), {"fields": errors})
    item = StockItem.objects.create(
        book=book, name=name, unit=unit, quantity=0, buy_price=buy_price, sell_price=sell_price
    )
    if product_id:
        _link(item, book, product_id, keep="product", actor=actor)
    elif quantity:
        _move_stock(
            item=item,
            delta=quantity,
            reason=StockMove.Reason.ADJUST,
            actor=actor,
            note=_("stok awal"),
        )
    return item


def _item(book: Book, item_id) -> StockItem:
    item = book.items.filter(pk=_pk(item_id)).first()
    if item is None:
        raise NotFound(_("Barang tidak ditemukan."))
    return item


@transaction.atomic
def item_update(
    *,
    actor,
    business_id,
    item_id,
    name=None,
    unit=None,
    buy_price=None,
    sell_price=None,
    archived=None,
) -> StockItem:
    book = _locked_book(actor, business_id)
    item = _item(book, item_id)
    fields = []
    if name is not None:
        name = name.strip()
        if not name or len(name) > 120:
            raise ApplicationError.for_field(
                "name", _("Nama barang wajib diisi (maks. 120 huruf).")
            )
        if book.items.filter(name__iexact=name, archived=False).exclude(pk=item.pk).exists():
            raise ApplicationError.for_field("name", _("Barang dengan nama ini sudah ada di stok."))
        item.name = name
        fields.append("name")
    if unit is not None:
        item.unit = unit.strip()[:20] or "pcs"
        fields.append("unit")
    for key, value in (("buy_price", buy_price), ("sell_price", sell_price)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ApplicationError.for_field(key, _("Harga harus angka rupiah 0 atau lebih."))
        if value > limits.MAX_PRICE:
            raise ApplicationError.for_field(
                key, limits.too_large(_("Harga"), limits.MAX_PRICE, money=True)
            )
        setattr(item, key, value)
        fields.append(key)
    if archived is not None:
        item.archived = bool(archived)
        fields.append("archived")
    if fields:
        item.save(update_fields=fields)
    return item


@transaction.atomic
def stock_adjust(*, actor, business_id, item_id, counted: int, note: str = "") -> StockItem:
    """The shop counted the shelf: the item's stock becomes `counted` (the difference is one
    move, "penyesuaian")."""
    book = _locked_book(actor, business_id)
    item = _item(book, item_id)
    if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
        raise ApplicationError.for_field("counted", _("Jumlah stok harus angka 0 atau lebih."))
    if counted > limits.MAX_STOCK:
        raise ApplicationError.for_field(
            "counted", limits.too_large(_("Jumlah stok"), limits.MAX_STOCK)
        )
    if item.product_id:  # a checkout may take units meanwhile: count against the locked row
        Product.objects.select_for_update().filter(pk=item.product_id).first()
    current = stock_of(item)
    if counted != current:
        _move_stock(
            item=item,
            delta=counted - current,
            reason=StockMove.Reason.ADJUST,
            actor=actor,
            note=_check_note(note),
        )
    return item


def _link(item: StockItem, book: Book, product_id, *, keep: str, actor) -> None:
    product = (
        Product.objects.select_for_update()
        .filter(pk=_pk(product_id), business_id=book.business_id)
        .first()
    )
    if product is None:
        raise ApplicationError.for_field("product_id", _("Produk tidak ditemukan di toko ini."))
    if product.has_variants:
        raise ApplicationError.for_field(
            "product_id",
            _("Produk bervarian belum bisa dihubungkan: stoknya dicatat per varian."),
        )
    other = StockItem.objects.filter(product=product).exclude(pk=item.pk).first()
    if other is not None:
        raise ApplicationError.for_field(
            "product_id",
            _("Produk ini sudah terhubung dengan barang %(name)s.") % {"name": other.name},
        )
    if keep not in ("product", "book"):
        raise ApplicationError.for_field("keep", _("Pilih stok yang dipakai."))
    own = item.quantity
    item.product = product
    item.quantity = 0  # from now on the product's stock is the count
    item.save(update_fields=["product", "quantity"])
    if keep == "book" and own != product.stock:
        _move_stock(
            item=item,
            delta=own - product.stock,
            reason=StockMove.Reason.ADJUST,
            actor=actor,
            note=_("stok buku dipakai saat dihubungkan"),
        )


@transaction.atomic
def item_link(*, actor, business_id, item_id, product_id, keep: str = "product") -> StockItem:
    """Links a book item to one of the shop's marketplace products so that stock is one
    number. `keep`: whose count stays ("product": the marketplace's, "book": the book's)."""
    book = _locked_book(actor, business_id)
    item = _item(book, item_id)
    if item.product_id:
        raise Conflict(_("Barang ini sudah terhubung dengan produk marketplace."))
    _link(item, book, product_id, keep=keep, actor=actor)
    return item


@transaction.atomic
def item_unlink(*, actor, business_id, item_id) -> StockItem:
    """Ends the link: the item keeps the product's count as its own from now on."""
    book = _locked_book(actor, business_id)
    item = _item(book, item_id)
    if item.product_id:
        item.quantity = stock_of(item)
        item.product = None
        item.save(update_fields=["product", "quantity"])
    return item


# --- cash book -----------------------------------------------------------------------------------
def _snapshot(entry: Entry) -> dict:
    return {
        "direction": entry.direction,
        "category": entry.category,
        "amount": entry.amount,
        "occurred_on": entry.occurred_on.isoformat(),
        "method": entry.method,
        "note": entry.note,
        "receipt": bool(entry.receipt),
        "items": [
            {"name": i.name, "quantity": i.quantity, "total": i.total, "item_id": i.item_id}
            for i in entry.items.all()
        ],
    }


def _same_request(entry: Entry, values: dict) -> bool:
    return (
        entry.direction == values["direction"]
        and entry.category == values["category"]
        and entry.amount == values["amount"]
        and entry.occurred_on == values["occurred_on"]
    )


def entry_create(*, actor, business_id, data: EntryInput, receipt=None) -> tuple[Entry, bool]:
    """Writes one cash-book entry; returns (entry, created). The same `client_id` again
    returns the entry it made (created False); with other values it is refused (409)."""
    client_id = _uuid(data.client_id)
    try:
        with transaction.atomic():
            book = _locked_book(actor, business_id)
            if client_id is not None:
                existing = book.entries.filter(client_id=client_id).first()
                if existing is not None:
                    return _replayed(existing, book, data), False
            values = _clean_entry(book, data)
            image = _check_receipt(receipt)
            lines = values.pop("lines")
            entry = Entry(book=book, client_id=client_id, created_by=actor, **values)
            if image is not None:
                entry.receipt.save(image.name, image, save=False)
            entry.save()
            _apply_lines(
                entry,
                lines,
                actor=actor,
                reason_in=StockMove.Reason.PURCHASE,
                reason_out=StockMove.Reason.SALE,
            )
            return entry, True
    except IntegrityError:
        # The same phone's entry arrived twice at once: the other request made it.
        existing = Entry.objects.filter(book__business_id=business_id, client_id=client_id).first()
        if client_id is None or existing is None:
            raise
        return _replayed(existing, existing.book, data), False


def _replayed(existing: Entry, book: Book, data: EntryInput) -> Entry:
    values = {
        "direction": data.direction,
        "category": data.category,
        "amount": data.amount,
        "occurred_on": data.occurred_on,
    }
    if existing.source != Source.MANUAL or not _same_request(existing, values):
        raise Conflict(
            _("Kode catatan ini sudah dipakai untuk catatan lain."),
            {"code": "client_id_reused", "entry_id": existing.pk},
        )
    return existing


def entry_get(book: Book, entry_id, *, lock: bool = False) -> Entry:
    rows = book.entries.all()
    if lock:
        rows = rows.select_for_update()
    entry = rows.filter(pk=_pk(entry_id)).first()
    if entry is None:
        raise NotFound(_("Catatan tidak ditemukan."))
    return entry


def _editable(entry: Entry) -> None:
    if entry.source not in EDITABLE:
        if entry.source == Source.DEBT_PAYMENT:
            raise Conflict(_("Catatan ini pembayaran utang/kasbon: ubah dari halaman kasbon."))
        raise Conflict(
            _("Catatan ini dibuat otomatis dari %(source)s dan tidak dapat diubah.")
            % {"source": first_lower(entry.get_source_display())}
        )


def _remember(entry: Entry, action: str, actor) -> None:
    Revision.objects.create(
        entry=entry,
        revision=entry.revision,
        action=action,
        before=_snapshot(entry),
        changed_by=actor,
    )


@transaction.atomic
def entry_update(
    *,
    actor,
    business_id,
    entry_id,
    data: EntryInput,
    receipt=None,
    remove_receipt=False,
    revision: int | None = None,
) -> Entry:
    """Changes an entry, keeping what it was (a Revision). `revision`: the one the person
    edited; an entry changed meanwhile (on another phone) is refused (409) rather than
    overwritten."""
    book = _locked_book(actor, business_id)
    entry = entry_get(book, entry_id, lock=True)
    _editable(entry)
    if entry.deleted_at is not None:
        raise Conflict(_("Catatan ini sudah dihapus."))
    if revision is not None and revision != entry.revision:
        raise Conflict(
            _("Catatan ini baru saja diubah di perangkat lain. Muat ulang lalu ubah lagi."),
            {"code": "stale", "revision": entry.revision},
        )
    keep_lines = data.items is None
    if keep_lines:
        data = dataclasses.replace(data, items=[])
    values = _clean_entry(book, data)
    kept_total = sum(entry.items.values_list("total", flat=True)) if keep_lines else 0
    if kept_total > values["amount"]:
        raise ApplicationError.for_field(
            "amount",
            _("Jumlah tidak boleh kurang dari harga barangnya (%(total)s).")
            % {"total": format_rupiah(kept_total)},
        )
    image = _check_receipt(receipt)
    _remember(entry, Revision.Action.EDITED, actor)
    lines = values.pop("lines")
    if not keep_lines:
        _undo_stock(entry, actor=actor)
        entry.items.all().delete()
    for key, value in values.items():
        setattr(entry, key, value)
    if image is not None:
        entry.receipt.save(image.name, image, save=False)
    elif remove_receipt:
        entry.receipt = ""
    entry.revision += 1
    entry.updated_at = timezone.now()
    entry.save()
    if keep_lines:
        return entry
    _apply_lines(
        entry,
        lines,
        actor=actor,
        reason_in=StockMove.Reason.PURCHASE,
        reason_out=StockMove.Reason.SALE,
    )
    return entry


@transaction.atomic
def entry_delete(*, actor, business_id, entry_id) -> Entry:
    """Deletes an entry from the figures; the row and its history stay (it can be restored),
    and its stock moves are undone."""
    book = _locked_book(actor, business_id)
    entry = entry_get(book, entry_id, lock=True)
    _editable(entry)
    if entry.deleted_at is not None:
        return entry
    _remember(entry, Revision.Action.DELETED, actor)
    _undo_stock(entry, actor=actor)
    entry.deleted_at = timezone.now()
    entry.revision += 1
    entry.save(update_fields=["deleted_at", "revision"])
    return entry


@transaction.atomic
def entry_restore(*, actor, business_id, entry_id) -> Entry:
    book = _locked_book(actor, business_id)
    entry = entry_get(book, entry_id, lock=True)
    _editable(entry)
    if entry.deleted_at is None:
        return entry
    _remember(entry, Revision.Action.RESTORED, actor)
    entry.deleted_at = None
    entry.revision += 1
    entry.save(update_fields=["deleted_at", "revision"])
    lines = [(i.item, i.name, i.quantity, i.total) for i in entry.items.select_related("item")]
    entry.items.all().delete()
    _apply_lines(
        entry,
        lines,
        actor=actor,
        reason_in=StockMove.Reason.PURCHASE,
        reason_out=StockMove.Reason.SALE,
    )
    return entry


# --- customers, suppliers and their debts --------------------------------------------------------
def _clean_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if not phone:
        return ""
    try:
        return clean_phone(phone)
    except DjangoValidationError as exc:
        raise ApplicationError.for_field("phone", exc.messages[0]) from None


@transaction.atomic
def contact_create(
    *, actor, business_id, kind: str, name: str, phone: str = "", note: str = ""
) -> Contact:
    book = _locked_book(actor, business_id)
    if kind not in Contact.Kind.values:
        raise ApplicationError.for_field("kind", _("Pilih pelanggan atau pemasok."))
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ApplicationError.for_field("name", _("Nama wajib diisi (maks. 120 huruf)."))
    return Contact.objects.create(
        book=book, kind=kind, name=name, phone=_clean_phone(phone), note=_check_note(note)
    )


@transaction.atomic
def contact_update(*, actor, business_id, contact_id, name=None, phone=None, note=None) -> Contact:
    book = _locked_book(actor, business_id)
    contact = contact_get(book, contact_id)
    fields = []
    if name is not None:
        name = name.strip()
        if not name or len(name) > 120:
            raise ApplicationError.for_field("name", _("Nama wajib diisi (maks. 120 huruf)."))
        contact.name = name
        fields.append("name")
    if phone is not None:
        contact.phone = _clean_phone(phone)
        fields.append("phone")
    if note is not None:
        contact.note = _check_note(note)
        fields.append("note")
    if fields:
        contact.save(update_fields=fields)
    return contact


def contact_get(book: Book, contact_id) -> Contact:
    contact = book.contacts.filter(pk=_pk(contact_id)).first()
    if contact is None:
        raise NotFound(_("Pelanggan/pemasok tidak ditemukan."))
    return contact


def debt_create(
    *,
    actor,
    business_id,
    contact_id,
    amount: int,
    occurred_on: dt.date,
    due_on: dt.date | None = None,
    note: str = "",
    items: list[Line] | None = None,
    client_id=None,
) -> tuple[Debt, bool]:
    """A sale on credit to a customer (kasbon) or stock taken on credit from a supplier; the
    kind follows the contact. Its items leave (or join) the stock now. Returns (debt,
    created); the same `client_id` again returns the debt it made."""
    client_id = _uuid(client_id)
    with transaction.atomic():
        book = _locked_book(actor, business_id)
        if client_id is not None:
            existing = book.debts.filter(client_id=client_id).first()
            if existing is not None:
                if existing.amount != amount or existing.contact_id != _pk(contact_id):
                    raise Conflict(
                        _("Kode catatan ini sudah dipakai untuk catatan lain."),
                        {"code": "client_id_reused"},
                    )
                return existing, False
        contact = contact_get(book, contact_id)
        errors = {}
        for key, check in (
            ("amount", lambda: _check_amount(amount)),
            ("occurred_on", lambda: _check_date(occurred_on)),
            ("note", lambda: _check_note(note)),
        ):
            try:
                check()
            except ApplicationError as exc:
                errors[key] = exc.extra["fields"][key]
        if due_on is not None and isinstance(occurred_on, dt.date) and due_on < occurred_on:
            errors["due_on"] = _("Jatuh tempo tidak boleh sebelum tanggal kasbon.")
        if errors:
            raise ApplicationError(next(iter(errors.values())), {"fields": errors})
        receivable = contact.kind == Contact.Kind.CUSTOMER
        debt = Debt.objects.create(
            book=book,
            contact=contact,
            kind=Debt.Kind.RECEIVABLE if receivable else Debt.Kind.PAYABLE,
            amount=amount,
            occurred_on=occurred_on,
            due_on=due_on,
            note=_check_note(note),
            client_id=client_id,
            created_by=actor,
        )
        if items:
            cleaned = _clean_entry(
                book,
                EntryInput(
                    direction=Direction.IN if receivable else Direction.OUT,
                    category=Category.SALES if receivable else Category.STOCK,
                    amount=amount,
                    occurred_on=occurred_on,
                    items=items,
                ),
            )["lines"]
            for item, _name, qty, _total in cleaned:
                if item is not None:
                    _move_stock(
                        item=item,
                        delta=-qty if receivable else qty,
                        reason=StockMove.Reason.CREDIT_SALE
                        if receivable
                        else StockMove.Reason.CREDIT_PURCHASE,
                        actor=actor,
                        debt=debt,
                    )
        return debt, True


def contact_pay(
    *,
    actor,
    business_id,
    contact_id,
    amount: int,
    paid_on: dt.date,
    method: str = Method.CASH,
    client_id=None,
) -> tuple[Entry, bool]:
    """A customer pays off kasbon (or the shop pays a supplier): the money is one cash-book
    entry, spread over the contact's open debts oldest first. More than the balance is
    refused, saying the balance."""
    client_id = _uuid(client_id)
    with transaction.atomic():
        book = _locked_book(actor, business_id)
        contact = contact_get(book, contact_id)
        if client_id is not None:
            existing = book.entries.filter(client_id=client_id).first()
            if existing is not None:
                same = (
                    existing.source == Source.DEBT_PAYMENT
                    and existing.amount == amount
                    and existing.debt_payments.filter(debt__contact=contact).exists()
                )
                if not same:
                    raise Conflict(
                        _("Kode catatan ini sudah dipakai untuk catatan lain."),
                        {"code": "client_id_reused"},
                    )
                return existing, False
        _check_amount(amount)
        _check_date(paid_on, "paid_on")
        if method not in Method.values:
            raise ApplicationError.for_field(
                "method", _("Pilih cara bayar: tunai, QRIS atau transfer.")
            )
        debts = list(
            contact.debts.select_for_update()
            .filter(paid__lt=F("amount"))
            .order_by("occurred_on", "id")
        )
        balance = sum(d.balance for d in debts)
        if debts and paid_on < debts[0].occurred_on:
            raise ApplicationError.for_field(
                "paid_on",
                _("Tanggal bayar tidak boleh sebelum tanggal utang tertua (%(date)s).")
                % {"date": debts[0].occurred_on.strftime("%d/%m/%Y")},
            )
        if amount > balance:
            raise ApplicationError.for_field(
                "amount",
                _("Lebih besar dari sisa utang (%(balance)s).")
                % {"balance": format_rupiah(balance)},
            )
        receivable = contact.kind == Contact.Kind.CUSTOMER
        entry = Entry.objects.create(
            book=book,
            direction=Direction.IN if receivable else Direction.OUT,
            category=Category.SALES if receivable else Category.STOCK,
            amount=amount,
            occurred_on=paid_on,
            method=method,
            note=(_("Bayar kasbon: %(name)s") if receivable else _("Bayar utang ke %(name)s"))
            % {"name": contact.name},
            source=Source.DEBT_PAYMENT,
            client_id=client_id,
            created_by=actor,
        )
        left = amount
        for debt in debts:
            if not left:
                break
            part = min(left, debt.balance)
            DebtPayment.objects.create(
                debt=debt, amount=part, paid_on=paid_on, entry=entry, created_by=actor
            )
            Debt.objects.filter(pk=debt.pk).update(paid=F("paid") + part)
            left -= part
        return entry, True


@transaction.atomic
def payment_undo(*, actor, business_id, entry_id) -> None:
    """Undoes a debt payment entered by mistake: its debts owe the amount again, and the
    cash entry is deleted (kept in the history)."""
    book = _locked_book(actor, business_id)
    entry = entry_get(book, entry_id, lock=True)
    if entry.source != Source.DEBT_PAYMENT or entry.deleted_at is not None:
        raise Conflict(_("Catatan ini bukan pembayaran utang yang aktif."))
    for payment in entry.debt_payments.select_related("debt"):
        Debt.objects.filter(pk=payment.debt_id).update(paid=F("paid") - payment.amount)
    _remember(entry, Revision.Action.DELETED, actor)
    entry.debt_payments.all().delete()
    entry.deleted_at = timezone.now()
    entry.revision += 1
    entry.save(update_fields=["deleted_at", "revision"])


def contact_balance(contact: Contact) -> int:
    return contact.debts.aggregate(left=Sum(F("amount") - F("paid")))["left"] or 0


def reminder_text(*, business: Business, contact: Contact, amount: int, due_on=None) -> str:
    text = _("Halo %(name)s, ini pengingat dari %(shop)s: sisa kasbon Anda %(amount)s.") % {
        "name": contact.name,
        "shop": business.name,
        "amount": format_rupiah(amount),
    }
    if due_on:
        text += " " + _("Jatuh tempo %(date)s.") % {"date": due_on.strftime("%d/%m/%Y")}
    return text + " " + _("Terima kasih.")


@transaction.atomic
def debt_remind(*, actor, business_id, contact_id) -> tuple[Reminder, str, bool]:
    """The shop reminds a customer of their kasbon with the amount owed. Returns (reminder,
    a WhatsApp link with the text for the shop's own WhatsApp, whether it also went through
    Malpro's channels). A customer who has a Malpro account under that phone (verified) is
    told through their own channels (WhatsApp, with the bell); anyone else only through the
    shop's WhatsApp: the city does not message people who never signed up."""
    from malpro.notifications.services import send

    book = _locked_book(actor, business_id)
    contact = contact_get(book, contact_id)
    if contact.kind != Contact.Kind.CUSTOMER:
        raise Conflict(_("Pengingat hanya untuk kasbon pelanggan."))
    amount = contact_balance(contact)
    if amount <= 0:
        raise Conflict(_("%(name)s tidak punya sisa kasbon.") % {"name": contact.name})
    if not contact.phone:
        raise ApplicationError.for_field(
            "phone",
            _("Isi nomor HP %(name)s dulu untuk mengirim pengingat.") % {"name": contact.name},
        )
    due = (
        contact.debts.filter(paid__lt=F("amount"), due_on__isnull=False)
        .order_by("due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    text = reminder_text(business=book.business, contact=contact, amount=amount, due_on=due)
    digits = contact.phone.lstrip("+")
    link = f"https://wa.me/{digits}?text={quote(text)}"
    member = User.objects.filter(phone=contact.phone, phone_verified_at__isnull=False).first()
    reminder = Reminder.objects.create(
        contact=contact, amount=amount, channel="malpro" if member else "wa_link", sent_by=actor
    )
    if member is not None:
        transaction.on_commit(
            lambda: send(
                user=member,
                kind="books.debt_reminder",
                context={
                    "shop": book.business.name,
                    "amount": format_rupiah(amount),
                    "due": due.strftime("%d/%m/%Y") if due else "-",
                },
                key=f"books-reminder:{reminder.pk}",
            ),
            robust=True,
        )
    return reminder, link, member is not None


# --- sharing and assistance ----------------------------------------------------------------------
def share_consent_text(*, business: Business, agency: Agency) -> str:
    return _(
        "Saya mengizinkan %(agency)s melihat ringkasan buku usaha %(shop)s (pemasukan, "
        "pengeluaran, laba, piutang dan utang per periode) untuk pembinaan, pelatihan dan "
        "akses permodalan. Catatan rinci, nama pelanggan dan stok tidak dibagikan. Izin ini "
        "dapat saya cabut kapan saja."
    ) % {"agency": agency.name, "shop": business.name}


@transaction.atomic
def share_grant(*, actor, business_id, agency_id, agreed: bool, note: str = "") -> Share:
    """The owner (or the assisting operator, recording the owner's consent) shares the book's
    summaries with one of the business's guiding agencies."""
    book = _locked_book(actor, business_id)
    if not agreed:
        raise ApplicationError.for_field(
            "agreed", _("Centang persetujuan untuk membagikan ringkasan.")
        )
    agency = Agency.objects.filter(pk=_pk(agency_id)).first()
    if (
        agency is None
        or not Guidance.objects.filter(business_id=book.business_id, agency=agency).exists()
    ):
        raise ApplicationError.for_field("agency", _("Pilih OPD yang membina usaha ini."))
    existing = book.shares.filter(agency=agency, revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    text = share_consent_text(business=book.business, agency=agency)
    note = _check_note(note)
    if book.business.owner_id != getattr(actor, "pk", None):
        if not note:
            raise ApplicationError.for_field(
                "note",
                _("Tulis bagaimana pemilik memberi persetujuan (mis. lisan, di kantor kelurahan)."),
            )
        text += "\n" + _("Dicatat oleh operator atas persetujuan pemilik: %(note)s") % {
            "note": note
        }
    share = Share.objects.create(book=book, agency=agency, granted_by=actor, consent_text=text)
    audit.record(
        actor=actor,
        action="books.share_granted",
        target=share,
        data={"agency": agency.code, "business_id": book.business_id},
    )
    return share


@transaction.atomic
def share_revoke(*, actor, business_id, share_id) -> Share:
    book = _locked_book(actor, business_id)
    share = book.shares.filter(pk=_pk(share_id)).first()
    if share is None:
        raise NotFound(_("Izin berbagi tidak ditemukan."))
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.revoked_by = actor
        share.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            actor=actor,
            action="books.share_revoked",
            target=share,
            data={"agency_id": share.agency_id, "business_id": book.business_id},
        )
    return share


@transaction.atomic
def assistance_start(*, actor, business_id, consent: bool, consent_note: str) -> Assistance:
    """An area operator starts keeping the book of a business in their area whose owner has
    no account (no smartphone), on the owner's behalf. The owner's consent and how it was
    given are recorded; an owner who later claims the business sees who keeps their book
    and may end it."""
    if not access.can_assist(user=actor):
        raise PermissionDenied(_("Hanya operator wilayah yang dapat mendampingi pencatatan."))
    business = access.businesses_assistable(user=actor).filter(pk=_pk(business_id)).first()
    if business is None:
        raise NotFound(_("UMKM tidak ditemukan di wilayah tugas Anda."))
    if business.owner_id and business.owner.is_active:
        # Assisted recording is for owners without a smartphone: an owner who has an account
        # keeps their own book, and an operator never opens it on their own say-so.
        raise Conflict(
            _(
                "Pemilik %(shop)s punya akun Malpro dan mencatat bukunya sendiri. Bantu ia "
                "masuk ke Buku kas dari HP-nya."
            )
            % {"shop": business.name}
        )
    if not consent:
        raise ApplicationError.for_field(
            "consent", _("Centang bahwa pemilik sudah setuju bukunya dicatat oleh Anda.")
        )
    note = (consent_note or "").strip()
    if len(note) < 5 or len(note) > 255:
        raise ApplicationError.for_field(
            "consent_note",
            _(
                "Tulis bagaimana pemilik memberi persetujuan (5–255 huruf), mis. "
                '"lisan, di kantor kelurahan, disaksikan Pak RT".'
            ),
        )
    book = book_open(business_id=business.pk, actor=actor)
    open_one = book.assistances.filter(operator=actor, ended_at__isnull=True).first()
    if open_one is not None:
        return open_one
    assistance = Assistance.objects.create(
        book=book, operator=actor, consent_at=timezone.now(), consent_note=note
    )
    audit.record(
        actor=actor,
        action="books.assistance_started",
        target=assistance,
        data={"business_id": business.pk},
    )
    return assistance


@transaction.atomic
def assistance_end(*, actor, assistance_id) -> Assistance:
    assistance = (
        Assistance.objects.select_for_update()
        .select_related("book__business")
        .filter(pk=_pk(assistance_id))
        .first()
    )
    if assistance is None or not access.can_end_assistance(
        user=actor, assistance=assistance, business=assistance.book.business
    ):
        raise NotFound(_("Pendampingan tidak ditemukan."))
    if assistance.ended_at is None:
        assistance.ended_at = timezone.now()
        assistance.ended_by = actor
        assistance.save(update_fields=["ended_at", "ended_by"])
        audit.record(
            actor=actor,
            action="books.assistance_ended",
            target=assistance,
            data={"business_id": assistance.book.business_id},
        )
    return assistance
