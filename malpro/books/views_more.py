"""Pages of a book's debts (kasbon), stock, reports, sharing with the guiding agency, an area
operator's assistance, and the agency's view of the summaries shared with it.

Thin: who may see what is malpro.books.access (through the services' book_for_keeper), the
writes are malpro.books.services, the figures malpro.books.selectors, the files
malpro.books.reports and the chart malpro.books.charts.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from urllib.parse import unquote, urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from malpro.books import access, charts, reports, selectors, services
from malpro.books.forms import AmountField
from malpro.books.models import Assistance, Contact, Entry, Method, StockMove
from malpro.catalog.models import Product
from malpro.core.exceptions import ApplicationError, NotFound
from malpro.core.exceptions import PermissionDenied as AppPermissionDenied
from malpro.core.forms import PHONE_WIDGET, DateInput, apply_application_error
from malpro.core.limits import MAX_PRICE, MAX_STOCK
from malpro.core.money import format_rupiah
from malpro.core.tabular import XLSX_CONTENT_TYPE
from malpro.core.validators import format_phone
from malpro.core.views import int_param

LOW_STOCK = 5  # at or below: "hampir habis"
SHARED_PAGE = 50
SEARCH_LIMIT = 20
PERIODS = {"hari": "day", "minggu": "week", "bulan": "month"}
PERIOD_LABELS = {
    "hari": gettext_lazy("Harian"),
    "minggu": gettext_lazy("Mingguan"),
    "bulan": gettext_lazy("Bulanan"),
}
REMINDER_SESSION = "books_reminder"


# --- access --------------------------------------------------------------------------------------
def guarded(view):
    """Login required; a book the user may not see is a 404, a refusal (an agency that only
    reads summaries) a 403 page with its reason."""

    @never_cache  # a shop's books: never shown again from the browser's cache after logout
    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except AppPermissionDenied as exc:
            return render(
                request, "core/error.html", {"code": 403, "message": exc.message}, status=403
            )

    return wrapper


def _book(request, business_id):
    """The book of a business the user keeps (owner or assisting operator)."""
    book = services.book_for_keeper(actor=request.user, business_id=business_id)
    return book, book.business


def _page(request, template: str, book, tab: str, context: dict, *, status: int = 200):
    assisted = book.assistances.filter(ended_at__isnull=True).exists()
    return render(
        request,
        template,
        {"business": book.business, "book": book, "tab": tab, "assisted": assisted, **context},
        status=status,
    )


# Amounts as shop owners type them (15.000, 50rb, 1,5 jt): books.forms (the cash pages').


class CountField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_STOCK)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, **kwargs)


# --- forms ---------------------------------------------------------------------------------------
class ContactForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Siapa"),
        choices=[
            (Contact.Kind.CUSTOMER, gettext_lazy("Pelanggan (dia berutang ke saya)")),
            (Contact.Kind.SUPPLIER, gettext_lazy("Pemasok (saya berutang ke dia)")),
        ],
        widget=forms.RadioSelect,
        initial=Contact.Kind.CUSTOMER,
    )
    name = forms.CharField(label=gettext_lazy("Nama"), max_length=120)
    phone = forms.CharField(
        label=gettext_lazy("Nomor HP (boleh kosong)"),
        required=False,
        max_length=20,
        widget=PHONE_WIDGET,
        help_text=gettext_lazy("Untuk mengirim pengingat lewat WhatsApp."),
    )


AMOUNT_HELP = gettext_lazy("Boleh ditulis 15.000, 50rb atau 1,5jt.")


class DebtForm(forms.Form):
    # The page's id for this debt or payment: sending the form twice (a double tap, a resend
    # after a lost answer) records it once.
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    amount = AmountField(label=gettext_lazy("Jumlah (Rp)"), help_text=AMOUNT_HELP)
    occurred_on = forms.DateField(label=gettext_lazy("Tanggal"), widget=DateInput())
    due_on = forms.DateField(
        label=gettext_lazy("Jatuh tempo (boleh kosong)"), required=False, widget=DateInput()
    )
    note = forms.CharField(label=gettext_lazy("Catatan"), required=False, max_length=200)
    item = forms.TypedChoiceField(
        label=gettext_lazy("Barang dari stok (boleh kosong)"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    quantity = CountField(label=gettext_lazy("Jumlah barang"), required=False, min_value=1)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("— tanpa barang —"))] + [
            (i.pk, f"{i.name} ({_('stok')} {i.current})") for i in items
        ]
        if not items:
            del self.fields["item"]
            del self.fields["quantity"]

    def lines(self) -> list[services.Line]:
        item_id = self.cleaned_data.get("item")
        if not item_id:
            return []
        return [services.Line(item_id=item_id, quantity=self.cleaned_data.get("quantity") or 1)]


class PayForm(forms.Form):
    # The page's id for this debt or payment: sending the form twice (a double tap, a resend
    # after a lost answer) records it once.
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    amount = AmountField(label=gettext_lazy("Jumlah dibayar (Rp)"), help_text=AMOUNT_HELP)
    paid_on = forms.DateField(label=gettext_lazy("Tanggal"), widget=DateInput())
    method = forms.ChoiceField(
        label=gettext_lazy("Cara bayar"),
        choices=Method.choices,
        initial=Method.CASH,
        widget=forms.RadioSelect,
    )


class ItemForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nama barang"), max_length=120)
    unit = forms.CharField(label=gettext_lazy("Satuan"), max_length=20, initial="pcs")
    quantity = CountField(label=gettext_lazy("Jumlah stok sekarang"), initial=0, required=False)
    buy_price = AmountField(
        label=gettext_lazy("Harga beli (Rp)"), required=False, max_value=MAX_PRICE, min_value=0
    )
    sell_price = AmountField(
        label=gettext_lazy("Harga jual (Rp)"), required=False, max_value=MAX_PRICE, min_value=0
    )
    product_id = forms.TypedChoiceField(
        label=gettext_lazy("Hubungkan dengan produk marketplace (boleh kosong)"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_id"].choices = [("", _("— tidak dihubungkan —"))] + [
            (p.pk, f"{p.name} ({_('stok')} {p.stock})") for p in products
        ]
        if not products:
            del self.fields["product_id"]


class ItemEditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nama barang"), max_length=120)
    unit = forms.CharField(label=gettext_lazy("Satuan"), max_length=20)
    buy_price = AmountField(label=gettext_lazy("Harga beli (Rp)"), max_value=MAX_PRICE, min_value=0)
    sell_price = AmountField(
        label=gettext_lazy("Harga jual (Rp)"), max_value=MAX_PRICE, min_value=0
    )


class AdjustForm(forms.Form):
    counted = CountField(label=gettext_lazy("Jumlah di rak sekarang"))
    note = forms.CharField(label=gettext_lazy("Catatan (boleh kosong)"), required=False)


class LinkForm(forms.Form):
    product_id = forms.TypedChoiceField(
        label=gettext_lazy("Produk marketplace"), coerce=int, empty_value=None
    )
    keep = forms.ChoiceField(
        label=gettext_lazy("Stok yang dipakai"),
        choices=[
            ("product", gettext_lazy("Stok di marketplace")),
            ("book", gettext_lazy("Stok di buku ini")),
        ],
        initial="product",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_id"].choices = [
            (p.pk, f"{p.name} ({_('stok')} {p.stock})") for p in products
        ]


class ShareForm(forms.Form):
    agreed = forms.BooleanField(label=gettext_lazy("Saya setuju"), required=False)
    note = forms.CharField(
        label=gettext_lazy("Bagaimana pemilik memberi persetujuan"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Misalnya: lisan, di kantor kelurahan, 2 Desember."),
    )

    def __init__(self, *args, by_operator=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not by_operator:
            del self.fields["note"]
        else:
            self.fields["note"].required = True
            self.fields["agreed"].label = _("Pemilik sudah setuju")


class AssistStartForm(forms.Form):
    consent = forms.BooleanField(
        label=gettext_lazy("Pemilik sudah setuju bukunya saya catat"), required=False
    )
    consent_note = forms.CharField(
        label=gettext_lazy("Bagaimana pemilik memberi persetujuan"),
        max_length=255,
        help_text=gettext_lazy('Misalnya: "lisan, di kantor kelurahan, disaksikan Pak RT".'),
    )


def _today() -> dt.date:
    return services.today()


# --- kasbon --------------------------------------------------------------------------------------
@guarded
@require_safe
def debts(request, business_id):
    book, _business = _book(request, business_id)
    today = _today()
    overdue = set(selectors.debts_due(book=book, on=today).values_list("contact_id", flat=True))
    rows = list(selectors.contacts_with_balance(book=book))
    for row in rows:
        row.overdue = row.pk in overdue and row.balance > 0
    customers = [r for r in rows if r.kind == Contact.Kind.CUSTOMER]
    suppliers = [r for r in rows if r.kind == Contact.Kind.SUPPLIER]
    return _page(
        request,
        "books/debts.html",
        book,
        "kasbon",
        {
            "customers": customers,
            "suppliers": suppliers,
            "receivables": sum(r.balance for r in customers),
            "payables": sum(r.balance for r in suppliers),
            "overdue_count": sum(1 for r in rows if r.overdue),
        },
    )


@guarded
def contact_new(request, business_id):
    book, business = _book(request, business_id)
    initial = {"kind": request.GET.get("jenis") or Contact.Kind.CUSTOMER}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(
                actor=request.user, business_id=business.pk, **form.cleaned_data
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("%(name)s ditambahkan.") % {"name": contact.name})
            return redirect("books:contact_detail", business.pk, contact.pk)
    return _page(request, "books/contact_new.html", book, "kasbon", {"form": form})


def _contact(book, contact_id) -> Contact:
    return services.contact_get(book, contact_id)


def _contact_context(book, contact: Contact) -> dict:
    today = _today()
    contact_debts = list(contact.debts.all().order_by("-occurred_on", "-id"))
    for debt in contact_debts:
        debt.overdue = bool(debt.balance and debt.due_on and debt.due_on <= today)
    payments = list(
        Entry.objects.filter(book=book, debt_payments__debt__contact=contact)
        .distinct()
        .order_by("-occurred_on", "-id")
    )
    balance = services.contact_balance(contact)
    receivable = contact.kind == Contact.Kind.CUSTOMER
    reminder = None
    return {
        "contact": contact,
        "phone": format_phone(contact.phone) if contact.phone else "",
        "debts": contact_debts,
        "payments": payments,
        "balance": balance,
        "receivable": receivable,
        "reminder": reminder,
        "last_reminder": contact.reminders.first(),
    }


class ContactEditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nama"), max_length=120)
    phone = forms.CharField(
        label=gettext_lazy("Nomor HP (boleh kosong)"),
        required=False,
        max_length=20,
        widget=PHONE_WIDGET,
    )


@guarded
def contact_detail(request, business_id, contact_id):
    book, business = _book(request, business_id)
    contact = _contact(book, contact_id)
    initial = {"name": contact.name, "phone": format_phone(contact.phone) if contact.phone else ""}
    posted = request.method == "POST"
    if posted and request.POST.get("action") != "edit":
        raise Http404
    edit_form = ContactEditForm(request.POST if posted else None, initial=initial, prefix="c")
    if posted and edit_form.is_valid():
        try:
            services.contact_update(
                actor=request.user,
                business_id=business.pk,
                contact_id=contact.pk,
                **edit_form.cleaned_data,
            )
        except ApplicationError as exc:
            apply_application_error(edit_form, exc)
        else:
            messages.success(request, _("Data %(name)s disimpan.") % {"name": contact.name})
            return redirect("books:contact_detail", business.pk, contact.pk)
    context = _contact_context(book, contact)
    context["edit_form"] = edit_form
    context["edit_open"] = posted
    shown = request.session.pop(REMINDER_SESSION, None)
    if shown and shown.get("contact") == contact.pk:
        context["reminder"] = shown
    return _page(request, "books/contact_detail.html", book, "kasbon", context)


def _stock_choices(book):
    return list(selectors.stock_items(book=book))


@guarded
def debt_new(request, business_id, contact_id):
    book, business = _book(request, business_id)
    contact = _contact(book, contact_id)
    receivable = contact.kind == Contact.Kind.CUSTOMER
    form = DebtForm(
        request.POST or None,
        initial={"occurred_on": _today(), "client_id": uuid.uuid4()},
        items=_stock_choices(book),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.debt_create(
                actor=request.user,
                business_id=business.pk,
                contact_id=contact.pk,
                amount=data["amount"],
                occurred_on=data["occurred_on"],
                due_on=data.get("due_on"),
                note=data.get("note", ""),
                items=form.lines(),
                client_id=data.get("client_id"),
            )
        except ApplicationError as exc:
            _form_error(form, exc, {"items": "item"})
        else:
            messages.success(
                request,
                (_("Kasbon %(amount)s dicatat.") if receivable else _("Utang %(amount)s dicatat."))
                % {"amount": format_rupiah(data["amount"])},
            )
            return redirect("books:contact_detail", business.pk, contact.pk)
    title = _("Catat kasbon") if receivable else _("Catat utang ke pemasok")
    return _page(
        request,
        "books/debt_form.html",
        book,
        "kasbon",
        {"form": form, "contact": contact, "title": title, "submit": _("Simpan")},
    )


def _form_error(form, exc: ApplicationError, renames: dict) -> None:
    """A service error on the form, its field names mapped to the form's."""
    fields = exc.extra.get("fields", {})
    for source, target in renames.items():
        for key in list(fields):
            if (key == source or key.startswith(source + ".")) and target in form.fields:
                fields.setdefault(target, fields.pop(key))
    apply_application_error(form, exc)


