import io
import json
import urllib.error
import urllib.request

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from malpro.core.exceptions import ApplicationError, NotFound
from malpro.core.views import action_outcome, int_param
from malpro.payments import access, qris, services, settlements
from malpro.payments.forms import (
    BankAccountForm,
    ReconcileForm,
    StaticQRISForm,
    StaticQRISPhotoForm,
)
from malpro.payments.gateways.simulator import SIGNATURE_HEADER, SimulatorGateway, sign
from malpro.payments.models import Payment, PayoutBatch
from malpro.privacy import records as privacy_records


def _payment_or_404(request, checkout_id) -> Payment:
    try:
        return services.payment_for_buyer(user=request.user, checkout_id=checkout_id)
    except NotFound:
        raise Http404 from None


@login_required
def pay(request, checkout_id):
    payment = _payment_or_404(request, checkout_id)
    svg = ""
    if payment.qris_payload:
        svg = segno.make(payment.qris_payload, error="m").svg_inline(scale=5, border=2, dark="#111")
    waiting = payment.status in ("pending", "created")
    return render(
        request,
        "payments/pay.html",
        {
            "payment": payment,
            "qr_svg": svg,
            "orders": payment.checkout.orders.select_related("business"),
            "simulator": payment.provider == "simulator" and settings.MALPRO_SIMULATOR_ENABLED,
            "waiting": waiting and payment.expires_at > timezone.now(),
            # Past its time but not yet expired by the periodic job: say so, offer nothing.
            "too_late": waiting and payment.expires_at <= timezone.now(),
            "qr_filename": f"qris-{payment.reference}.png",
        },
    )


@login_required
def pay_qr_png(request, checkout_id):
    """The payment's QR as a PNG file, to save in the phone's gallery and scan from there with
    the bank's or wallet's app (the phone showing the QR cannot scan itself). Only the buyer,
    like the payment page; 404 once there is nothing to pay."""
    payment = _payment_or_404(request, checkout_id)
    if not payment.qris_payload or payment.status not in ("pending", "created"):
        raise Http404
    if payment.expires_at and payment.expires_at <= timezone.now():
        raise Http404  # past its time, as the payment page says: a saved QR would not pay
    out = io.BytesIO()
    segno.make(payment.qris_payload, error="m").save(out, kind="png", scale=10, border=4)
    response = HttpResponse(out.getvalue(), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="qris-{payment.reference}.png"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def pay_status(request, checkout_id):
    payment = _payment_or_404(request, checkout_id)
    return render(request, "payments/partials/status.html", {"payment": payment})


@login_required
@require_POST
def pay_cancel(request, checkout_id):
    with action_outcome(request, _("Pesanan dibatalkan; stok dikembalikan.")):
        services.buyer_cancel(user=request.user, checkout_id=checkout_id)
    return redirect("orders:my_orders")


def simulator(request, reference: str):
    """The simulator's own page, as a provider's app would show it to the payer. Paying sends
    a signed HTTP notification to Malpro's webhook, exactly as a provider does."""
    if not settings.MALPRO_SIMULATOR_ENABLED:
        raise Http404
    payment = get_object_or_404(Payment, reference=reference, provider="simulator")
    result = None
    if request.method == "POST":
        status = "paid" if request.POST.get("action") != "fail" else "failed"
        body = SimulatorGateway.notification_body(payment, status=status)
        url = request.build_absolute_uri(
            reverse("api:payment_webhook", kwargs={"provider": "simulator"})
        )
        # Our own webhook, by the URL this request came in on (http or https only).
        outbound = urllib.request.Request(  # noqa: S310
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                SIGNATURE_HEADER: sign(body),
            },
        )
        try:
            with urllib.request.urlopen(outbound, timeout=10) as response:  # noqa: S310
                result = (response.status, json.loads(response.read() or b"{}"))
        except urllib.error.HTTPError as exc:
            result = (exc.code, {"message": exc.reason})
        except urllib.error.URLError as exc:
            result = (0, {"message": str(exc.reason)})
        payment.refresh_from_db()
    return render(request, "payments/simulator.html", {"payment": payment, "result": result})


# --- sellers -------------------------------------------------------------------------------------
@login_required
def balance(request):
    businesses = list(access.balance_businesses(user=request.user))
    if not businesses:
        return redirect("umkm:register")
    wanted = request.GET.get("usaha") or request.POST.get("usaha")
    business = next((b for b in businesses if str(b.pk) == wanted), businesses[0])
    account = access.payout_account_of(business=business)
    bank_form = BankAccountForm(
        initial={
            "bank_code": account.bank_code,
            "account_number": account.account_number,
            "account_name": account.account_name,
        }
        if account
        else None
    )
    qris_form = StaticQRISForm()
    photo_form = StaticQRISPhotoForm(shop_name=business.name)
    here = f"{reverse('payments:balance')}?usaha={business.pk}"
    if request.method == "POST" and request.POST.get("form") == "bank":
        bank_form = BankAccountForm(request.POST)
        if _saved(bank_form, services.payout_account_set, actor=request.user, business=business):
            messages.success(request, _("Rekening disimpan."))
            return redirect(here)
    if request.method == "POST" and request.POST.get("form") == "qris":
        qris_form = StaticQRISForm(request.POST)
        if _saved(qris_form, services.static_qris_set, actor=request.user, business=business):
            messages.success(request, _("QRIS statis disimpan."))
            return redirect(here)
    if request.method == "POST" and request.POST.get("form") == "qris_photo":
        # Read only: the sticker is shown back and saved by the "qris" form once confirmed.
        photo_form = StaticQRISPhotoForm(request.POST, request.FILES, shop_name=business.name)
        photo_form.is_valid()
    return render(
        request,
        "payments/balance.html",
        {
            "business": business,
            "businesses": businesses,
            "balance": settlements.seller_balance(business=business),
            "bank_form": bank_form,
            "qris_form": qris_form,
            "photo_form": photo_form,
            "sticker": photo_form.sticker,
            "static_qris": access.static_qris_of(business=business),
        },
    )


