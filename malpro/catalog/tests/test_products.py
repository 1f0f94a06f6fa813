import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from malpro.catalog import access, services
from malpro.catalog.models import Product, ProductChange
from malpro.catalog.services import ProductInput
from malpro.catalog.tests.factories import product, shop
from malpro.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from malpro.umkm.tests.factories import make_business


def jpeg(width=2000, height=1500, fmt="JPEG") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (180, 120, 60)).save(out, fmt)
    return SimpleUploadedFile("foto." + fmt.lower(), out.getvalue(), f"image/{fmt.lower()}")


@pytest.mark.django_db
def test_products_prepared_before_the_shop_opens_show_once_it_is_active(seller):
    """The guided registration's first product is made while the business is a draft; buyers
    see it only once the shop is open. A suspended business adds none."""
    verified = make_business(owner=seller, status="verified")
    prepared = product(verified, "Keripik")
    assert not access.products_public().filter(pk=prepared.pk).exists()
    verified.status = "active"
    verified.save(update_fields=["status"])
    assert access.products_public().filter(pk=prepared.pk).exists()
    suspended = make_business(owner=seller, status="suspended")
    with pytest.raises(Conflict):
        product(suspended, "Keripik")


@pytest.mark.django_db
def test_another_seller_cannot_add_to_my_shop(seller, other_seller):
    mine = shop(seller)
    with pytest.raises(PermissionDenied):
        services.product_create(
            actor=other_seller,
            business=mine,
            data=ProductInput(name="X", category_slug="keripik", price=1000),
        )
    with pytest.raises(NotFound):
        services.stock_set(actor=other_seller, product_id=product(mine, "Y").pk, stock=1)


@pytest.mark.django_db
def test_bad_product_fields_are_named(seller):
    with pytest.raises(ApplicationError) as info:
        services.product_create(
            actor=seller,
            business=shop(seller),
            data=ProductInput(name="", category_slug="tidak-ada", price=-1, stock=-2, unit="ton"),
        )
    assert set(info.value.extra["fields"]) == {"name", "category", "price", "stock", "unit"}


@pytest.mark.django_db
def test_variants_set_the_shown_price_and_stock(seller):
    item = services.product_create(
        actor=seller,
        business=shop(seller),
        data=ProductInput(
            name="Sambal Bawang",
            category_slug="sambal",
            price=0,
            variants=[
                {"name": "Sedang", "price": 22000, "stock": 4},
                {"name": "Pedas", "price": 25000, "stock": 6},
            ],
        ),
    )
    item.refresh_from_db()
    assert (item.has_variants, item.price, item.stock) == (True, 22000, 10)
    sedang = item.variants.get(name="Sedang")
    services.variant_update(actor=seller, variant_id=sedang.pk, stock=0, is_active=False)
    item.refresh_from_db()
    assert (item.price, item.stock) == (25000, 6)
    with pytest.raises(Conflict):
        services.stock_set(actor=seller, product_id=item.pk, stock=3)
    with pytest.raises(ApplicationError):
        services.variant_add(actor=seller, product=item, name="Pedas", price=1, stock=1)


@pytest.mark.django_db
def test_price_and_stock_changes_are_kept_in_history(seller):
    item = product(shop(seller), "Keripik Tempe", price=15000, stock=20)
    services.stock_set(
        actor=seller, product_id=item.pk, stock=12, price=16000, reason="harga kedelai naik"
    )
    changes = list(
        ProductChange.objects.filter(product=item)
        .order_by("id")
        .values_list("field", "old_value", "new_value", "reason")
    )
    assert changes == [
        ("price", "", "15000", ""),
        ("stock", "", "20", ""),
        ("stock", "20", "12", "harga kedelai naik"),
        ("price", "15000", "16000", "harga kedelai naik"),
    ]


@pytest.mark.django_db
def test_photos_are_resized_with_a_thumbnail(seller):
    item = product(shop(seller), "Keripik Tempe")
    photo = services.photo_add(actor=seller, product_id=item.pk, upload=jpeg())
    assert max(photo.width, photo.height) == 1280
    thumb = Image.open(photo.thumbnail.path)
    assert max(thumb.size) == 320
    png = services.photo_add(actor=seller, product_id=item.pk, upload=jpeg(300, 200, "PNG"))
    assert (png.width, png.height) == (300, 200)


@pytest.mark.django_db
def test_photos_that_are_not_images_are_refused(seller):
    item = product(shop(seller), "Keripik Tempe")
    fake = SimpleUploadedFile("foto.jpg", b"<?php echo 'x'; ?>", "image/jpeg")
    with pytest.raises(ApplicationError) as info:
        services.photo_add(actor=seller, product_id=item.pk, upload=fake)
    assert "bukan foto" in info.value.message
    gif = jpeg(10, 10, "GIF")
    with pytest.raises(ApplicationError) as info:
        services.photo_add(actor=seller, product_id=item.pk, upload=gif)
    assert "GIF" in info.value.message


@pytest.mark.django_db
def test_photos_over_8_mb_and_over_eight_per_product_are_refused(seller):
    from malpro.catalog import images

    item = product(shop(seller), "Keripik Tempe")
    big = SimpleUploadedFile("besar.jpg", b"\xff" * (images.MAX_UPLOAD_BYTES + 1), "image/jpeg")
    with pytest.raises(ApplicationError) as info:
        services.photo_add(actor=seller, product_id=item.pk, upload=big)
    assert "terlalu besar" in info.value.message and "photo" in info.value.extra["fields"]
    for _ in range(services.MAX_PHOTOS):
        services.photo_add(actor=seller, product_id=item.pk, upload=jpeg(40, 30))
    with pytest.raises(ApplicationError) as info:
        services.photo_add(actor=seller, product_id=item.pk, upload=jpeg(40, 30))
    assert "Maksimal 8 foto" in info.value.message
    assert item.photos.count() == services.MAX_PHOTOS


@pytest.mark.django_db
def test_moderation_by_a_guiding_officer_only(seller, officer, other_officer):
    item = product(shop(seller, agencies=("DISKOPINDAG",)), "Keripik Tempe")

    def move(actor, to, reason="x"):
        return services.product_transition(actor=actor, product_id=item.pk, to=to, reason=reason)

    for outsider in (other_officer, seller):
        with pytest.raises(PermissionDenied):
            move(outsider, "hidden")
    with pytest.raises(ApplicationError):
        move(officer, "hidden", reason="")
    hidden = move(officer, "hidden", reason="Klaim palsu")
    assert hidden.status == "hidden" and hidden.hidden_by == officer
    with pytest.raises(PermissionDenied):  # the owner sees it hidden, and cannot show it
        move(seller, "published")
    with pytest.raises(NotFound):  # a hidden product is not the other officer's to know
        move(other_officer, "published")
    assert move(officer, "published", reason="").status == "published"


@pytest.mark.django_db
def test_sku_is_unique_within_a_shop(seller):
    mine = shop(seller)
    product(mine, "A", sku="KTO-1")
    with pytest.raises(ApplicationError) as info:
        product(mine, "B", sku="KTO-1")
    assert "SKU" in info.value.message
    assert Product.objects.count() == 1
