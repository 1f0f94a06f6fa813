"""Pages of the cash book: the user's books, a book today, the one-thumb entry form (which
also answers the offline queue in JSON), the list of entries by month, one entry with its
receipt and history, edit, delete and restore; and the service worker that lets the form
open without a connection.

Access through books.access only: a stranger gets 404, an agency that reads shared
summaries 403, anonymous the login page (or 401 JSON for the offline queue).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from malpro.books import access, selectors, services
from malpro.books.forms import JENIS, JENIS_OF, EntryForm, entry_initial, mark_errors
from malpro.books.models import Assistance, Direction, Revision, Source
from malpro.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from malpro.core.money import format_rupiah
from malpro.core.views import int_param

RECENT = 10
DUE_SOON_DAYS = 7
PAGE_SIZE = 50
# How an automatic entry says where it came from.
SOURCE_NOTES = {
    Source.MARKETPLACE: gettext_lazy("dari pesanan marketplace"),
    Source.ASN_INSTORE: gettext_lazy("belanja ASN"),
    Source.REVERSAL: gettext_lazy("pembatalan"),
    Source.DEBT_PAYMENT: gettext_lazy("pembayaran kasbon/utang"),
}


# --- access --------------------------------------------------------------------------------------
def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _json_error(message, status: int, fields: dict | None = None) -> JsonResponse:
    return JsonResponse({"message": str(message), "extra": {"fields": fields or {}}}, status=status)


class _Book:
    """The book a keeper opened: business, book, whether an operator keeps it."""

    def __init__(self, business, book):
        self.business, self.book = business, book

    @functools.cached_property
    def assisted(self) -> bool:
        return Assistance.objects.filter(book=self.book, ended_at__isnull=True).exists()

    def context(self, **extra) -> dict:
        return {"business": self.business, "book": self.book, "assisted": self.assisted,
                "tab": "kas", **extra}  # fmt: skip


def keeper_page(view):
    """Signed in (else the login page, or 401 for JSON), keeper of the book (else 404, or 403
    for a sharing agency); the view gets a _Book instead of business_id."""

    @functools.wraps(view)
    def wrapped(request, business_id, *args, **kwargs):
        as_json = _wants_json(request)
        if not request.user.is_authenticated:
            if as_json:
                return _json_error(_("Sesi berakhir: masuk lagi untuk mengirim catatan."), 401)
            return redirect_to_login(request.get_full_path())
        try:
            business, _parties = access.book_get_for_keeper(
                user=request.user, business_id=business_id
            )
            book = services.book_open(business_id=business.pk, actor=request.user)
        except NotFound as exc:
            if as_json:
                return _json_error(exc.message, 404)
            raise Http404(exc.message) from None
        except PermissionDenied as exc:
            if as_json:
                return _json_error(exc.message, 403)
            return render(
                request, "core/error.html", {"code": 403, "message": exc.message}, status=403
            )
        return view(request, _Book(business, book), *args, **kwargs)

    return wrapped


def _entry_or_404(kept: _Book, entry_id):
    try:
        return services.entry_get(kept.book, entry_id)
    except NotFound:
        raise Http404 from None


def source_note(entry) -> str:
    return SOURCE_NOTES.get(entry.source, "")


# --- the user's books ----------------------------------------------------------------------------
@never_cache
def home(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    businesses = list(access.businesses_kept(user=request.user).order_by("name"))
    if len(businesses) == 1:
        return redirect("books:book", business_id=businesses[0].pk)
    return render(
        request,
        "books/home.html",
        {
            "businesses": businesses,
            "can_assist": access.can_assist(user=request.user),
        },
    )


# --- the book today ------------------------------------------------------------------------------
@never_cache
@keeper_page
def book(request, kept: _Book):
    today = services.today()
    day = selectors.summary(book=kept.book, period=selectors.period_of("day", today), detail=False)
    month = selectors.summary(
        book=kept.book, period=selectors.period_of("month", today, today=today), detail=False
    )
    recent = list(selectors.entry_list(book=kept.book)[:RECENT])
    due = list(
        selectors.debts_due(book=kept.book, on=today + dt.timedelta(days=DUE_SOON_DAYS)).order_by(
            "due_on", "id"
        )[:5]
    )
    return render(
        request,
        "books/book.html",
        kept.context(
            today=today,
            day=day,
            month=month,
            recent=[(e, source_note(e)) for e in recent],
            due=due,
            highlight=int_param(request.GET.get("baru")),
        ),
    )


# --- the entry form ------------------------------------------------------------------------------
def _show_error(form, exc: ApplicationError) -> None:
    """A service's refusal on the form's fields (the photo's own check says "photo"; an item
    line says "items.N")."""
    fields = dict(exc.extra.get("fields", {}))
    shown = False
    for key, message in fields.items():
        name = {"photo": "receipt", "items": "item_0"}.get(key, key)
        match = re.match(r"^items\.(\d+)$", key)
        if match:
            name = f"item_{match.group(1)}"
        if name in form.fields:
            form.add_error(name, message)
            shown = True
    if not shown:
        form.add_error(None, exc.message)


def _form_errors(form) -> dict:
    return {
        ("non_field" if name == "__all__" else name): " ".join(errors)
        for name, errors in form.errors.items()
    }


def _direction(request) -> str:
    posted = request.POST.get("direction")
    if request.method == "POST" and posted in Direction.values:
        return posted
    return JENIS.get(request.GET.get("jenis", ""), Direction.IN)


def _form_context(kept: _Book, form, *, direction: str, editing=None, saved=None) -> dict:
    mark_errors(form)
    return kept.context(
        form=form,
        direction=direction,
        jenis=JENIS_OF[direction],
        editing=editing,
        saved=saved,
        is_income=direction == Direction.IN,
    )


@never_cache
@keeper_page
def entry_new(request, kept: _Book):
    """GET: the form. POST: one entry; a page gets a redirect (or the form with its errors),
    the offline queue (Accept: application/json) gets 201 new / 200 already had it / 4xx with
    the field errors."""
    direction = _direction(request)
    as_json = _wants_json(request)
    stock = selectors.stock_items(book=kept.book)
    form = EntryForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        direction=direction,
        stock=stock,
    )
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                entry, created = services.entry_create(
                    actor=request.user,
                    business_id=kept.business.pk,
                    data=form.to_input(),
                    receipt=form.cleaned_data.get("receipt"),
                )
            except ApplicationError as exc:
                if as_json:
                    fields = exc.extra.get("fields") or {}
                    return _json_error(exc.message, exc.status if not fields else 422, fields)
                status = exc.status if isinstance(exc, Conflict) else 422
                _show_error(form, exc)
            else:
                book_url = reverse("books:book", args=[kept.business.pk])
                if request.POST.get("lagi"):
                    target = reverse("books:entry_new", args=[kept.business.pk])
                    target += f"?jenis={JENIS_OF[direction]}&tersimpan={entry.pk}"
                else:
                    target = f"{book_url}?baru={entry.pk}#catatan-{entry.pk}"
                if as_json:
                    return JsonResponse(
                        {"id": entry.pk, "created": created, "url": target},
                        status=201 if created else 200,
                    )
                return redirect(target)
        elif as_json:
            errors = _form_errors(form)
            return _json_error(next(iter(errors.values())), 422, errors)
        response = render(
            request, "books/entry_form.html", _form_context(kept, form, direction=direction)
        )
        response.status_code = status
        return response
    saved = None
    saved_id = int_param(request.GET.get("tersimpan"))
    if saved_id:
        saved = kept.book.entries.filter(pk=saved_id).first()
    return render(
        request,
        "books/entry_form.html",
        _form_context(kept, form, direction=direction, saved=saved),
    )


@never_cache
@keeper_page
def entry_edit(request, kept: _Book, entry_id):
    entry = _entry_or_404(kept, entry_id)
    detail = reverse("books:entry_detail", args=[kept.business.pk, entry.pk])
    if entry.source != Source.MANUAL or entry.deleted_at is not None:
        messages.error(request, _why_locked(entry) or _("Catatan ini sudah dihapus."))
        return redirect(detail)
    direction = entry.direction
    stock = selectors.stock_items(book=kept.book)
    if request.method == "POST":
        form = EntryForm(
            request.POST, request.FILES, direction=direction, stock=stock, editing=entry
        )
        status = 422
        if form.is_valid():
            try:
                services.entry_update(
                    actor=request.user,
                    business_id=kept.business.pk,
                    entry_id=entry.pk,
                    data=form.to_input(),
                    receipt=form.cleaned_data.get("receipt"),
                    remove_receipt=form.cleaned_data.get("remove_receipt", False),
                    revision=form.cleaned_data.get("revision"),
                )
            except ApplicationError as exc:
                status = exc.status if isinstance(exc, Conflict) else 422
                _show_error(form, exc)
            else:
                messages.success(request, _("Perubahan disimpan."))
                return redirect(detail)
    else:
        status = 200
        form = EntryForm(
            initial=entry_initial(entry), direction=direction, stock=stock, editing=entry
        )
    response = render(
        request,
        "books/entry_form.html",
        _form_context(kept, form, direction=direction, editing=entry),
    )
    response.status_code = status
    return response


# --- the list ------------------------------------------------------------------------------------
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


def _month(value, today: dt.date) -> dt.date:
    match = _MONTH.match(value or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= today.year + 1 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    return today.replace(day=1)


@never_cache
@keeper_page
def entries(request, kept: _Book):
    today = services.today()
    first = _month(request.GET.get("bulan"), today)
    period = selectors.period_of("month", first, today=today)
    jenis = request.GET.get("jenis", "")
    direction = JENIS.get(jenis, "")
    deleted = request.GET.get("dihapus") == "1"
    rows = selectors.entry_list(
        book=kept.book, period=None if deleted else period, direction=direction, deleted=deleted
    ).select_related("created_by")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    before = (first - dt.timedelta(days=1)).replace(day=1)
    after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return render(
        request,
        "books/entries.html",
        kept.context(
            period=period,
            totals=selectors.summary(book=kept.book, period=period, detail=False),
            page=page,
            rows=[(e, source_note(e)) for e in page],
            jenis=jenis if direction else "",
            deleted=deleted,
            month_key=first.strftime("%Y-%m"),
            previous_key=before.strftime("%Y-%m"),
            previous_label=selectors.period_of("month", before).label,
            next_key=after.strftime("%Y-%m") if after <= today else "",
            next_label=selectors.period_of("month", after).label if after <= today else "",
        ),
    )


# --- one entry -----------------------------------------------------------------------------------
_FIELD_LABELS = {
    "direction": gettext_lazy("Jenis"),
    "category": gettext_lazy("Kategori"),
    "amount": gettext_lazy("Jumlah"),
    "occurred_on": gettext_lazy("Tanggal"),
    "method": gettext_lazy("Cara bayar"),
    "note": gettext_lazy("Catatan"),
    "receipt": gettext_lazy("Foto nota"),
    "items": gettext_lazy("Barang"),
}


def _shown(key: str, value) -> str:
    from malpro.books.models import Category, Method

    if key == "amount":
        return format_rupiah(int(value))
    if key == "category":
        return str(dict(Category.choices).get(value, value))
    if key == "method":
        return str(dict(Method.choices).get(value, value))
    if key == "direction":
        return str(dict(Direction.choices).get(value, value))
    if key == "occurred_on":
        return selectors._date(dt.date.fromisoformat(value))
    if key == "receipt":
        return _("ada") if value else _("tidak ada")
    if key == "items":
        return ", ".join(f"{i['name']} ×{i['quantity']}" for i in value) or "—"
    return value or "—"


def _history(entry) -> list[dict]:
    """Each change: who, when, what it did (for an edit: each field from → to)."""
    revisions = list(entry.revisions.select_related("changed_by").order_by("revision", "id"))
    now = services._snapshot(entry)
    rows = []
    for n, rev in enumerate(revisions):
        after = revisions[n + 1].before if n + 1 < len(revisions) else now
        changes = []
        if rev.action == Revision.Action.EDITED:
            for key, label in _FIELD_LABELS.items():
                if rev.before.get(key) != after.get(key):
                    changes.append(
                        {
                            "label": label,
                            "before": _shown(key, rev.before.get(key)),
                            "after": _shown(key, after.get(key)),
                        }
                    )
        rows.append({"revision": rev, "changes": changes})
    rows.reverse()
    return rows


def _why_locked(entry) -> str:
    if entry.source == Source.DEBT_PAYMENT:
        return _("Catatan ini pembayaran kasbon/utang: ubah atau batalkan dari halaman kasbon.")
    if entry.source in (Source.MARKETPLACE, Source.ASN_INSTORE, Source.REVERSAL):
        return _(
            "Catatan ini dibuat otomatis dari %(source)s; ia berubah mengikuti pesanannya, "
            "bukan diubah di buku."
        ) % {"source": services.first_lower(entry.get_source_display())}
    return ""


@never_cache
@keeper_page
def entry_detail(request, kept: _Book, entry_id):
    entry = _entry_or_404(kept, entry_id)
    contact = None
    if entry.source == Source.DEBT_PAYMENT:
        payment = entry.debt_payments.select_related("debt__contact").first()
        contact = payment.debt.contact if payment else None
    return render(
        request,
        "books/entry_detail.html",
        kept.context(
            entry=entry,
            note=source_note(entry),
            items=list(entry.items.all()),
            history=_history(entry),
            locked=_why_locked(entry),
            contact=contact,
        ),
    )


@never_cache
@keeper_page
@require_http_methods(["GET", "POST"])
def entry_delete(request, kept: _Book, entry_id):
    entry = _entry_or_404(kept, entry_id)
    detail = reverse("books:entry_detail", args=[kept.business.pk, entry.pk])
    if request.method == "POST":
        try:
            services.entry_delete(
                actor=request.user, business_id=kept.business.pk, entry_id=entry.pk
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Catatan dihapus. Masih dapat dipulihkan dari daftar yang dihapus.")
            )
        return redirect(detail)
    if _why_locked(entry) or entry.deleted_at is not None:
        return redirect(detail)
    return render(
        request,
        "books/entry_confirm_delete.html",
        kept.context(entry=entry, note=source_note(entry)),
    )


@keeper_page
@require_POST
def entry_restore(request, kept: _Book, entry_id):
    entry = _entry_or_404(kept, entry_id)
    try:
        services.entry_restore(actor=request.user, business_id=kept.business.pk, entry_id=entry.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Catatan dipulihkan."))
    return redirect("books:entry_detail", business_id=kept.business.pk, entry_id=entry.pk)


@keeper_page
def receipt(request, kept: _Book, entry_id):
    """The receipt photo, from private storage, to the book's keepers only."""
    entry = _entry_or_404(kept, entry_id)
    if not entry.receipt:
        raise Http404
    response = FileResponse(entry.receipt.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


# --- the service worker --------------------------------------------------------------------------
_SW_SOURCE = Path(__file__).parent / "static" / "books" / "sw.js"


@functools.cache
def _sw_text(assets: tuple[str, ...]) -> str:
    text = _SW_SOURCE.read_text(encoding="utf-8")
    version = hashlib.sha256((text + "|".join(assets)).encode()).hexdigest()[:12]
    listed = ", ".join(f'"{a}"' for a in assets)
    return text.replace('"__VERSION__"', f'"{version}"').replace('"__ASSETS__"', f"[{listed}]")


def service_worker(request):
    """The books' service worker, served under /buku/ so it may control the book's pages.
    It keeps only the entry form's shell and the CSS/JS; no other page is stored."""
    assets = (static("malpro/app.css"), static("books/offline.js"))
    response = HttpResponse(_sw_text(assets), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/buku/"
    response["Cache-Control"] = "no-cache"
    return response
