from django.urls import path

from malpro.dashboard import public_views

app_name = "open_data"

urlpatterns = [
    path("", public_views.open_data, name="page"),
    path("unduh.csv", public_views.open_data_csv, name="csv"),
]
