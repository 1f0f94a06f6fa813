import io
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from malpro.accounts import access as accounts_access
from malpro.accounts.decorators import verified_phone_required
from malpro.core import hooks, tabular, validators
from malpro.core.exceptions import ApplicationError, NotFound
from malpro.core.exceptions import PermissionDenied as AppPermissionDenied
from malpro.core.forms import apply_application_error
from malpro.core.tabular import RowIssue, match_headers, write_issues_csv
from malpro.core.views import int_param, redirect_next
from malpro.privacy import records as privacy_records
from malpro.umkm import access, exports, importer, selectors, services
from malpro.umkm.forms import (
    BusinessForm,
    ClaimDecisionForm,
    ClaimForm,
    DocumentForm,
    ImportUploadForm,
    OnBehalfForm,
    RegistryFilterForm,
    TransitionForm,
)
from malpro.umkm.models import ImportJob, Status
from malpro.umkm.tasks import progress_key
from malpro.umkm.workflow import BUSINESS


def _deny(request, exc):
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    return render(request, "core/error.html", {"code": 403, "message": exc.message}, status=403)


def _initial_from(business) -> dict:
    return {
        "name": business.name,
        "sector": business.sector,
        "description": business.description,
        "owner_name": business.owner_name,
        "owner_nik": business.owner_nik,
        "phone": business.phone,
        "village_code": business.village_id,
        "address": business.address,
        "opening_hours": business.opening_hours,
        "nib": business.nib or "",
        "halal_number": business.halal_number,
        "halal_issued_on": business.halal_issued_on,
        "halal_expires_on": business.halal_expires_on,
        "pirt_number": business.pirt_number,
        "capital": business.capital,
        "annual_sales": business.annual_sales,
        "agency_codes": [a.code for a in business.agencies.all()],
    }


def step_url(business, step: int) -> str:
    """A step of the guided registration ("Mulai jualan", umkm.onboarding); the third, the
    first product, is the catalog's page."""
    if step == 1:
        return reverse("umkm:onboarding_business", args=[business.pk])
    if step == 2:
        return reverse("umkm:onboarding_documents", args=[business.pk])
    return reverse("catalog:onboarding_product", args=[business.pk])


# --- sellers -------------------------------------------------------------------------------------
@login_required
def my_businesses(request):
    businesses = list(selectors.businesses_of_owner(user=request.user))
    for business in businesses:  # a registration under way resumes where it stopped
        if business.status in selectors.ONBOARDING_STATES:
            business.resume_url = step_url(business, selectors.onboarding_step(business=business))
    return render(
        request,
        "umkm/my_businesses.html",
        {
            "businesses": businesses,
            "claimable": selectors.business_claimable(user=request.user).exists(),
            "phone_verified": accounts_access.has_verified_phone(user=request.user),
        },
    )


@login_required
def register(request):
    on_behalf = request.GET.get("atas_nama") == "1" or request.POST.get("on_behalf") == "1"
    if on_behalf:
        if not access.can_register_on_behalf(user=request.user):
            return _deny(request, AppPermissionDenied(_("Hanya operator wilayah.")))
        return _register(request, on_behalf=True)
    return _register_own(request)


@verified_phone_required
def _register_own(request):
    """Becoming a seller relies on the phone: an unverified one is sent to prove it first."""
    return _register(request, on_behalf=False)


