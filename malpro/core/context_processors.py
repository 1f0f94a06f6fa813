from django.conf import settings


def site(request):
    return {"brand_name": settings.MALPRO_SITE_NAME}
