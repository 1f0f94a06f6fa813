from django.urls import path

from malpro.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifikasi/", views.notification_list, name="list"),
    path("notifikasi/jumlah/", views.unread_count, name="count"),
    path("notifikasi/dibaca/", views.read_all, name="read_all"),
    path("notifikasi/<int:notification_id>/", views.open_notification, name="open"),
    path("notifikasi/<int:notification_id>/dibaca/", views.read_one, name="read_one"),
    path("akun/notifikasi/", views.preferences_page, name="preferences"),
]
