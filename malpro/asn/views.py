import uuid
from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from malpro.accounts import services as account_services
from malpro.asn import (
    access,
    bundles,
    flags,
    importer,
    obligation,
    periods,
    reports,
    selectors,
    services,
)
from malpro.asn.forms import (
    BundleForm,
    ClaimForm,
    DecisionForm,
    FlagReviewForm,
    OfflinePurchaseForm,
    RosterUploadForm,
    ShopFinderForm,
    ShopQRISForm,
)
from malpro.asn.models import Bundle, IntegrityFlag, NipClaim, OfflinePurchase
from malpro.core import validators
from malpro.core.exceptions import ApplicationError, RateLimited
from malpro.core.forms import apply_application_error
from malpro.core.views import int_param
from malpro.privacy import records as privacy_records


def _number(value) -> int:
    """An id from a form or a query string; anything else is 0 (which matches nothing)."""
    return int_param(value) or 0


def _period(request):
    try:
        return periods.parse(request.GET.get("periode"))
    except ApplicationError:
        return periods.parse(None)


def _verify_first(request, exc: account_services.PhoneNotVerified):
    """To the phone verification page, and back here once the phone is proved."""
    messages.info(request, _("Verifikasi nomor HP Anda dulu untuk mengklaim NIP."))
    return redirect(f"{exc.extra['verify_url']}?{urlencode({'next': request.get_full_path()})}")


def _claim_page(request):
    """A signed-in account not (yet) linked to a NIP claims one; it needs a verified phone."""
    try:
        account_services.require_verified_phone(request.user)
    except account_services.PhoneNotVerified as exc:
        return _verify_first(request, exc)
    form = ClaimForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.nip_claim(
                user=request.user, nip=form.cleaned_data["nip"], request=request
            )
        except account_services.PhoneNotVerified as exc:
            return _verify_first(request, exc)
        except ApplicationError as exc:
            apply_application_error(form, exc)
            status = 429 if isinstance(exc, RateLimited) else 200
        else:
            if claim.state == NipClaim.State.APPROVED:
                messages.success(request, services.CLAIM_APPROVED)
            else:
                messages.info(request, services.CLAIM_RECEIVED)
            return redirect("asn:home")
    own = access.own_nip_claim(user=request.user)
    context = {"form": form, "claim": access.claim_for_claimant(own) if own else None}
    return render(request, "asn/claim.html", context, status=status)


