from django.urls import path

from malpro.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifikasi/", views.notification_list, name="list"),
    path("notifikasi/dibaca/", views.read_all, name="read_all"),
]
