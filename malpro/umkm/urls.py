from django.urls import path

from malpro.umkm import onboarding, views

app_name = "umkm"

urlpatterns = [
    path("saya/", views.my_businesses, name="mine"),
    path("daftar/", views.register, name="register"),
    path("mulai/", onboarding.start, name="start"),
    path("<int:business_id>/mulai/", onboarding.essentials, name="onboarding_business"),
    path("<int:business_id>/mulai/dokumen/", onboarding.documents, name="onboarding_documents"),
    path("<int:business_id>/mulai/ajukan/", onboarding.submit, name="onboarding_submit"),
    path("<int:business_id>/pengajuan/", onboarding.status, name="status"),
    path("klaim/", views.claim, name="claim"),
    path("klaim/tinjau/", views.claims_review, name="claims_review"),
    path("registri/", views.registry, name="registry"),
    path("registri/impor/", views.import_upload, name="import_upload"),
    path("registri/impor/templat.<str:fmt>", views.import_template, name="import_template"),
    path("registri/impor/<int:job_id>/", views.import_job, name="import_job"),
    path("registri/impor/<int:job_id>/ulang/", views.import_rerun, name="import_rerun"),
    path("registri/impor/<int:job_id>/status/", views.import_status, name="import_status"),
    path("registri/impor/<int:job_id>/laporan.csv", views.import_report, name="import_report"),
    path("<int:business_id>/", views.detail, name="detail"),
    path("<int:business_id>/ubah/", views.edit, name="edit"),
    path("<int:business_id>/status/", views.transition, name="transition"),
    path("<int:business_id>/dokumen/", views.document_upload, name="document_upload"),
    path("<int:business_id>/dokumen/<int:document_id>/", views.document_download, name="document"),
    path("profil/<int:business_id>-<slug:slug>/", views.public_profile, name="public"),
    path("profil/<int:business_id>/", views.public_profile, name="public_short"),
]
