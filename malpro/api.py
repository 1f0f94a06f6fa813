"""The JSON API under /api/v1/: one NinjaAPI, one router per app, one error shape."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from malpro.accounts.api import router as auth_router
from malpro.accounts.auth import BearerAuth
from malpro.asn.api import router as asn_router
from malpro.catalog.api import router as catalog_router
from malpro.core.exceptions import ApplicationError
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


@api.exception_handler(ApplicationError)
def _application_error(request, exc: ApplicationError):
    return api.create_response(
        request, {"message": exc.message, "extra": exc.extra}, status=exc.status
    )


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    fields: dict[str, str] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(list(error.get("loc", []))), str(error.get("msg", "")))
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


api.add_router("/auth", auth_router)
api.add_router("/regions", regions_router)
api.add_router("/umkm", umkm_router)
api.add_router("/products", catalog_router)
api.add_router("", orders_router)
api.add_router("", payments_router)
api.add_router("", asn_router)
api.add_router("", privacy_router)