def _register(request, *, on_behalf: bool):
    form_class = OnBehalfForm if on_behalf else BusinessForm
    user = request.user
    initial = (
        {}
        if on_behalf
        else {
            "owner_name": user.name,
            "owner_nik": user.nik,
            "phone": validators.format_phone(user.phone),
        }
    )
    form = form_class(request.POST or None, initial=initial, user=user, on_behalf=on_behalf)
    if request.method == "POST" and form.is_valid():
        try:
            business = services.business_register(
                actor=request.user,
                data=form.to_input(),
                on_behalf=on_behalf,
                consent=form.cleaned_data.get("consent", False),
                consent_note=form.cleaned_data.get("consent_note", ""),
                request=request,
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(
                request,
                _("Usaha %(name)s tersimpan sebagai draf. Lengkapi dokumen lalu ajukan verifikasi.")
                % {"name": business.name},
            )
            return redirect("umkm:detail", business_id=business.pk)
    return render(request, "umkm/register.html", {"form": form, "on_behalf": on_behalf})


@login_required
def detail(request, business_id: int):
    try:
        business = access.business_get_for_user(user=request.user, business_id=business_id)
    except NotFound as exc:
        return _deny(request, exc)
    user = request.user
    parties = access.business_parties(user, business)
    show_personal = access.can_view_personal(user=user, business=business, parties=parties)
    if show_personal and business.owner_nik:
        privacy_records.record(
            kind=privacy_records.Kind.VIEW_FULL_NIK, request=request, subject_business=business
        )
    return render(
        request,
        "umkm/detail.html",
        {
            "business": business,
            "show_personal": show_personal,
            "can_edit": access.can_edit(user=user, business=business, parties=parties),
            "transitions": [(to, Status(to).label) for to in BUSINESS.targets(user, business)],
            "history": selectors.business_history(business=business),
            "documents": selectors.business_documents(
                user=user, business=business, parties=parties
            ),
            "document_form": DocumentForm()
            if access.can_upload_document(user=user, business=business, parties=parties)
            else None,
            "agencies": business.agencies.all(),
            "is_owner": access.OWNER in parties,
        },
    )


@login_required
def edit(request, business_id: int):
    try:
        business = access.business_get_for_user(user=request.user, business_id=business_id)
    except NotFound as exc:
        return _deny(request, exc)
    # Checked before the form is built: its initial values hold the full NIK and phone.
    if not access.can_edit(user=request.user, business=business):
        return _deny(request, AppPermissionDenied(_("Anda tidak berhak mengubah data usaha ini.")))
    form = BusinessForm(
        request.POST or None, initial=_initial_from(business), user=request.user, business=business
    )
    if request.method == "GET" and business.owner_nik:
        privacy_records.record(
            kind=privacy_records.Kind.VIEW_FULL_NIK, request=request, subject_business=business
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.business_update(actor=request.user, business=business, data=form.to_input())
        except ApplicationError as exc:  # a refusal tied to a field shows on that field
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Data usaha disimpan."))
            return redirect("umkm:detail", business_id=business.pk)
    return render(request, "umkm/edit.html", {"form": form, "business": business})


@login_required
@require_POST
def transition(request, business_id: int):
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Permintaan tidak valid."))
        return redirect("umkm:detail", business_id=business_id)
    try:
        access.business_get_for_user(user=request.user, business_id=business_id)
        business = services.business_transition(
            actor=request.user,
            business_id=business_id,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except NotFound as exc:
        return _deny(request, exc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("umkm:detail", business_id=business_id)
    if business.status == Status.ACTIVE and form.cleaned_data["to"] == Status.ACTIVE:
        messages.success(
            request,
            _("Toko %(name)s sudah buka: produk Anda tampil di marketplace.")
            % {"name": business.name},
        )
    else:
        messages.success(
            request, _("Status usaha sekarang: %(s)s.") % {"s": business.get_status_display()}
        )
    # The status page's "Buka toko sekarang" goes on to the open shop.
    return redirect_next(request, "umkm:detail", business_id=business_id)


@login_required
@require_POST
def document_upload(request, business_id: int):
    try:
        business = access.business_get_for_user(user=request.user, business_id=business_id)
    except NotFound as exc:
        return _deny(request, exc)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(
                actor=request.user,
                business=business,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Dokumen diunggah."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("umkm:detail", business_id=business_id)


@login_required
def document_download(request, business_id: int, document_id: int):
    try:
        document = access.document_get_for_user(
            user=request.user, business_id=business_id, document_id=document_id
        )
    except (NotFound, AppPermissionDenied) as exc:
        return _deny(request, exc)
    privacy_records.record(
        kind=privacy_records.Kind.DOWNLOAD_DOCUMENT,
        request=request,
        subject_business=document.business,
        reason=f"{document.kind} #{document.pk}",
    )
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = f'inline; filename="dokumen-{document.pk}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@verified_phone_required
def claim(request):
    candidates = selectors.business_claimable(user=request.user)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.claim_request(
                user=request.user,
                business_id=int_param(request.POST.get("business_id")) or 0,
                nik=form.cleaned_data["nik"],
                request=request,
            )
        except ApplicationError as exc:
            apply_application_error(form, exc) if "nik" in exc.extra.get(
                "fields", {}
            ) else form.add_error(None, exc.message)
        else:
            if result.state == result.State.APPROVED:
                messages.success(
                    request,
                    _("Usaha %(name)s sekarang terhubung ke akun Anda.")
                    % {"name": result.business.name},
                )
                return redirect("umkm:detail", business_id=result.business_id)
            messages.info(request, _("Klaim dikirim; petugas akan memeriksanya."))
            return redirect("umkm:mine")
    return render(
        request,
        "umkm/claim.html",
        {
            "candidates": candidates,
            "form": form,
            "submitted_id": request.POST.get("business_id", ""),
        },
    )


# --- officials -----------------------------------------------------------------------------------
def _official_or_403(request):
    if not access.can_see_registry(user=request.user):
        return _deny(request, AppPermissionDenied(_("Halaman ini untuk petugas.")))
    return None


# A NIK, NIP or any 15-18 digit number (spaces, dots and dashes ignored) never travels in a
# URL: URLs end up in access logs, browser histories and referrers.
_IDENTIFIER = re.compile(r"\d{15,18}")


def _identifier_params(params) -> list[str]:
    return [
        key
        for key, values in params.lists()
        if any(_IDENTIFIER.search(re.sub(r"[\s.\-]", "", value)) for value in values)
    ]


class NikSearchForm(forms.Form):
    nik = forms.CharField(
        label=_("Cari NIK pemilik"),
        max_length=24,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "type": "search"}
        ),
        help_text=_("Dikirim tanpa masuk ke alamat halaman."),
    )

    def clean_nik(self):
        return validators.clean_nik(self.cleaned_data["nik"]).number


def _registry_export(request, queryset, fmt: str, form):
    used = {
        k: v
        for k, v in (form.cleaned_data if form.is_bound and form.is_valid() else {}).items()
        if v
    }
    privacy_records.record(
        kind=privacy_records.Kind.EXPORT_REGISTRY,
        request=request,
        reason=f"{fmt}, {queryset.count()} baris, filter {used}",
    )
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_stream(queryset), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="umkm.csv"'
        return response
    response = HttpResponse(
        exports.xlsx_bytes(queryset),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="umkm.xlsx"'
    return response


@login_required
def registry(request):
    """The register for officials. Filters travel in the query string; a search by the
    owner's NIK is a POST (the NIK never appears in a URL), and a NIK found in the query
    string is dropped with a message rather than used."""
    if (denied := _official_or_403(request)) is not None:
        return denied
    if keys := _identifier_params(request.GET):
        query = request.GET.copy()
        for key in keys:
            query.pop(key, None)
        messages.error(
            request,
            _(
                "NIK atau NIP tidak boleh dikirim lewat alamat halaman. "
                "Pakai kolom “Cari NIK pemilik”."
            ),
        )
        url = reverse("umkm:registry")
        return redirect(f"{url}?{query.urlencode()}" if query else url)
    form = RegistryFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    by_nik = request.method == "POST"
    nik_form = NikSearchForm(request.POST if by_nik else None)
    if by_nik and nik_form.is_valid():
        filters.nik = nik_form.cleaned_data["nik"]
    queryset = selectors.business_registry(user=request.user, filters=filters)
    if by_nik and not nik_form.is_valid():
        queryset = queryset.none()
    export = None if by_nik else request.GET.get("format")
    if export in ("csv", "xlsx"):
        return _registry_export(request, queryset, export, form)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    if by_nik and filters.nik:
        privacy_records.record_businesses(
            kind=privacy_records.Kind.SEARCH_NIK, request=request, businesses=page
        )
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "umkm/partials/registry_rows.html" if request.htmx and not by_nik else "umkm/registry.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "nik_form": nik_form,
            "by_nik": by_nik,
            "page": page,
            "query": query.urlencode(),
            "can_import": access.can_import(user=request.user),
            "can_register_on_behalf": access.can_register_on_behalf(user=request.user),
        },
    )


@login_required
def import_upload(request):
    agencies = access.import_agencies(user=request.user)
    if agencies is None:
        return _deny(request, AppPermissionDenied(_("Impor hanya untuk petugas OPD.")))
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        agencies=agencies,
        allow_none=access.can_import_without_agency(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                actor=request.user,
                upload=form.cleaned_data["file"],
                agency_code=form.cleaned_data.get("agency") or None,
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            return redirect("umkm:import_job", job_id=job.pk)
    jobs = selectors.import_jobs_recent(user=request.user)
    return render(request, "umkm/import_upload.html", {"form": form, "jobs": jobs})


def _job_for(request, job_id) -> ImportJob:
    try:
        return access.import_job_get_for_user(user=request.user, job_id=job_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
def import_job(request, job_id: int):
    job = _job_for(request, job_id)
    headers, preview, match, error = [], [], None, ""
    if job.state == ImportJob.State.UPLOADED:
        try:
            headers, preview = importer.preview(job)  # the rows kept at upload
            match = match_headers(headers, importer.COLUMNS, job.header_map)
        except ApplicationError as exc:
            error = exc.message
    if request.method == "POST" and job.state != ImportJob.State.UPLOADED and request.htmx:
        return render(
            request,
            "umkm/partials/import_status.html",
            {"job": job, "progress": cache.get(progress_key(job.pk)), "oob": True},
        )
    if request.method == "POST" and job.state == ImportJob.State.UPLOADED and not error:
        mapping = {}
        for index, header in enumerate(headers):
            chosen = request.POST.get(f"map_{index}")
            if chosen is not None:
                mapping[header] = chosen
        match = match_headers(headers, importer.COLUMNS, mapping)
        if match.missing:
            error = _("Kolom wajib belum dipetakan: %(cols)s.") % {
                "cols": ", ".join(importer.column_label(c) for c in match.missing)
            }
        else:
            services.import_job_start(
                actor=request.user,
                job=job,
                header_map=mapping,
                dry_run=request.POST.get("dry_run") == "1",
            )
            job.refresh_from_db()
            if request.htmx:  # the result replaces the mapping form, which has done its job
                return render(
                    request, "umkm/partials/import_status.html", {"job": job, "oob": True}
                )
            return redirect("umkm:import_job", job_id=job.pk)
    mapped = match.by_index if match else {}
    return render(
        request,
        "umkm/import_job.html",
        {
            "job": job,
            "headers": list(enumerate(headers)),
            "preview": preview,
            "mapped": mapped,
            "columns": [(c, importer.column_label(c)) for c in importer.COLUMNS.canonical],
            "error": error,
            "missing": [importer.column_label(c) for c in match.missing] if match else [],
            "progress": cache.get(progress_key(job.pk)),
            "issues": job.issues[:200],
        },
    )


@login_required
@require_POST
def import_rerun(request, job_id: int):
    """After a dry run: import the same file with the same column mapping for real."""
    job = _job_for(request, job_id)
    try:
        again = services.import_job_rerun(actor=request.user, job=job)
    except ApplicationError:
        return redirect("umkm:import_job", job_id=job.pk)
    return redirect("umkm:import_job", job_id=again.pk)


@login_required
def import_status(request, job_id: int):
    job = _job_for(request, job_id)
    return render(
        request,
        "umkm/partials/import_status.html",
        {"job": job, "progress": cache.get(progress_key(job.pk))},
    )


@login_required
def import_report(request, job_id: int):
    job = _job_for(request, job_id)
    out = io.StringIO()
    write_issues_csv([RowIssue(**i) for i in job.issues], out)
    response = HttpResponse(tabular.BOM + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="laporan-impor-{job.pk}.csv"'
    return response


def import_template(request, fmt: str):
    """The canonical columns with two example rows, to fill in (CSV or XLSX)."""
    example = [
        [
            "Keripik Tempe Bu Sari",
            "Sari Wulandari",
            "3573054107850002",
            "081234567890",
            "Jl. Sumbersari Gg. 3 No. 12",
            "35.73.05.1003",
            "makanan_minuman",
            "9120101234567",
            "ID35110000123450123",
            "2027-06-30",
            "2063573010123-25",
            "25.000.000",
            "180.000.000",
            "DISKOPINDAG;DISPANGTAN",
        ],
        [
            "Batik Tulis Celaket",
            "Hadi Santoso",
            "3573021203800001",
            "0857-1234-5678",
            "Jl. Celaket 21",
            "Samaan",
            "fashion",
            "",
            "",
            "",
            "",
            "50000000",
            "300000000",
            "DISKOPINDAG",
        ],
    ]
    if fmt == "xlsx":
        book = tabular.XlsxBook()
        sheet = book.sheet("UMKM", text_format=True)  # so Excel keeps NIK/NIB/phone digits
        sheet.append(importer.COLUMNS.canonical)
        for row in example:
            sheet.append(row)
        response = HttpResponse(book.to_bytes(), content_type=tabular.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="templat-impor-umkm.xlsx"'
        return response
    response = HttpResponse(
        tabular.csv_text(importer.COLUMNS.canonical, example),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="templat-impor-umkm.csv"'
    return response


@login_required
def claims_review(request):
    if (denied := _official_or_403(request)) is not None:
        return denied
    if request.method == "POST":
        form = ClaimDecisionForm(request.POST)
        if form.is_valid():
            try:
                services.claim_decide(
                    actor=request.user,
                    claim_id=int_param(request.POST.get("claim_id")) or 0,
                    approve=form.cleaned_data["approve"],
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Keputusan klaim disimpan."))
        return redirect("umkm:claims_review")
    claims = list(selectors.claims_pending_for(user=request.user))
    for claim in claims:  # the page shows each claimant's NIK in full
        if claim.nik:
            privacy_records.record(
                kind=privacy_records.Kind.VIEW_FULL_NIK,
                request=request,
                subject_user=claim.user,
                reason=f"klaim #{claim.pk}, usaha #{claim.business_id}",
            )
    return render(request, "umkm/claims_review.html", {"claims": claims})


# --- public --------------------------------------------------------------------------------------
def public_profile(request, business_id: int, slug: str = ""):
    try:
        business = selectors.business_public(business_id=business_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if slug != business.slug:
        return redirect("umkm:public", business_id=business.pk, slug=business.slug)
    context = {"business": business}
    for extension in hooks.items("umkm.profile_context"):  # catalog: the shop's products
        context.update(extension(business))
    return render(request, "umkm/public_profile.html", context)