def _saved(form, service, **kwargs) -> bool:
    """Calls `service` with the form's data; its refusal becomes the form's error."""
    if not form.is_valid():
        return False
    try:
        service(**kwargs, **form.cleaned_data)
    except ApplicationError as exc:
        fields = exc.extra.get("fields") or {}
        field = next((f for f in fields if f in form.fields), None)
        form.add_error(field, exc.message)
        return False
    return True


# --- city admin ----------------------------------------------------------------------------------
def _official(request):
    """The city's money pages exist only for those who may read them."""
    if not access.can_view_payouts(user=request.user):
        raise Http404


def _writer_or_403(request):
    """Payouts and reconciliation runs are the city admin's; the auditor only reads."""
    if access.can_manage_payouts(user=request.user):
        return None
    return render(
        request,
        "core/error.html",
        {
            "code": 403,
            "message": _("Hanya admin kota yang dapat melakukan ini; auditor hanya membaca."),
        },
        status=403,
    )


# The payouts page's buttons: the batch's next state and what to tell the admin.
BATCH_MOVES = {
    "approve": (PayoutBatch.State.APPROVED, gettext_lazy("Pencairan disetujui.")),
    "paid": (PayoutBatch.State.PAID, gettext_lazy("Pencairan ditandai sudah ditransfer.")),
    "cancel": (PayoutBatch.State.CANCELLED, gettext_lazy("Pencairan dibatalkan.")),
}


@login_required
def payouts(request):
    _official(request)
    if request.method == "POST":
        if (denied := _writer_or_403(request)) is not None:
            return denied
        action = request.POST.get("action")
        batch_id = int_param(request.POST.get("batch_id"))
        try:
            if action in BATCH_MOVES and batch_id is None:
                raise NotFound(_("Pencairan dana tidak ditemukan."))
            if action == "create":
                made = [
                    settlements.batch_create(actor=request.user, provider=p)
                    for p in settlements.providers_with_payables()
                ]
                made = [b for b in made if b]
                if made:
                    messages.success(request, _("%(n)d pencairan dibuat.") % {"n": len(made)})
                else:
                    messages.info(request, _("Tidak ada dana yang perlu dicairkan."))
            elif action in BATCH_MOVES:
                to, done = BATCH_MOVES[action]
                settlements.payout_batch_transition(
                    actor=request.user,
                    batch_id=batch_id,
                    to=to,
                    reason=request.POST.get("reason", "")[:500],
                )
                messages.success(request, done)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("payments:payouts")
    return render(
        request,
        "payments/payouts.html",
        {
            "batches": access.payout_batch_visible(user=request.user)[:50],
            "notifications": access.rejected_notifications_visible(user=request.user)[:20],
            "late": access.late_payments_visible(user=request.user)[:20],
            "can_manage": access.can_manage_payouts(user=request.user),
        },
    )


@login_required
def payout_csv(request, batch_id: int):
    if not access.can_download_payout_file(user=request.user):
        raise Http404
    try:
        batch, body = settlements.batch_export(actor=request.user, batch_id=batch_id)
    except NotFound:
        raise Http404 from None
    privacy_records.record(
        kind=privacy_records.Kind.EXPORT_PAYOUT, request=request, reason=f"batch #{batch.pk}"
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pencairan-{batch.pk}.csv"'
    return response


@login_required
def reconciliation(request):
    _official(request)
    if request.method == "POST" and not access.can_run_reconciliation(user=request.user):
        return _writer_or_403(request)
    form = ReconcileForm(request.POST or None, request.FILES or None)
    run = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = settlements.reconcile(
                actor=request.user,
                provider=form.cleaned_data["provider"],
                source=upload,
                filename=upload.name,
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
    return render(
        request,
        "payments/reconciliation.html",
        {
            "form": form,
            "run": run,
            "runs": access.reconciliation_visible(user=request.user)[:10],
            "can_run": access.can_run_reconciliation(user=request.user),
        },
    )


def qris_check(request):
    """A small public tool: paste a QRIS payload, see what it says."""
    parsed, error = None, None
    if request.method == "POST":
        try:
            parsed = qris.parse(request.POST.get("payload", ""))
        except qris.QRISError as exc:
            error = exc.message
    return render(request, "payments/qris_check.html", {"parsed": parsed, "error": error})