@guarded
def contact_pay(request, business_id, contact_id):
    book, business = _book(request, business_id)
    contact = _contact(book, contact_id)
    receivable = contact.kind == Contact.Kind.CUSTOMER
    balance = services.contact_balance(contact)
    form = PayForm(
        request.POST or None,
        initial={"paid_on": _today(), "method": Method.CASH, "client_id": uuid.uuid4()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_pay(
                actor=request.user,
                business_id=business.pk,
                contact_id=contact.pk,
                amount=data["amount"],
                paid_on=data["paid_on"],
                method=data["method"],
                client_id=data.get("client_id"),
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            left = services.contact_balance(contact)
            messages.success(
                request,
                _("Pembayaran %(amount)s dicatat. Sisa %(left)s.")
                % {"amount": format_rupiah(data["amount"]), "left": format_rupiah(left)},
            )
            return redirect("books:contact_detail", business.pk, contact.pk)
    title = _("Terima pembayaran") if receivable else _("Bayar utang")
    return _page(
        request,
        "books/debt_form.html",
        book,
        "kasbon",
        {
            "form": form,
            "contact": contact,
            "title": title,
            "balance": balance,
            "submit": _("Simpan pembayaran"),
        },
    )


@guarded
@require_POST
def contact_remind(request, business_id, contact_id):
    book, business = _book(request, business_id)
    contact = _contact(book, contact_id)
    try:
        _reminder, link, via_malpro = services.debt_remind(
            actor=request.user, business_id=business.pk, contact_id=contact.pk
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        request.session[REMINDER_SESSION] = {
            "contact": contact.pk,
            "link": link,
            "text": unquote(link.partition("text=")[2]),
            "via_malpro": via_malpro,
        }
    return redirect("books:contact_detail", business.pk, contact.pk)


@guarded
@require_POST
def payment_undo(request, business_id, entry_id):
    book, business = _book(request, business_id)
    entry = services.entry_get(book, entry_id)
    payment = entry.debt_payments.select_related("debt").first()
    try:
        services.payment_undo(actor=request.user, business_id=business.pk, entry_id=entry.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Pembayaran %(amount)s dibatalkan; utangnya kembali seperti sebelumnya.")
            % {"amount": format_rupiah(entry.amount)},
        )
    if payment is not None:
        return redirect("books:contact_detail", business.pk, payment.debt.contact_id)
    return redirect("books:debts", business.pk)


# --- stock ---------------------------------------------------------------------------------------
def _linkable_products(business):
    """The shop's marketplace products an item may be linked to: without variants, not
    linked to another item yet."""
    return list(
        Product.objects.filter(business=business, has_variants=False, book_item__isnull=True)
        .only("pk", "name", "stock")
        .order_by("name")[:200]
    )


def _mark(item) -> None:
    item.empty = item.current <= 0
    item.low = not item.empty and item.current <= LOW_STOCK


@guarded
@require_safe
def stock(request, business_id):
    book, _business = _book(request, business_id)
    items = selectors.stock_items(book=book)
    for item in items:
        _mark(item)
    return _page(
        request,
        "books/stock.html",
        book,
        "stok",
        {
            "items": items,
            "archived": selectors.stock_items(book=book, archived=True),
            "low": LOW_STOCK,
        },
    )


@guarded
def item_new(request, business_id):
    book, business = _book(request, business_id)
    products = _linkable_products(business)
    form = ItemForm(request.POST or None, products=products)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_create(
                actor=request.user,
                business_id=business.pk,
                name=data["name"],
                unit=data["unit"],
                quantity=data.get("quantity") or 0,
                buy_price=data.get("buy_price") or 0,
                sell_price=data.get("sell_price") or 0,
                product_id=data.get("product_id"),
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("%(name)s ditambahkan ke stok.") % {"name": item.name})
            return redirect("books:item_detail", business.pk, item.pk)
    return _page(request, "books/item_new.html", book, "stok", {"form": form, "products": products})


ITEM_ACTIONS = ("edit", "adjust", "link", "unlink", "archive", "unarchive")


@guarded
def item_detail(request, business_id, item_id):
    book, business = _book(request, business_id)
    item = services._item(book, item_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in ITEM_ACTIONS:
        raise Http404
    products = [] if item.product_id else _linkable_products(business)
    edit_form = ItemEditForm(
        request.POST if action == "edit" else None,
        initial={
            "name": item.name,
            "unit": item.unit,
            "buy_price": item.buy_price,
            "sell_price": item.sell_price,
        },
        prefix="edit",
    )
    adjust_form = AdjustForm(request.POST if action == "adjust" else None, prefix="adjust")
    link_form = LinkForm(
        request.POST if action == "link" else None, products=products, prefix="link"
    )
    forms_by_action = {"edit": edit_form, "adjust": adjust_form, "link": link_form}
    if request.method == "POST":
        actor, bid = request.user, business.pk
        form = forms_by_action.get(action)
        if form is None or form.is_valid():
            data = form.cleaned_data if form is not None else {}
            try:
                if action == "edit":
                    services.item_update(actor=actor, business_id=bid, item_id=item.pk, **data)
                    done = _("Barang disimpan.")
                elif action == "adjust":
                    services.stock_adjust(
                        actor=actor,
                        business_id=bid,
                        item_id=item.pk,
                        counted=data["counted"],
                        note=data.get("note", ""),
                    )
                    done = _("Stok dihitung ulang: sekarang %(n)d.") % {"n": data["counted"]}
                elif action == "link":
                    services.item_link(
                        actor=actor,
                        business_id=bid,
                        item_id=item.pk,
                        product_id=data["product_id"],
                        keep=data["keep"],
                    )
                    done = _("Barang dihubungkan dengan produk marketplace.")
                elif action == "unlink":
                    services.item_unlink(actor=actor, business_id=bid, item_id=item.pk)
                    done = _("Hubungan dengan produk marketplace dilepas.")
                else:
                    archived = action == "archive"
                    services.item_update(
                        actor=actor, business_id=bid, item_id=item.pk, archived=archived
                    )
                    done = _("Barang diarsipkan.") if archived else _("Barang dipakai lagi.")
            except ApplicationError as exc:
                if form is not None:
                    apply_application_error(form, exc)
                else:
                    messages.error(request, exc.message)
                    return redirect("books:item_detail", bid, item.pk)
            else:
                messages.success(request, done)
                return redirect("books:item_detail", bid, item.pk)
        item.refresh_from_db()
    item.current = services.stock_of(item)
    _mark(item)
    moves = list(item.moves.select_related("entry", "debt__contact")[:100])
    return _page(
        request,
        "books/item_detail.html",
        book,
        "stok",
        {
            "item": item,
            "product": Product.objects.filter(pk=item.product_id).first()
            if item.product_id
            else None,
            "moves": moves,
            "edit_form": edit_form,
            "adjust_form": adjust_form,
            "link_form": link_form if products else None,
            "open_action": action,
            "reasons": dict(StockMove.Reason.choices),
        },
        status=200,
    )


# --- reports -------------------------------------------------------------------------------------
class ReportPeriod:
    """The period a report shows, from ?periode=hari|minggu|bulan&tanggal=YYYY-MM-DD (default:
    this month), with the links to the previous and next one."""

    def __init__(self, request, url_name: str, args: list):
        self.today = _today()
        self.errors: dict[str, str] = {}
        self.key = request.GET.get("periode", "").strip() or "bulan"
        if self.key not in PERIODS:
            self.errors["periode"] = _("Pilih harian, mingguan atau bulanan.")
            self.key = "bulan"
        day = self.today
        raw = request.GET.get("tanggal", "").strip()
        try:
            day = selectors.parse_date(raw, "tanggal") or self.today
        except ApplicationError as exc:
            self.errors["tanggal"] = exc.extra["fields"]["tanggal"]
        if day > self.today:
            self.errors["tanggal"] = _("Tanggal tidak boleh di masa depan.")
            day = self.today
        elif day < services.OLDEST:
            self.errors["tanggal"] = _("Tanggal terlalu lama.")
            day = self.today
        self.day = day
        self.period = selectors.period_of(PERIODS[self.key], day, today=self.today)
        self.running = self.period.end == self.today and self.period.kind != "day"
        self.cut = self.running and (
            (self.key == "bulan" and self.today != selectors._last_day(self.today))
            or (self.key == "minggu" and self.today.weekday() != 6)
        )
        base = reverse(url_name, args=args)
        before = self.period.start - dt.timedelta(days=1)
        after = self.period.end + dt.timedelta(days=1)
        self.previous_url = f"{base}?{urlencode({'periode': self.key, 'tanggal': before})}"
        self.next_url = (
            f"{base}?{urlencode({'periode': self.key, 'tanggal': after})}"
            if after <= self.today
            else ""
        )
        self.query = urlencode({"periode": self.key, "tanggal": self.day.isoformat()})
        self.choices = list(PERIOD_LABELS.items())


def _growth_sentences(growth, period) -> list[str]:
    """'Pemasukan naik 12% dari Oktober 2026': income, spending, profit in plain words."""
    previous = growth.previous.period.label
    names = (
        ("income", _("Pemasukan")),
        ("spending", _("Pengeluaran")),
        ("profit", _("Laba")),
    )
    lines = []
    for key, label in names:
        change = growth.change(key)
        values = {"what": label, "prev": previous, "now": format_rupiah(change["now"])}
        if change["now"] == change["before"]:
            lines.append(_("%(what)s sama dengan %(prev)s (%(now)s).") % values)
        elif change["pct"] is None:
            lines.append(
                _("%(what)s %(now)s; %(prev)s belum ada catatan untuk dibandingkan.") % values
            )
        else:
            pct = f"{abs(change['pct']):.1f}".replace(".", ",").removesuffix(",0")
            values.update(pct=pct, diff=format_rupiah(abs(change["diff"])))
            if change["diff"] > 0:
                lines.append(_("%(what)s naik %(pct)s%% dari %(prev)s (+%(diff)s).") % values)
            else:
                lines.append(_("%(what)s turun %(pct)s%% dari %(prev)s (-%(diff)s).") % values)
    return lines


def _growth_verdict(growth, *, owner_view: bool = True) -> str:
    income = growth.change("income")
    profit = growth.change("profit")
    if not growth.previous.entries:
        return _("Belum bisa dibandingkan: periode sebelumnya belum ada catatan.")
    if income["diff"] > 0 and profit["diff"] >= 0:
        return _("Ya, usaha Anda tumbuh.") if owner_view else _("Ya, usaha ini tumbuh.")
    if income["diff"] < 0 and profit["diff"] < 0:
        return _("Belum: pemasukan dan laba turun.")
    if income["diff"] == 0 and profit["diff"] == 0:
        return _("Sama seperti periode sebelumnya.")
    return _("Sebagian: lihat rinciannya di bawah.")


def _report_context(book, rp: ReportPeriod, *, owner_view: bool) -> dict:
    growth = selectors.growth(book=book, period=rp.period)
    summary = growth.current
    chart = charts.income_spending(
        summary.days,
        title=_("Pemasukan dan pengeluaran %(p)s") % {"p": rp.period.label},
        desc=_(
            "Kolom hijau pemasukan, kolom oranye pengeluaran, per hari. Angkanya ada di tabel "
            "di bawah."
        )
        if rp.period.days <= 62
        else _("Kolom hijau pemasukan, kolom oranye pengeluaran, per bulan."),
    )
    return {
        "rp": rp,
        "summary": summary,
        "growth": growth,
        "growth_lines": _growth_sentences(growth, rp.period),
        "verdict": _growth_verdict(growth, owner_view=owner_view),
        "chart": chart,
        "owner_view": owner_view,
        "spending_categories": [c for c in summary.by_category if c["direction"] == "out"],
        "income_categories": [c for c in summary.by_category if c["direction"] == "in"],
    }


@guarded
@require_safe
def report(request, business_id):
    book, business = _book(request, business_id)
    rp = ReportPeriod(request, "books:report", [business.pk])
    context = _report_context(book, rp, owner_view=True)
    return _page(request, "books/report.html", book, "laporan", context)


def _attachment(content, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@guarded
@require_safe
def report_export(request, business_id, ext):
    if ext not in ("xlsx", "pdf"):
        raise Http404
    book, business = _book(request, business_id)
    rp = ReportPeriod(request, "books:report", [business.pk])
    growth = selectors.growth(book=book, period=rp.period)
    name = f"buku-{business.pk}-{rp.key}-{rp.period.start.isoformat()}.{ext}"
    if ext == "xlsx":
        content = reports.xlsx(book=book, growth=growth, lines=_growth_sentences(growth, None))
        return _attachment(content, XLSX_CONTENT_TYPE, name)
    content = reports.pdf(
        book=book,
        growth=growth,
        lines=_growth_sentences(growth, None),
        note=_cut_note(rp),
    )
    return _attachment(content, "application/pdf", name)


def _cut_note(rp: ReportPeriod) -> str:
    if not rp.cut:
        return ""
    return _(
        "Periode ini masih berjalan (%(n)d hari), jadi dibandingkan dengan %(n)d hari pertama "
        "periode sebelumnya."
    ) % {"n": rp.period.days}


# --- sharing with the guiding agency -------------------------------------------------------------
@guarded
def share(request, business_id):
    book, business = _book(request, business_id)
    by_operator = business.owner_id != request.user.pk
    agencies = list(business.agencies.all().order_by("short_name"))
    open_shares = {s.agency_id: s for s in book.shares.filter(revoked_at__isnull=True)}
    posted_agency = request.POST.get("agency") if request.method == "POST" else None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            try:
                revoked = services.share_revoke(
                    actor=request.user,
                    business_id=business.pk,
                    share_id=request.POST.get("share", ""),
                )
            except ApplicationError as exc:
                if isinstance(exc, NotFound):
                    raise
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("Berbagi dengan %(agency)s dihentikan.") % {"agency": revoked.agency.name},
                )
            return redirect("books:share", business.pk)
        if action != "grant":
            raise Http404
        if posted_agency not in {str(a.pk) for a in agencies}:
            messages.error(request, _("Pilih OPD yang membina usaha ini."))
            return redirect("books:share", business.pk)
    rows = []
    for agency in agencies:
        bound = request.method == "POST" and posted_agency == str(agency.pk)
        form = ShareForm(
            request.POST if bound else None, by_operator=by_operator, prefix=f"a{agency.pk}"
        )
        if bound and form.is_valid():
            try:
                services.share_grant(
                    actor=request.user,
                    business_id=business.pk,
                    agency_id=agency.pk,
                    agreed=form.cleaned_data["agreed"],
                    note=form.cleaned_data.get("note", ""),
                )
            except ApplicationError as exc:
                apply_application_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Ringkasan buku dibagikan dengan %(agency)s.") % {"agency": agency.name},
                )
                return redirect("books:share", business.pk)
        rows.append(
            {
                "agency": agency,
                "share": open_shares.get(agency.pk),
                "consent": services.share_consent_text(business=business, agency=agency),
                "form": form,
            }
        )
    history = book.shares.select_related("agency", "granted_by", "revoked_by").order_by(
        "-granted_at", "-id"
    )
    return _page(
        request,
        "books/share.html",
        book,
        "berbagi",
        {"rows": rows, "history": history, "by_operator": by_operator},
    )


# --- assistance ----------------------------------------------------------------------------------
@guarded
@require_safe
def assistance(request, business_id):
    book, business = _book(request, business_id)
    rows = list(
        book.assistances.select_related("operator", "ended_by").order_by("-started_at", "-id")
    )
    for row in rows:
        row.can_end = row.ended_at is None and access.can_end_assistance(
            user=request.user, assistance=row, business=business
        )
    return _page(request, "books/assistance.html", book, "berbagi", {"assistances": rows})


@guarded
@require_safe
def assist_home(request):
    if not access.can_assist(user=request.user):
        raise AppPermissionDenied(_("Halaman ini untuk operator wilayah."))
    kept = (
        Assistance.objects.filter(operator=request.user, ended_at__isnull=True)
        .filter(book__business__in=access.businesses_kept(user=request.user))
        .select_related("book__business__village")
        .order_by("book__business__name")
    )
    query = request.GET.get("q", "").strip()[:80]
    found = []
    if query:
        kept_ids = {a.book.business_id for a in kept}
        found = list(
            access.businesses_assistable(user=request.user)
            .filter(Q(name__icontains=query) | Q(village__name__icontains=query))
            .select_related("village")
            .order_by("name")[:SEARCH_LIMIT]
        )
        for business in found:
            business.kept = business.pk in kept_ids
    return render(
        request,
        "books/assist_home.html",
        {"kept": kept, "query": query, "found": found, "limit": SEARCH_LIMIT},
    )


@guarded
def assist_start(request, business_id):
    if not access.can_assist(user=request.user):
        raise AppPermissionDenied(_("Halaman ini untuk operator wilayah."))
    business = (
        access.businesses_assistable(user=request.user)
        .select_related("village")
        .filter(pk=business_id)
        .first()
    )
    if business is None:
        raise Http404
    form = AssistStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assistance_start(
                actor=request.user,
                business_id=business.pk,
                consent=form.cleaned_data["consent"],
                consent_note=form.cleaned_data["consent_note"],
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFound | AppPermissionDenied):
                raise
            apply_application_error(form, exc)
        else:
            messages.success(
                request,
                _("Anda sekarang mencatat buku %(shop)s atas persetujuan pemiliknya.")
                % {"shop": business.name},
            )
            return redirect("books:book", business.pk)
    return render(request, "books/assist_start.html", {"business": business, "form": form})


@guarded
@require_POST
def assistance_end(request, assistance_id):
    ended = services.assistance_end(actor=request.user, assistance_id=assistance_id)
    business = ended.book.business
    messages.success(
        request,
        _("Pendampingan pencatatan %(shop)s dihentikan.") % {"shop": business.name},
    )
    if ended.operator_id == request.user.pk:
        return redirect("books:assist_home")
    if business.owner_id == request.user.pk:
        return redirect("books:assistance", business.pk)
    return redirect("books:home")


# --- the agency's view ---------------------------------------------------------------------------
def _officer(request):
    if not access.can_view_shared(user=request.user):
        raise AppPermissionDenied(_("Halaman ini untuk petugas OPD pembina."))


@guarded
@require_safe
def shared(request):
    _officer(request)
    rp = ReportPeriod(request, "books:shared", [])
    shares = access.shares_visible(user=request.user)
    if request.GET.get("unduh") == "xlsx":
        every = selectors.shared_summaries(shares=shares, period=rp.period)
        return _attachment(
            reports.shared_xlsx(every.rows, rp.period.label),
            XLSX_CONTENT_TYPE,
            f"ringkasan-buku-{rp.key}-{rp.period.start.isoformat()}.xlsx",
        )
    # The page's rows only: the navigation counts the books, the rows come for this page.
    number = max(int_param(request.GET.get("hal")) or 1, 1)
    result = selectors.shared_summaries(
        shares=shares, period=rp.period, page=number, page_size=SHARED_PAGE
    )
    pages = Paginator(range(result.count), SHARED_PAGE)
    page = pages.get_page(number)
    if page.number != number:  # past the last page: show the last one
        result = selectors.shared_summaries(
            shares=shares, period=rp.period, page=page.number, page_size=SHARED_PAGE
        )
    page.object_list = result.rows
    return render(
        request,
        "books/shared.html",
        {"rp": rp, "page": page, "totals": result.totals, "count": result.count},
    )


@guarded
@require_safe
def shared_detail(request, business_id):
    business, parties = access.book_get_for_summary(user=request.user, business_id=business_id)
    if access.AGENCY not in parties:
        # A keeper has the full report; only an agency reads this view.
        return redirect("books:report", business.pk)
    book = access.book_of(business)
    if book is None:
        raise Http404
    rp = ReportPeriod(request, "books:shared_detail", [business.pk])
    context = _report_context(book, rp, owner_view=False)
    share_row = (
        access.shares_visible(user=request.user)
        .filter(book=book)
        .select_related("agency")
        .order_by("granted_at")
        .first()
    )
    return render(
        request,
        "books/shared_detail.html",
        {"business": business, "share": share_row, "cut_note": _cut_note(rp), **context},
    )