@login_required
def home(request):
    employee = access.employee_of(user=request.user)
    if employee is None:
        return _claim_page(request)
    year, month = _period(request)
    try:
        result = obligation.obligation_for(employee, year, month)
    except ApplicationError as exc:
        return render(request, "asn/home.html", {"employee": employee, "error": exc.message})
    today = timezone.localdate()
    current = (year, month) == (today.year, today.month)
    pending = (
        obligation.pending_for(employee, year, month, policy=result.policy) if current else None
    )
    excluded = result.excluded
    if pending is not None:  # an unconfirmed in-store purchase is under way, not refused
        excluded = [e for e in excluded if e.offline_id not in pending.offline_ids]
    return render(
        request,
        "asn/home.html",
        {
            "employee": employee,
            "result": result,
            # Under way is shown for the month it may still land in.
            "pending": pending,
            "excluded": excluded,
            "counting_categories": selectors.counting_categories(policy=result.policy),
            "period": periods.label(year, month),
            "period_human": periods.human(year, month),
            "history": selectors.standing_history(employee=employee),
            "bundles": selectors.bundles_active(),
            "offline": selectors.offline_recent(employee=employee),
            "progress": min(100, result.counted * 100 // result.required)
            if result.required
            else 100,
        },
    )


def _shop_finder(request, *, scan_form=None, found=None, from_qris=False):
    """Step one of an in-store purchase: find the shop by name or kelurahan, or by a photo of
    its QRIS. Works without JavaScript: a GET search and a POST upload."""
    finder = ShopFinderForm(request.GET if "q" in request.GET else None)
    more = False
    if found is None and finder.is_bound and finder.is_valid():
        found = selectors.offline_shops_search(query=finder.cleaned_data["q"])
        more = len(found) > selectors.FINDER_LIMIT
        found = found[: selectors.FINDER_LIMIT]
    context = {
        "finder": finder,
        "found": found,
        "more": more,
        "scan_form": scan_form or ShopQRISForm(),
        "from_qris": from_qris,
    }
    return render(request, "asn/offline_find.html", context)


@login_required
def offline_new(request):
    if not access.can_record_offline(user=request.user):
        return redirect("asn:home")
    wanted = _number(request.POST.get("business_id") or request.GET.get("usaha"))
    shop = selectors.offline_shop(business_id=wanted) if wanted else None
    if shop is None:
        return _shop_finder(request)
    form = OfflinePurchaseForm(
        request.POST or None, request.FILES or None, initial={"business_id": shop.pk}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.offline_record(user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Tercatat; menunggu konfirmasi penjual."))
            return redirect("asn:home")
    return render(request, "asn/offline_form.html", {"form": form, "shop": shop})


@login_required
@require_POST
def offline_scan(request):
    """The shop of an in-store purchase from a photo of its QRIS (read only, nothing kept)."""
    if not access.can_record_offline(user=request.user):
        return redirect("asn:home")
    form = ShopQRISForm(request.POST, request.FILES)
    if not form.is_valid():
        return _shop_finder(request, scan_form=form)
    if len(form.shops) == 1:
        shop = form.shops[0]
        messages.success(request, _("Toko ditemukan dari QRIS: %(name)s.") % {"name": shop.name})
        return redirect(f"{reverse('asn:offline_new')}?{urlencode({'usaha': shop.pk})}")
    # One QRIS shared by several shops (one owner's outlets): the person picks.
    return _shop_finder(request, found=form.shops, from_qris=True)


@login_required
def offline_receipt(request, purchase_id: int):
    try:
        purchase = access.offline_purchase_get_for_user(
            user=request.user, offline_purchase_id=purchase_id
        )
    except ApplicationError:
        raise Http404 from None
    response = FileResponse(purchase.receipt.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def offline_inbox(request):
    """Sellers (and guiding officers) confirm ASN's in-person purchases."""
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                purchase = services.offline_purchase_transition(
                    actor=request.user,
                    purchase_id=_number(request.POST.get("purchase_id")),
                    to=OfflinePurchase.State.CONFIRMED
                    if form.cleaned_data["decision"] == "yes"
                    else OfflinePurchase.State.REJECTED,
                    reason=form.cleaned_data["reason"],
                )
                if purchase.state == OfflinePurchase.State.PENDING:
                    # An unusually large purchase: the seller's yes is recorded, an officer
                    # of the guiding OPD decides.
                    messages.info(
                        request,
                        _(
                            "Konfirmasi Anda tercatat. Pembelian sebesar ini juga diperiksa "
                            "petugas OPD pembina sebelum dihitung."
                        ),
                    )
                else:
                    messages.success(request, _("Keputusan disimpan."))
            except ApplicationError as exc:
                messages.error(request, exc.message)
        return redirect("asn:offline_inbox")
    pending = list(access.offline_purchases_to_decide(user=request.user))
    for purchase in pending:
        purchase.needs_review = services.offline_needs_review(purchase)
        purchase.seller_confirmed = purchase.needs_review and services.offline_seller_confirmed(
            purchase
        )
    return render(request, "asn/offline_inbox.html", {"purchases": pending})


@login_required
def bundle(request, bundle_id: int):
    employee = access.employee_of(user=request.user)
    if employee is None:
        return redirect("asn:home")
    chosen = get_object_or_404(Bundle, pk=bundle_id, is_active=True)
    form = BundleForm(request.POST or request.GET or None)
    picks = None
    if form.is_bound and form.is_valid():
        if request.method == "POST" and request.POST.get("confirm") == "1":
            if not request.POST.get("token"):
                messages.error(request, _("Formulir kedaluwarsa. Muat ulang halaman, lalu pesan."))
            else:
                try:
                    checkout = services.bundle_order(
                        buyer=request.user,
                        bundle_id=chosen.pk,
                        village_code=form.cleaned_data["village_code"],
                        street=form.cleaned_data["street"],
                        payment_method=form.cleaned_data["payment_method"],
                        plan=request.POST.get("plan", ""),
                        idempotency_key=request.POST["token"],
                    )
                except bundles.PlanChanged as exc:
                    messages.warning(request, exc.message)
                except ApplicationError as exc:
                    messages.error(request, exc.message)
                else:
                    return redirect("orders:placed", checkout_id=checkout.pk)
        district = form.cleaned_data["village_code"].rsplit(".", 1)[0]
        picks = bundles.plan(bundle=chosen, employee=employee, district_code=district)
    return render(
        request,
        "asn/bundle.html",
        {
            "bundle": chosen,
            "form": form,
            "picks": picks,
            "plan": bundles.signature(picks) if picks else "",
            "total": bundles.total(picks),
            "token": uuid.uuid4().hex,
        },
    )


@login_required
def claims(request):
    if not access.can_view_claims(user=request.user):
        raise Http404
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.nip_claim_transition(
                    actor=request.user,
                    claim_id=_number(request.POST.get("claim_id")),
                    to=NipClaim.State.APPROVED
                    if form.cleaned_data["decision"] == "yes"
                    else NipClaim.State.REJECTED,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Keputusan disimpan."))
            except ApplicationError as exc:
                messages.error(request, exc.message)
        return redirect("asn:claims")
    shown = list(access.nip_claims_to_review(user=request.user))
    waiting = Counter(claim.employee_id for claim in shown)
    for claim in shown:
        # Phones help the deciding officer call the person; a reader who cannot decide (an
        # auditor) sees them masked and gets no buttons.
        claim.decidable = access.can_decide_claim(user=request.user, obj=claim)
        # Several accounts may wait on one NIP: only one of them is its ASN.
        claim.rivals = waiting[claim.employee_id] - 1
        claim.nip_shown = claim.nip if claim.decidable else validators.mask_nip(claim.nip)
        if claim.decidable:
            privacy_records.record(
                kind=privacy_records.Kind.VIEW_FULL_NIP, request=request, subject_user=claim.user
            )
    return render(request, "asn/claims.html", {"claims": shown})


@login_required
def report(request):
    if not access.can_view_reports(user=request.user):
        raise Http404
    visible = access.report_agency_ids(user=request.user)
    year, month = _period(request)
    label = periods.label(year, month)
    try:
        rows = reports.opd_report(year=year, month=month, agency_ids=visible)
    except ApplicationError as exc:
        return render(request, "asn/reports.html", {"error": exc.message, "period": label})
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "pdf"):
        privacy_records.record(
            kind=privacy_records.Kind.EXPORT_REPORT, request=request, reason=f"{fmt} {label}"
        )
    if fmt == "xlsx":
        response = HttpResponse(
            reports.xlsx(rows, label, full_nip=access.keeps_roster(user=request.user)),
            content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
        response["Content-Disposition"] = f'attachment; filename="kepatuhan-asn-{label}.xlsx"'
        return response
    trend = reports.trend(year=year, month=month, agency_ids=visible)
    if fmt == "pdf":
        response = HttpResponse(reports.pdf(rows, label, trend), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="kepatuhan-asn-{label}.pdf"'
        return response
    agency = _number(request.GET.get("opd"))
    detail = None
    if agency and (visible is None or agency in visible):
        detail = reports.asn_detail(year=year, month=month, agency_id=agency)
    return render(
        request,
        "asn/reports.html",
        {"rows": rows, "period": label, "trend": trend, "detail": detail},
    )


@login_required
def flag_queue(request):
    if not access.can_view_flags(user=request.user):
        raise Http404
    if request.method == "POST":
        form = FlagReviewForm(request.POST)
        try:
            if not form.is_valid():
                raise ApplicationError(_("Pilih hasil dan isi catatan pemeriksaan."))
            services.integrity_flag_transition(
                actor=request.user,
                flag_id=_number(request.POST.get("flag_id")),
                to=form.cleaned_data["state"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Hasil pemeriksaan disimpan."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("asn:flags")
    state = request.GET.get("status", "open")
    items = access.integrity_flag_visible(user=request.user).select_related(
        "employee__agency", "business", "agency", "period", "reviewed_by"
    )
    if state in IntegrityFlag.State.values:
        items = items.filter(state=state)
    shown = list(items[:200])
    for flag in shown:
        flag.lines = flags.describe(flag)
    return render(request, "asn/flags.html", {"flags": shown, "state": state})


@login_required
def roster_upload(request):
    if not access.can_import_roster(user=request.user):
        raise Http404
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importer.roster_import(
                source=upload,
                filename=upload.name,
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
                full=form.cleaned_data["full"],
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
    return render(request, "asn/roster_upload.html", {"form": form, "result": result})
