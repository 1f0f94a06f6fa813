"""The guided registration of a seller's own business ("Mulai jualan"): three short steps
(1. business essentials, 2. documents, 3. first product with its photo: catalog's page), each
saved as it is done so the path can be left and resumed from "Usaha saya" or "Akun saya",
then the status page that says what happens next. Pages only; the writes are umkm.services'.
Works without JavaScript."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from malpro.accounts.decorators import verified_phone_required
from malpro.core import validators
from malpro.core.exceptions import ApplicationError, NotFound
from malpro.core.forms import apply_application_error
from malpro.umkm import access, selectors, services
from malpro.umkm.forms import DocumentsForm, EssentialsForm
from malpro.umkm.models import Business, Status
from malpro.umkm.views import _deny, _initial_from, step_url
from malpro.umkm.workflow import BUSINESS

STEPS = 3


def _own_business(request, business_id: int) -> Business:
    """The signed-in person's own business (404 for anyone else's, as elsewhere)."""
    business = access.business_get_for_user(user=request.user, business_id=business_id)
    if access.OWNER not in access.business_parties(request.user, business):
        raise NotFound(_("UMKM tidak ditemukan."))
    return business


def _registration_under_way(request, business_id: int):
    """(business, None) for the person's own registration still in its steps; otherwise
    (None, the answer): 404 for another's, its status page once it has been submitted."""
    try:
        business = _own_business(request, business_id)
    except NotFound as exc:
        return None, _deny(request, exc)
    if business.status not in selectors.ONBOARDING_STATES:
        return None, redirect("umkm:status", business_id=business.pk)
    return business, None


def start(request):
    """ "Mulai jualan": anonymous visitors sign up (or log in) first and come back here; a
    person with a registration under way resumes it; otherwise step 1."""
    if not request.user.is_authenticated:
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:register')}?{query}")
    return _start(request)


@verified_phone_required
def _start(request):
    if request.GET.get("baru") != "1":
        business = selectors.onboarding_business(user=request.user)
        if business is not None:
            return redirect(step_url(business, selectors.onboarding_step(business=business)))
        newest = selectors.businesses_of_owner(user=request.user).first()
        if newest is not None:
            return redirect("umkm:status", business_id=newest.pk)
    return _essentials(request, None)


@verified_phone_required
def essentials(request, business_id: int):
    """Step 1 again, for a registration under way (a draft, or rejected to be fixed)."""
    business, elsewhere = _registration_under_way(request, business_id)
    if elsewhere:
        return elsewhere
    return _essentials(request, business)


def _essentials(request, business: Business | None):
    user = request.user
    if business is None:
        initial = {
            "owner_name": user.name,
            "owner_nik": user.nik,
            "phone": validators.format_phone(user.phone),
        }
    else:
        initial = _initial_from(business)
        initial["agency"] = next(iter(initial["agency_codes"]), None)
    form = EssentialsForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        user=user,
        business=business,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if business is None:
                business = services.business_register(
                    actor=user, data=form.to_input(), request=request
                )
            else:
                business = services.business_update(
                    actor=user, business=business, data=form.to_input(base=_initial_from(business))
                )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(
                request,
                _("Data usaha %(name)s tersimpan. Lanjut ke dokumen.") % {"name": business.name},
            )
            return redirect(step_url(business, 2))
    return render(
        request,
        "umkm/onboarding_business.html",
        {
            "form": form,
            "business": business,
            "step": 1,
            "steps": STEPS,
            # Registered already by an officer or the kelurahan with this phone: claim it.
            "claimable": business is None and selectors.business_claimable(user=user).exists(),
        },
    )


@verified_phone_required
def documents(request, business_id: int):
    """Step 2: the KTP photo (required to submit) and the optional permits' documents."""
    business, elsewhere = _registration_under_way(request, business_id)
    if elsewhere:
        return elsewhere
    ktp_filed = selectors.ktp_filed(business=business)
    posted = request.method == "POST"
    form = DocumentsForm(
        request.POST if posted else None, request.FILES if posted else None, ktp_filed=ktp_filed
    )
    if request.method == "POST" and form.is_valid():
        try:
            added = services.documents_add(
                actor=request.user, business=business, uploads=form.uploads()
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            if added:
                messages.success(request, _("Dokumen tersimpan. Lanjut ke produk pertama."))
            return redirect(step_url(business, 3))
    return render(
        request,
        "umkm/onboarding_documents.html",
        {
            "form": form,
            "business": business,
            "step": 2,
            "steps": STEPS,
            "filed": selectors.business_documents(user=request.user, business=business),
            "ktp_filed": ktp_filed,
        },
    )


@verified_phone_required
@require_POST
def submit(request, business_id: int):
    """ "Ajukan verifikasi" at the end of the path; what is missing sends the owner back to
    the step that asks for it."""
    try:
        business = _own_business(request, business_id)
        business = services.business_transition(
            actor=request.user, business_id=business.pk, to=Status.SUBMITTED, request=request
        )
    except NotFound as exc:
        return _deny(request, exc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        missing = exc.extra.get("missing", [])
        if not missing:
            return redirect("umkm:status", business_id=business_id)
        business = Business.objects.get(pk=business_id)
        # Only the KTP photo missing: step 2; anything else is asked in step 1.
        only_ktp = len(missing) == 1 and not selectors.ktp_filed(business=business)
        return redirect(step_url(business, 2 if only_ktp else 1))
    messages.success(
        request,
        _("Pendaftaran %(name)s diajukan. Kami kabari lewat pemberitahuan setelah diperiksa.")
        % {"name": business.name},
    )
    return redirect("umkm:status", business_id=business.pk)


@login_required
def status(request, business_id: int):
    """Where a registration stands, what happens next, who verifies it and how long it usually
    takes; once verified, the one button that opens the shop."""
    try:
        business = access.business_get_for_user(user=request.user, business_id=business_id)
    except NotFound as exc:
        return _deny(request, exc)
    user = request.user
    parties = access.business_parties(user, business)
    targets = BUSINESS.targets(user, business)
    step = (
        selectors.onboarding_step(business=business)
        if business.status in selectors.ONBOARDING_STATES and access.OWNER in parties
        else None
    )
    return render(
        request,
        "umkm/status.html",
        {
            "business": business,
            "is_owner": access.OWNER in parties,
            "agencies": list(business.agencies.all()),
            "wait": selectors.verification_wait(business=business),
            "can_open": Status.ACTIVE in targets,
            "can_submit": Status.SUBMITTED in targets and access.OWNER in parties,
            "resume_step": step,
            "resume_url": step_url(business, step) if step else "",
            "steps": STEPS,
            "submitted_at": business.history.filter(to_status=Status.SUBMITTED)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first(),
        },
    )
