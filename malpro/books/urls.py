from django.urls import path

from malpro.books import views_cash as cash
from malpro.books import views_more as more

app_name = "books"
# Two page modules: the cash book and its entry form (views_cash); debts, stock, reports,
# sharing, assistance and the agency's view (views_more).
urlpatterns = [
    path("", cash.home, name="home"),
    path("sw.js", cash.service_worker, name="service_worker"),
    path("<int:business_id>/", cash.book, name="book"),
    path("<int:business_id>/catat/", cash.entry_new, name="entry_new"),
    path("<int:business_id>/catatan/", cash.entries, name="entries"),
    path("<int:business_id>/catatan/<int:entry_id>/", cash.entry_detail, name="entry_detail"),
    path("<int:business_id>/catatan/<int:entry_id>/ubah/", cash.entry_edit, name="entry_edit"),
    path("<int:business_id>/catatan/<int:entry_id>/hapus/", cash.entry_delete, name="entry_delete"),
    path(
        "<int:business_id>/catatan/<int:entry_id>/pulihkan/",
        cash.entry_restore,
        name="entry_restore",
    ),
    path("<int:business_id>/catatan/<int:entry_id>/nota/", cash.receipt, name="receipt"),
    # debts (kasbon)
    path("<int:business_id>/kasbon/", more.debts, name="debts"),
    path("<int:business_id>/kasbon/baru/", more.contact_new, name="contact_new"),
    path("<int:business_id>/kasbon/<int:contact_id>/", more.contact_detail, name="contact_detail"),
    path("<int:business_id>/kasbon/<int:contact_id>/utang/", more.debt_new, name="debt_new"),
    path("<int:business_id>/kasbon/<int:contact_id>/bayar/", more.contact_pay, name="contact_pay"),
    path(
        "<int:business_id>/kasbon/<int:contact_id>/ingatkan/",
        more.contact_remind,
        name="contact_remind",
    ),
    path(
        "<int:business_id>/kasbon/bayar/<int:entry_id>/batal/",
        more.payment_undo,
        name="payment_undo",
    ),
    # stock
    path("<int:business_id>/stok/", more.stock, name="stock"),
    path("<int:business_id>/stok/baru/", more.item_new, name="item_new"),
    path("<int:business_id>/stok/<int:item_id>/", more.item_detail, name="item_detail"),
    # reports
    path("<int:business_id>/laporan/", more.report, name="report"),
    path("<int:business_id>/laporan/unduh.<str:ext>", more.report_export, name="report_export"),
    # sharing with the guiding agency, assistance by an area operator
    path("<int:business_id>/berbagi/", more.share, name="share"),
    path("<int:business_id>/pendamping/", more.assistance, name="assistance"),
    path("bantu/", more.assist_home, name="assist_home"),
    path("bantu/<int:business_id>/mulai/", more.assist_start, name="assist_start"),
    path("bantu/selesai/<int:assistance_id>/", more.assistance_end, name="assistance_end"),
    # the agency's view of what was shared with it
    path("dibagikan/", more.shared, name="shared"),
    path("dibagikan/<int:business_id>/", more.shared_detail, name="shared_detail"),
]
