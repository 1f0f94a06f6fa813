from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from malpro.api import api
from malpro.catalog import views as catalog_views
from malpro.core import views as core_views

urlpatterns = [
    path("", catalog_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("menu/", core_views.menu, name="menu"),
    path("favicon.ico", core_views.favicon),
    path("kota/peristiwa/", core_views.event_deliveries, name="event_deliveries"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("akun/", include("malpro.accounts.urls")),
    path("umkm/", include("malpro.umkm.urls")),
    path("", include("malpro.catalog.urls")),
    path("", include("malpro.orders.urls")),
    path("", include("malpro.payments.urls")),
    path("", include("malpro.asn.urls")),
    path("dasbor/", include("malpro.dashboard.urls")),
    path("buku/", include("malpro.books.urls")),
    path("", include("malpro.notifications.urls")),
    path("", include("malpro.privacy.urls")),
    path("data/", include("malpro.dashboard.public_urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "malpro.core.views.error_403"
handler404 = "malpro.core.views.error_404"
handler500 = "malpro.core.views.error_500"
