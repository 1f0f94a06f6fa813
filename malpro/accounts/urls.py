from django.urls import path

from malpro.accounts import views

app_name = "accounts"

urlpatterns = [
    path("daftar/", views.register, name="register"),
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("profil/", views.profile, name="profile"),
    path("kata-sandi/", views.PasswordChangeView.as_view(), name="password_change"),
    path("verifikasi-hp/", views.verify_phone, name="verify_phone"),
    path("lupa-kata-sandi/", views.password_forgot, name="password_forgot"),
    path("lupa-kata-sandi/atur/", views.password_reset, name="password_reset"),
    path("sesi/", views.session_list, name="sessions"),
    path("pemulihan/", views.recovery, name="recovery"),
]
