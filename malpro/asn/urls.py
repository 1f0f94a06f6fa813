from django.urls import path

from malpro.asn import views

app_name = "asn"
urlpatterns = [
    path("asn/", views.home, name="home"),
    path("asn/pembelian-langsung/", views.offline_new, name="offline_new"),
    path("asn/pembelian-langsung/pindai-qris/", views.offline_scan, name="offline_scan"),
    path(
        "asn/pembelian-langsung/<int:purchase_id>/nota/",
        views.offline_receipt,
        name="offline_receipt",
    ),
    path("asn/paket/<int:bundle_id>/", views.bundle, name="bundle"),
    path("asn/klaim/", views.claims, name="claims"),
    path("asn/laporan/", views.report, name="reports"),
    path("asn/integritas/", views.flag_queue, name="flags"),
    path("asn/roster/impor/", views.roster_upload, name="roster_upload"),
    path("jual/pembelian-asn/", views.offline_inbox, name="offline_inbox"),
]
