from django.urls import path

from malpro.orders import views

app_name = "orders"

urlpatterns = [
    path("keranjang/", views.cart_page, name="cart"),
    path("keranjang/tambah/", views.cart_add, name="cart_add"),
    path("keranjang/ubah/", views.cart_update, name="cart_update"),
    path("checkout/", views.checkout_page, name="checkout"),
    path("checkout/<uuid:checkout_id>/", views.placed, name="placed"),
    path("pesanan/", views.my_orders, name="my_orders"),
    path("alamat/", views.addresses, name="addresses"),
    path("alamat/tambah/", views.address_form, name="address_add"),
    path("alamat/<int:address_id>/ubah/", views.address_form, name="address_edit"),
    path("alamat/<int:address_id>/hapus/", views.address_delete, name="address_delete"),
    path("alamat/<int:address_id>/utama/", views.address_default, name="address_default"),
    path("pesanan/<int:order_id>/", views.order_detail, name="detail"),
    path("pesanan/<int:order_id>/status/", views.order_move, name="move"),
    path("pesanan/<int:order_id>/ulasan/", views.review, name="review"),
    path("ulasan/<int:review_id>/balas/", views.review_reply, name="review_reply"),
    path("jual/pesanan/", views.inbox, name="inbox"),
    path("jual/pesanan/<int:order_id>/slip/", views.packing_slip, name="slip"),
    path("jual/pengiriman/", views.delivery_settings, name="delivery_settings"),
]
