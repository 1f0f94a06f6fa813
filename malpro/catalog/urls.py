from django.urls import path

from malpro.catalog import views

app_name = "catalog"

urlpatterns = [
    path("cari/", views.search_page, name="search"),
    path("produk/<int:product_id>-<slug:slug>/", views.product_page, name="product"),
    path("produk/<int:product_id>/", views.product_page, name="product_short"),
    path("produk/<int:product_id>/sembunyikan/", views.hide, name="hide"),
    path("produk/<int:product_id>/tayangkan/", views.unhide, name="unhide"),
    path("jual/produk/", views.seller_products, name="seller_products"),
    path("jual/produk/baru/", views.product_new, name="product_new"),
    path(
        "jual/mulai/<int:business_id>/produk/",
        views.onboarding_product,
        name="onboarding_product",
    ),
    path("jual/produk/unggah/", views.product_upload, name="product_upload"),
    path("jual/produk/templat.csv", views.upload_template, name="upload_template"),
    path("jual/produk/<int:product_id>/", views.product_edit, name="product_edit"),
    path("jual/produk/<int:product_id>/foto/", views.product_photo, name="product_photo"),
    path("jual/produk/<int:product_id>/stok/", views.product_stock, name="product_stock"),
    path("jual/produk/<int:product_id>/varian/", views.variant_save, name="variant_save"),
]
