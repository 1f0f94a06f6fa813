from malpro.catalog import services
from malpro.catalog.services import ProductInput
from malpro.umkm.tests.factories import make_business


def shop(owner, **fields):
    """An active business of `owner` that can list products."""
    return make_business(owner=owner, status="active", **fields)


def product(business, name, *, category="keripik", price=10000, stock=10, description="", **extra):
    return services.product_create(
        actor=business.owner,
        business=business,
        data=ProductInput(
            name=name,
            category_slug=category,
            price=price,
            stock=stock,
            description=description,
            **extra,
        ),
    )
