from django.conf import settings
from django.utils.functional import SimpleLazyObject

from malpro.core import nav


def site(request):
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    return {
        "brand_name": settings.MALPRO_SITE_NAME,
        "menu": SimpleLazyObject(lambda: nav.menu_for(user, path)) if user else None,
    }
