import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from malpro.core.views import action_outcome
from malpro.privacy import access, export, records, services
from malpro.privacy.models import AccessKind, ErasureRequest
from malpro.privacy.notice import NOTICE_VERSION, template_for


def _forbidden(request, message: str):
    return render(request, "core/error.html", {"code": 403, "message": message}, status=403)


def notice(request):
    return render(
        request,
        "privacy/notice.html",
        {"version": NOTICE_VERSION, "notice_template": template_for(NOTICE_VERSION)},
    )


@login_required
def my_data(request):
    user = request.user
    return render(
        request,
        "privacy/my_data.html",
        {
            "records": Paginator(access.records_about(user=user), 50).get_page(
                request.GET.get("page")
            ),
            "consents": user.privacy_consents.all(),
            "erasures": ErasureRequest.objects.filter(user=user),
            "pending": ErasureRequest.objects.filter(
                user=user, state=ErasureRequest.State.PENDING
            ).exists(),
            "version": NOTICE_VERSION,
        },
    )


@login_required
def my_data_download(request, fmt: str):
    user = request.user
    data = export.personal_data(user=user)
    records.record(kind=records.Kind.DATA_EXPORT, request=request, subject_user=user, reason=fmt)
    if fmt == "pdf":
        response = HttpResponse(export.pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="data-saya.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def erasure_request(request):
    with action_outcome(
        request, _("Permintaan penghapusan dikirim. Admin kota akan memeriksanya.")
    ):
        services.erasure_request_create(
            user=request.user, note=request.POST.get("note", ""), request=request
        )
    return redirect("privacy:my_data")


@login_required
def access_records(request):
    if not access.can_read_all_records(user=request.user):
        return _forbidden(request, _("Halaman ini untuk auditor."))
    rows = access.records_visible(user=request.user)
    kind = request.GET.get("jenis", "")
    if kind in AccessKind.values:
        rows = rows.filter(kind=kind)
    return render(
        request,
        "privacy/access_records.html",
        {
            "records": Paginator(rows, 50).get_page(request.GET.get("page")),
            "kinds": AccessKind.choices,
            "kind": kind,
        },
    )


@login_required
def erasure_requests(request):
    if not access.can_view_erasure_requests(user=request.user):
        return _forbidden(request, _("Halaman ini untuk admin kota dan auditor."))
    rows = access.erasure_requests_visible(user=request.user)
    return render(
        request,
        "privacy/erasure_requests.html",
        {
            "pending": rows.filter(state=ErasureRequest.State.PENDING),
            "decided": rows.exclude(state=ErasureRequest.State.PENDING)[:100],
            "can_decide": access.can_decide_erasure(user=request.user),
        },
    )


@login_required
@require_POST
def erasure_decide(request, request_id: int):
    if not access.can_decide_erasure(user=request.user):
        return _forbidden(request, _("Hanya admin kota yang memutuskan penghapusan data."))
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "")
    if decision == "approve":
        with action_outcome(request, _("Identitas disamarkan; akun dinonaktifkan.")):
            services.erasure_approve(
                actor=request.user, request_id=request_id, reason=reason, request=request
            )
    else:
        with action_outcome(request, _("Permintaan ditolak.")):
            services.erasure_reject(
                actor=request.user, request_id=request_id, reason=reason, request=request
            )
    return redirect("privacy:erasure_requests")
