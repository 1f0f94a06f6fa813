"""The catalog's message templates (notifications.kinds): what a seller is told about their
products, with the product's edit page."""

from django.utils.translation import gettext_lazy as _

from malpro.notifications.kinds import Kind

PRODUCT_EDIT = "/jual/produk/%(product_id)s/"

KINDS = [
    Kind(
        "product.hidden_for_seller",
        "shop",
        _("Produk %(product)s disembunyikan"),
        _(
            "Petugas menyembunyikan %(product)s dari marketplace. Alasan: %(reason)s. "
            "Perbaiki produknya lalu hubungi OPD pembina."
        ),
        link=PRODUCT_EDIT,
    ),
    Kind(
        "product.stock_low_for_seller",
        "shop",
        _("Stok %(product)s menipis"),
        _("Stok %(product)s tinggal %(stock)s. Tambah stok agar tetap bisa dibeli."),
        link=PRODUCT_EDIT,
    ),
    Kind(
        "product.stock_out_for_seller",
        "shop",
        _("Stok %(product)s habis"),
        _("Produk %(product)s habis terjual dan tidak bisa dibeli sampai stoknya ditambah."),
        link=PRODUCT_EDIT,
    ),
]
