from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import get_supported_language_variant

# Pages use no inline scripts, so scripts are limited to our own origin.
_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
# The interactive API docs bring their own inline bootstrapping.
_CSP_EXEMPT_PREFIXES = ("/api/v1/docs",)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: CSP and Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(_CSP_EXEMPT_PREFIXES) and not (
            settings.DEBUG and request.path.startswith("/__debug__")
        ):
            response.headers.setdefault("Content-Security-Policy", _CSP)
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(), microphone=(), camera=(self), payment=()"
        )
        return response


class RequestLimitsMiddleware:
    """Bodies larger than core.limits allow get a 413 before anything reads them, and every
    error under /api/ answers the API's one shape `{"message", "extra"}` (Django's own 404,
    400 and ninja's 405 are HTML or plain text otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from malpro.core import views  # views import models; settings import this module

        if _declared_length(request) > _body_limit(request):
            return views.error_413(request)
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            # Read here what CSRF would read next, so that a form past Django's limits is a 413
            # rather than the 400 Django makes of it.
            try:
                request.POST  # noqa: B018
            except RequestDataTooBig:
                return views.error_413(request)
        response = self.get_response(request)
        if (
            views.is_api(request)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
            and not response.streaming
        ):
            return views.api_error(request, response.status_code, allow=response.get("Allow"))
        return response


_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _body_limit(request) -> int:
    from malpro.core.limits import MAX_FORM_BODY, MAX_REQUEST_BODY

    if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        return MAX_REQUEST_BODY
    return MAX_FORM_BODY


class CityLanguageMiddleware(LocaleMiddleware):
    """Indonesian, the city's language, unless the person chose English with the footer's switch
    (Django's language cookie). What the browser says it prefers (Accept-Language) is ignored:
    many phones here are set to English while their owners read Indonesian, and the city's
    terms (kelurahan, UMKM, ASN) are Indonesian."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = get_supported_language_variant(chosen) if chosen else None
        except LookupError:
            language = None
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
