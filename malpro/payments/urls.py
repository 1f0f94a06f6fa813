from django.urls import path

from malpro.payments import views

app_name = "payments"

urlpatterns = [
    path("bayar/<uuid:checkout_id>/", views.pay, name="pay"),
    path("bayar/<uuid:checkout_id>/status/", views.pay_status, name="pay_status"),
    path("bayar/<uuid:checkout_id>/qris.png", views.pay_qr_png, name="pay_qr_png"),
    path("bayar/<uuid:checkout_id>/batal/", views.pay_cancel, name="pay_cancel"),
    path("bayar/simulator/<str:reference>/", views.simulator, name="simulator"),
    path("cek-qris/", views.qris_check, name="qris_check"),
    path("jual/saldo/", views.balance, name="balance"),
    path("kota/pencairan/", views.payouts, name="payouts"),
    path("kota/pencairan/<int:batch_id>.csv", views.payout_csv, name="payout_csv"),
    path("kota/rekonsiliasi/", views.reconciliation, name="reconciliation"),
]
