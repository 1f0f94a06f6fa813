"""The books' JSON API: the cash book, debts (kasbon), stock and summaries of one business.

Keepers (the owner, an assisting area operator) read and write; an agency the owner shared
the book with reads `summary` only (403 on the rest); everyone else gets 404. A phone sends
each entry with its own `client_id` (a UUID): the same entry sent again answers 200 with the
entry already made instead of 201, so an offline queue may replay freely.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from malpro.books import access, selectors, services
from malpro.books.models import Category, Contact, Entry
from malpro.core.exceptions import PermissionDenied
from malpro.core.limits import MAX_AMOUNT, MAX_PRICE, MAX_STOCK, Page, PageSize

router = Router(tags=["books"])


class ErrorOut(Schema):
    message: str
    extra: dict


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class LineIn(Schema):
    name: str = Field("", max_length=120)
    quantity: int = Field(1, ge=1, le=MAX_STOCK)
    total: int = Field(0, ge=0, le=MAX_AMOUNT)
    item_id: int | None = Field(None, ge=1, description="Barang di stok buku ini (opsional).")


class EntryIn(Schema):
    client_id: uuid.UUID | None = Field(
        None, description="UUID yang dibuat perangkat sebelum mengirim; kirim ulang = 200."
    )
    direction: Literal["in", "out"]
    category: str = Field(..., max_length=20, description=", ".join(Category.values))
    amount: int = Field(..., ge=1, le=MAX_AMOUNT)
    occurred_on: dt.date
    method: Literal["cash", "qris", "transfer"] = "cash"
    note: str = Field("", max_length=200)
    items: list[LineIn] = Field(default_factory=list, max_length=services.MAX_ITEMS)


class EntryPatch(EntryIn):
    revision: int | None = Field(None, ge=1, description="Revisi yang diubah (cegah tabrakan).")


class LineOut(Schema):
    name: str
    quantity: int
    total: int
    item_id: int | None


class EntryOut(Schema):
    id: int
    client_id: uuid.UUID | None
    direction: str
    category: str
    category_label: str
    amount: int = Field(description="Rupiah; negatif hanya untuk pembatalan (reverses).")
    occurred_on: dt.date
    method: str
    note: str
    source: str
    automatic: bool
    reverses: int | None
    has_receipt: bool
    revision: int
    deleted: bool
    items: list[LineOut]


class EntryPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[EntryOut]


class EntriesQuery(Schema):
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    direction: Literal["", "in", "out"] = ""
    category: str = Field("", max_length=20)
    method: Literal["", "cash", "qris", "transfer"] = ""
    page: Page = 1
    page_size: PageSize = 50


class RangeQuery(Schema):
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None


class Figures(Schema):
    model_config = {"populate_by_name": True}
    from_: dt.date = Field(alias="from")
    to: dt.date
    label: str
    income: int
    spending: int
    profit: int
    capital_in: int
    withdrawals: int
    cash_flow: int
    entries: int
    receivables: int
    payables: int


class ChangeOut(Schema):
    now: int
    before: int
    diff: int
    pct: float | None


class SummaryOut(Figures):
    business_id: int
    by_category: list[dict]
    by_method: list[dict]
    top_items: list[dict]
    days: list[dict]
    previous: Figures
    change: dict[str, ChangeOut]


def _entry_out(entry: Entry) -> dict:
    return {
        "id": entry.pk,
        "client_id": entry.client_id,
        "direction": entry.direction,
        "category": entry.category,
        "category_label": str(entry.get_category_display()),
        "amount": entry.amount,
        "occurred_on": entry.occurred_on,
        "method": entry.method,
        "note": entry.note,
        "source": entry.source,
        "automatic": entry.automatic,
        "reverses": entry.reverses_id,
        "has_receipt": bool(entry.receipt),
        "revision": entry.revision,
        "deleted": entry.deleted_at is not None,
        "items": [
            {"name": i.name, "quantity": i.quantity, "total": i.total, "item_id": i.item_id}
            for i in entry.items.all()
        ],
    }


def _input(body: EntryIn) -> services.EntryInput:
    return services.EntryInput(
        direction=body.direction,
        category=body.category,
        amount=body.amount,
        occurred_on=body.occurred_on,
        method=body.method,
        note=body.note,
        items=[services.Line(**line.dict()) for line in body.items],
        client_id=body.client_id,
    )


@router.get(
    "/books/{business_id}/entries",
    response={200: EntryPage, **ERRORS},
    summary="Cash-book entries of one business (newest first)",
)
def entries(request: HttpRequest, business_id: int, query: Query[EntriesQuery]):
    book = services.book_for_keeper(actor=request.auth, business_id=business_id)
    period = None
    if query.from_ or query.to:
        period = selectors.period_between(query.from_, query.to, today=services.today())
    rows = selectors.entry_list(
        book=book,
        period=period,
        direction=query.direction,
        category=query.category,
        method=query.method,
    )
    start = (query.page - 1) * query.page_size
    page = list(rows.prefetch_related("items")[start : start + query.page_size])
    return {
        "count": rows.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [_entry_out(e) for e in page],
    }


@router.post(
    "/books/{business_id}/entries",
    response={200: EntryOut, 201: EntryOut, **ERRORS},
    summary="Record an entry (201), or get the one this client_id already made (200)",
)
def entry_create(request: HttpRequest, business_id: int, body: EntryIn):
    entry, created = services.entry_create(
        actor=request.auth, business_id=business_id, data=_input(body)
    )
    return Status(201 if created else 200, _entry_out(entry))


@router.get("/books/{business_id}/entries/{entry_id}", response={200: EntryOut, **ERRORS})
def entry_detail(request: HttpRequest, business_id: int, entry_id: int):
    book = services.book_for_keeper(actor=request.auth, business_id=business_id)
    return _entry_out(services.entry_get(book, entry_id))


@router.patch(
    "/books/{business_id}/entries/{entry_id}",
    response={200: EntryOut, **ERRORS},
    summary="Change an entry (its previous version is kept); 409 for automatic entries",
)
def entry_update(request: HttpRequest, business_id: int, entry_id: int, body: EntryPatch):
    data = _input(body)
    if "items" not in body.model_fields_set:  # not sent: the entry keeps its goods
        data.items = None
    entry = services.entry_update(
        actor=request.auth,
        business_id=business_id,
        entry_id=entry_id,
        data=data,
        revision=body.revision,
    )
    return _entry_out(entry)


@router.delete(
    "/books/{business_id}/entries/{entry_id}",
    response={200: EntryOut, **ERRORS},
    summary="Delete an entry from the figures (kept in the history, can be restored)",
)
def entry_delete(request: HttpRequest, business_id: int, entry_id: int):
    entry = services.entry_delete(actor=request.auth, business_id=business_id, entry_id=entry_id)
    return _entry_out(entry)


@router.get(
    "/books/{business_id}/summary",
    response={200: SummaryOut, **ERRORS},
    by_alias=True,
    summary="Income, spending, profit, receivables over from..to, with the period before",
    description=(
        "`from`/`to` (YYYY-MM-DD, both included); none: this month so far. `previous` is the "
        "period just before (the previous month for a whole month; a month so far compares "
        "with as many days of the month before). Keepers and agencies the owner shared the "
        "book with."
    ),
)
def summary(request: HttpRequest, business_id: int, query: Query[RangeQuery]):
    business, parties = access.book_get_for_summary(user=request.auth, business_id=business_id)
    period = selectors.period_between(query.from_, query.to, today=services.today())
    book = access.book_of(business)
    if book is None:
        book = 0  # no book yet: every figure is zero
    grown = selectors.growth(book=book, period=period)
    out = grown.current.as_dict()
    # An agency reads what the owner agreed to share (the figures and their course), not
    # the breakdowns by category, payment method or goods.
    keeper = bool(parties & access.KEEPERS)
    out.update(
        business_id=business.pk,
        by_category=grown.current.by_category if keeper else [],
        by_method=grown.current.by_method if keeper else [],
        top_items=grown.current.top_items if keeper else [],
        days=grown.current.days,
        **grown.as_dict(),
    )
    return out


# --- debts ---------------------------------------------------------------------------------------
class ContactIn(Schema):
    kind: Literal["customer", "supplier"]
    name: str = Field(..., min_length=1, max_length=120)
    phone: str = Field("", max_length=20)
    note: str = Field("", max_length=200)


class ContactOut(Schema):
    id: int
    kind: str
    name: str
    phone: str
    balance: int


class DebtIn(Schema):
    client_id: uuid.UUID | None = None
    amount: int = Field(..., ge=1, le=MAX_AMOUNT)
    occurred_on: dt.date
    due_on: dt.date | None = None
    note: str = Field("", max_length=200)
    items: list[LineIn] = Field(default_factory=list, max_length=services.MAX_ITEMS)


class DebtOut(Schema):
    id: int
    contact_id: int
    kind: str
    amount: int
    paid: int
    balance: int
    occurred_on: dt.date
    due_on: dt.date | None
    note: str


class PaymentIn(Schema):
    client_id: uuid.UUID | None = None
    amount: int = Field(..., ge=1, le=MAX_AMOUNT)
    paid_on: dt.date
    method: Literal["cash", "qris", "transfer"] = "cash"


class ReminderOut(Schema):
    amount: int
    whatsapp_link: str
    sent_through_malpro: bool


def _contact_out(contact: Contact) -> dict:
    return {
        "id": contact.pk,
        "kind": contact.kind,
        "name": contact.name,
        "phone": contact.phone,
        "balance": services.contact_balance(contact),
    }


def _debt_out(debt) -> dict:
    return {
        "id": debt.pk,
        "contact_id": debt.contact_id,
        "kind": debt.kind,
        "amount": debt.amount,
        "paid": debt.paid,
        "balance": debt.balance,
        "occurred_on": debt.occurred_on,
        "due_on": debt.due_on,
        "note": debt.note,
    }


@router.get("/books/{business_id}/contacts", response={200: list[ContactOut], **ERRORS})
def contacts(
    request: HttpRequest, business_id: int, kind: Literal["", "customer", "supplier"] = ""
):
    book = services.book_for_keeper(actor=request.auth, business_id=business_id)
    return [
        {"id": c.pk, "kind": c.kind, "name": c.name, "phone": c.phone, "balance": c.balance}
        for c in selectors.contacts_with_balance(book=book, kind=kind or None)
    ]


@router.post("/books/{business_id}/contacts", response={201: ContactOut, **ERRORS})
def contact_create(request: HttpRequest, business_id: int, body: ContactIn):
    contact = services.contact_create(actor=request.auth, business_id=business_id, **body.dict())
    return Status(201, _contact_out(contact))


@router.get(
    "/books/{business_id}/contacts/{contact_id}/debts", response={200: list[DebtOut], **ERRORS}
)
def debts(request: HttpRequest, business_id: int, contact_id: int):
    book = services.book_for_keeper(actor=request.auth, business_id=business_id)
    contact = services.contact_get(book, contact_id)
    return [_debt_out(d) for d in contact.debts.order_by("occurred_on", "id")]


@router.post(
    "/books/{business_id}/contacts/{contact_id}/debts",
    response={200: DebtOut, 201: DebtOut, **ERRORS},
    summary="A sale on credit (kasbon) to a customer, or stock on credit from a supplier",
)
def debt_create(request: HttpRequest, business_id: int, contact_id: int, body: DebtIn):
    debt, created = services.debt_create(
        actor=request.auth,
        business_id=business_id,
        contact_id=contact_id,
        amount=body.amount,
        occurred_on=body.occurred_on,
        due_on=body.due_on,
        note=body.note,
        items=[services.Line(**line.dict()) for line in body.items],
        client_id=body.client_id,
    )
    return Status(201 if created else 200, _debt_out(debt))


@router.post(
    "/books/{business_id}/contacts/{contact_id}/payments",
    response={200: EntryOut, 201: EntryOut, **ERRORS},
    summary="A repayment (oldest debts first); the money is a cash-book entry",
)
def contact_pay(request: HttpRequest, business_id: int, contact_id: int, body: PaymentIn):
    entry, created = services.contact_pay(
        actor=request.auth,
        business_id=business_id,
        contact_id=contact_id,
        amount=body.amount,
        paid_on=body.paid_on,
        method=body.method,
        client_id=body.client_id,
    )
    return Status(201 if created else 200, _entry_out(entry))


@router.post(
    "/books/{business_id}/contacts/{contact_id}/remind",
    response={200: ReminderOut, **ERRORS},
    summary="Remind a customer of their kasbon (WhatsApp link; Malpro's channels if a member)",
)
def remind(request: HttpRequest, business_id: int, contact_id: int):
    reminder, link, through = services.debt_remind(
        actor=request.auth, business_id=business_id, contact_id=contact_id
    )
    return {"amount": reminder.amount, "whatsapp_link": link, "sent_through_malpro": through}


# --- stock ---------------------------------------------------------------------------------------
class ItemIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    unit: str = Field("pcs", max_length=20)
    quantity: int = Field(0, ge=0, le=MAX_STOCK)
    buy_price: int = Field(0, ge=0, le=MAX_PRICE)
    sell_price: int = Field(0, ge=0, le=MAX_PRICE)
    product_id: int | None = Field(None, ge=1, description="Produk marketplace yang dihubungkan.")


class ItemOut(Schema):
    id: int
    name: str
    unit: str
    quantity: int
    buy_price: int
    sell_price: int
    product_id: int | None


class AdjustIn(Schema):
    counted: int = Field(..., ge=0, le=MAX_STOCK)
    note: str = Field("", max_length=200)


def _item_out(item) -> dict:
    return {
        "id": item.pk,
        "name": item.name,
        "unit": item.unit,
        "quantity": services.stock_of(item),
        "buy_price": item.buy_price,
        "sell_price": item.sell_price,
        "product_id": item.product_id,
    }


@router.get("/books/{business_id}/stock", response={200: list[ItemOut], **ERRORS})
def stock(request: HttpRequest, business_id: int):
    book = services.book_for_keeper(actor=request.auth, business_id=business_id)
    return [{**_item_out(i), "quantity": i.current} for i in selectors.stock_items(book=book)]


@router.post("/books/{business_id}/stock", response={201: ItemOut, **ERRORS})
def item_create(request: HttpRequest, business_id: int, body: ItemIn):
    item = services.item_create(actor=request.auth, business_id=business_id, **body.dict())
    return Status(201, _item_out(item))


@router.post("/books/{business_id}/stock/{item_id}/adjust", response={200: ItemOut, **ERRORS})
def stock_adjust(request: HttpRequest, business_id: int, item_id: int, body: AdjustIn):
    item = services.stock_adjust(
        actor=request.auth, business_id=business_id, item_id=item_id, **body.dict()
    )
    return _item_out(item)


# --- the agency's view ---------------------------------------------------------------------------
class SharedRow(Schema):
    business_id: int
    business: str
    kelurahan: str
    agency: str
    shared_at: dt.datetime
    income: int
    spending: int
    profit: int
    entries: int
    receivables: int


class SharedTotals(Schema):
    income: int
    spending: int
    profit: int
    entries: int
    receivables: int


class SharedQuery(RangeQuery):
    page: Page = 1
    page_size: PageSize = 50


class SharedOut(Schema):
    model_config = {"populate_by_name": True}
    from_: dt.date = Field(alias="from")
    to: dt.date
    label: str
    count: int = Field(description="Buku yang dibagikan (semua halaman).")
    page: int
    page_size: int
    totals: SharedTotals = Field(description="Jumlah atas semua buku yang dibagikan.")
    results: list[SharedRow] = Field(description="Halaman ini, pemasukan terbesar dulu.")


@router.get(
    "/books/shared",
    response={200: SharedOut, **ERRORS},
    by_alias=True,
    summary="An agency officer: summaries of the books shared with their agency",
)
def shared(request: HttpRequest, query: Query[SharedQuery]):
    if not access.can_view_shared(user=request.auth):
        raise PermissionDenied(_("Hanya untuk petugas OPD pembina."))
    period = selectors.period_between(query.from_, query.to, today=services.today())
    result = selectors.shared_summaries(
        shares=access.shares_visible(user=request.auth),
        period=period,
        page=query.page,
        page_size=query.page_size,
    )
    return {
        "from": period.start,
        "to": period.end,
        "label": period.label,
        "count": result.count,
        "page": query.page,
        "page_size": query.page_size,
        "totals": result.totals,
        "results": result.rows,
    }
