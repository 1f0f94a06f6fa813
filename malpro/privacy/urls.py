from django.urls import path

from malpro.privacy import views

app_name = "privacy"
urlpatterns = [
    path("privasi/", views.notice, name="notice"),
    path("data-saya/", views.my_data, name="my_data"),
    path("data-saya/unduh.json", views.my_data_download, {"fmt": "json"}, name="download_json"),
    path("data-saya/unduh.pdf", views.my_data_download, {"fmt": "pdf"}, name="download_pdf"),
    path("data-saya/hapus/", views.erasure_request, name="erasure_request"),
    path("kota/akses-data/", views.access_records, name="access_records"),
    path("kota/penghapusan-data/", views.erasure_requests, name="erasure_requests"),
    path("kota/penghapusan-data/<int:request_id>/", views.erasure_decide, name="erasure_decide"),
]
