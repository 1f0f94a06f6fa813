from django.urls import path, re_path

from malpro.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.section, name="overview"),
    path("ekspor/bagian/<slug:name>.xlsx", views.export_section, name="export_section"),
    re_path(r"^ekspor/(?P<key>[a-z0-9-]+)\.(?P<ext>csv|xlsx)$", views.export, name="export"),
    path("<slug:name>/", views.section, name="section"),
]
