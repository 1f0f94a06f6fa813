import logging
import re
from contextlib import contextmanager

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from malpro.core import access, audit, events
from malpro.core.exceptions import ApplicationError, NotFound

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 when it does not (for load balancers)."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("healthz: database unreachable: %s", exc.__class__.__name__)
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def _api_message(status: int, request) -> str:
    if status == 404:
        return _("Alamat atau data tidak ditemukan.")
    if status == 405:
        return _("Metode %(method)s tidak didukung di alamat ini.") % {"method": request.method}
    if status == 413:
        return _("Isi permintaan terlalu besar.")
    if status == 401:
        return _("Perlu masuk: kirim token yang berlaku di header Authorization.")
    if status == 403:
        return _("Anda tidak berhak melakukan ini.")
    if status >= 500:
        return _("Terjadi kesalahan di server. Silakan coba lagi sebentar lagi.")
    return _("Permintaan tidak valid.")


def api_error(request, status: int, *, allow: str | None = None) -> JsonResponse:
    """The API's one error shape for errors that happen outside our handlers."""
    response = JsonResponse({"message": str(_api_message(status, request)), "extra": {}})
    response.status_code = status
    if allow:
        response["Allow"] = allow
    return response


def error_403(request, exception=None):
    if is_api(request):
        return api_error(request, 403)
    return render(request, "core/error.html", {"code": 403}, status=403)


def error_404(request, exception=None):
    if is_api(request):
        return api_error(request, 404)
    return render(request, "core/error.html", {"code": 404}, status=404)


def error_413(request):
    if is_api(request):
        return api_error(request, 413)
    from django.template import loader

    html = loader.get_template("core/413.html").render()
    return HttpResponse(html, status=413)


def error_500(request):
    if is_api(request):
        return api_error(request, 500)
    # No request context: the failure may be the database the context processors would query.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("core/500.html").render())


@contextmanager
def action_outcome(request, success: str = ""):
    """For a POST action that redirects: a service's refusal becomes an error message, an
    unknown object a 404, and success the given message."""
    try:
        yield
    except NotFound:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if success:
            messages.success(request, success)


def require_valid(form) -> dict:
    """The form's cleaned data, or ApplicationError with every error it found."""
    if not form.is_valid():
        raise ApplicationError(" ".join(e for errors in form.errors.values() for e in errors))
    return form.cleaned_data


_INT = re.compile(r"^-?[0-9]{1,18}$")


def int_param(value) -> int | None:
    """An integer typed into a form or a query string (an id, a quantity), or None when it is
    missing or not one: a bad value is the user's mistake, never a 500. ASCII digits only and
    at most 18 of them, so it fits a BigIntegerField on every database."""
    text = str(value).strip() if value is not None else ""
    return int(text) if _INT.match(text) else None


def safe_next(request) -> str:
    """The request's `next` (POST, then GET) when it is a page of this site, else "": a form's
    `next` must not send people to another site (an open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def redirect_next(request, fallback, *args, **kwargs):
    """Redirects to the request's safe `next`, else to `fallback` (a URL name or path, with
    args for reverse)."""
    target = safe_next(request)
    if target:
        return redirect(target)
    return redirect(fallback, *args, **kwargs)


RETRY_BATCH = 100


@login_required
def event_deliveries(request):
    """Stuck event deliveries (a consumer that keeps failing, a lost hand-over), with retry."""
    if not access.can_view_event_deliveries(user=request.user):
        raise PermissionDenied
    if request.method == "POST":
        if not access.can_retry_event_deliveries(user=request.user):
            raise PermissionDenied
        stuck = events.stuck()
        if not request.POST.get("all"):
            stuck = stuck.filter(pk=int_param(request.POST.get("delivery_id")) or 0)
        # A batch per press, so the request stays short; the rest shows again on the page.
        ids = list(stuck.values_list("pk", flat=True)[:RETRY_BATCH])
        if not ids:
            messages.error(request, _("Pengiriman ini tidak ditemukan atau sudah selesai."))
        else:
            # Recorded before the work: a retry cut short still leaves who started it.
            audit.record(
                action="events.retried",
                actor=request.user,
                data={"deliveries": ids[:50], "count": len(ids)},
                ip=audit.client_ip(request),
            )
            done, failing = events.retry(ids)
            if failing:
                messages.error(
                    request,
                    _("%(done)d berhasil, %(failing)d masih gagal.")
                    % {"done": done, "failing": failing},
                )
            else:
                messages.success(request, _("%(done)d berhasil dikirim ulang.") % {"done": done})
        return redirect("event_deliveries")
    stuck = events.stuck()
    return render(
        request,
        "core/event_deliveries.html",
        {
            "deliveries": [events.describe(d) for d in stuck[:200]],
            "total": stuck.count(),
            "can_retry": access.can_retry_event_deliveries(user=request.user),
        },
    )


@require_GET
def menu(request):
    """ "Lainnya": every menu entry that is not in the phone's bottom bar, and the account."""
    return render(request, "core/menu.html")


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico where a page names no icon (a photo opened on its own)."""
    return redirect(static("malpro/icon.svg"), permanent=True)
