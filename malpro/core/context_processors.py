from django.conf import settings
from django.utils.functional import SimpleLazyObject

from malpro.core import nav


def site(request):
    user = getattr(request, "user", None)
    return {
        "brand_name": settings.MALPRO_SITE_NAME,
        "nav_items": SimpleLazyObject(lambda: nav.items_for(user)) if user else [],
    }
