"""The JSON API under /api/v1/: one NinjaAPI, one router per app, one error shape."""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from malpro.accounts.api import router as auth_router
from malpro.accounts.auth import BearerAuth
from malpro.asn.api import router as asn_router
from malpro.books.api import router as books_router
from malpro.catalog.api import router as catalog_router
from malpro.core.exceptions import ApplicationError
from malpro.dashboard.api import public_router as public_data_router
from malpro.dashboard.api import router as dashboard_router
from malpro.notifications.api import router as notifications_router
from malpro.notifications.api import webhook_router as notification_webhooks_router
from malpro.orders.api import router as orders_router
from malpro.payments.api import router as payments_router
from malpro.privacy.api import router as privacy_router
from malpro.regions.api import router as regions_router
from malpro.umkm.api import router as umkm_router

api = NinjaAPI(
    title="Malpro API",
    version="1",
    urls_namespace="api",
    auth=BearerAuth(),
    description=(
        "Authenticate with POST /api/v1/auth/login, then send `Authorization: Bearer <token>`. "
        'Errors are `{"message": ..., "extra": {...}}`.'
    ),
)


def _field_name(loc: list) -> str:
    # ninja prefixes locations with the parameter source ("query", "body", "path").
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "header", "form", "payload")]
    return ".".join(parts) or "__all__"


def _rupiah_or_number(value) -> str:
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


# Pydantic's messages are English; people read Indonesian (the ones our own validators raise
# are Indonesian already and pass through).
_MESSAGES = {
    "missing": lambda ctx: _("Wajib diisi."),
    "less_than_equal": lambda ctx: (
        _("Paling besar %(limit)s.") % {"limit": _rupiah_or_number(ctx.get("le"))}
    ),
    "less_than": lambda ctx: (
        _("Harus lebih kecil dari %(limit)s.") % {"limit": _rupiah_or_number(ctx.get("lt"))}
    ),
    "greater_than_equal": lambda ctx: (
        _("Paling kecil %(limit)s.") % {"limit": _rupiah_or_number(ctx.get("ge"))}
    ),
    "greater_than": lambda ctx: (
        _("Harus lebih besar dari %(limit)s.") % {"limit": _rupiah_or_number(ctx.get("gt"))}
    ),
    "string_too_long": lambda ctx: (
        _("Paling banyak %(limit)s karakter.") % {"limit": ctx.get("max_length")}
    ),
    "string_too_short": lambda ctx: (
        _("Paling sedikit %(limit)s karakter.") % {"limit": ctx.get("min_length")}
    ),
    "too_long": lambda ctx: _("Paling banyak %(limit)s isian.") % {"limit": ctx.get("max_length")},
    "too_short": lambda ctx: (
        _("Paling sedikit %(limit)s isian.") % {"limit": ctx.get("min_length")}
    ),
    "int_parsing": lambda ctx: _("Harus berupa bilangan bulat."),
    "int_type": lambda ctx: _("Harus berupa bilangan bulat."),
    "int_from_float": lambda ctx: _("Harus berupa bilangan bulat."),
    "bool_parsing": lambda ctx: _("Harus true atau false."),
    "bool_type": lambda ctx: _("Harus true atau false."),
    "string_type": lambda ctx: _("Harus berupa teks."),
    "literal_error": lambda ctx: (
        _("Pilihan tidak dikenal; yang boleh: %(expected)s.")
        % {"expected": ctx.get("expected", "")}
    ),
    "enum": lambda ctx: (
        _("Pilihan tidak dikenal; yang boleh: %(expected)s.")
        % {"expected": ctx.get("expected", "")}
    ),
    "date_parsing": lambda ctx: _("Tanggal tidak valid (TTTT-BB-HH)."),
    "date_from_datetime_parsing": lambda ctx: _("Tanggal tidak valid (TTTT-BB-HH)."),
    "datetime_parsing": lambda ctx: _("Waktu tidak valid (ISO 8601)."),
    "datetime_from_date_parsing": lambda ctx: _("Waktu tidak valid (ISO 8601)."),
    "json_invalid": lambda ctx: _("Isi permintaan bukan JSON yang valid."),
    "model_attributes_type": lambda ctx: _("Isi permintaan harus berupa objek JSON."),
    "dict_type": lambda ctx: _("Harus berupa objek JSON."),
    "list_type": lambda ctx: _("Harus berupa daftar."),
}


def _message(error: dict) -> str:
    translate = _MESSAGES.get(error.get("type", ""))
    if translate is not None:
        try:
            return str(translate(error.get("ctx") or {}))
        except (TypeError, ValueError):
            pass
    return str(error.get("msg", ""))


@api.exception_handler(ApplicationError)
def _application_error(request, exc: ApplicationError):
    return api.create_response(
        request, {"message": exc.message, "extra": exc.extra}, status=exc.status
    )


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    fields: dict[str, str] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(list(error.get("loc", []))), _message(error))
    return api.create_response(
        request,
        {"message": _("Data yang dikirim tidak valid."), "extra": {"fields": fields}},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def _authentication_error(request, exc):
    return api.create_response(
        request,
        {
            "message": _("Perlu masuk: kirim token yang berlaku di header Authorization."),
            "extra": {},
        },
        status=401,
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(
        request, {"message": str(exc.message), "extra": {}}, status=exc.status_code
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(
        request, {"message": _("Data tidak ditemukan."), "extra": {}}, status=404
    )


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return api.create_response(
        request,
        {"message": _("Isi permintaan terlalu besar."), "extra": {}},
        status=413,
    )


api.add_router("/auth", auth_router)
api.add_router("/regions", regions_router)
api.add_router("/umkm", umkm_router)
api.add_router("/products", catalog_router)
api.add_router("", orders_router)
api.add_router("", payments_router)
api.add_router("", asn_router)
api.add_router("", privacy_router)
api.add_router("", notifications_router)
api.add_router("", dashboard_router)
api.add_router("", books_router)
api.add_router("", public_data_router)
api.add_router("/notifications/webhooks", notification_webhooks_router)
