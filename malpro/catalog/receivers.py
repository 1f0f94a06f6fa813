"""The catalog follows changes to businesses (status, area, halal certificate, name) so the
search index never offers a product of a suspended shop or shows a stale badge."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from malpro.catalog.models import Product
from malpro.catalog.search.engine import reindex
from malpro.umkm.models import Business
from malpro.umkm.signals import businesses_changed


@receiver(post_save, sender=Business)
def _business_saved(sender, instance, created, **kwargs):
    if not created:
        reindex(Product.objects.filter(business_id=instance.pk).values_list("pk", flat=True))


@receiver(businesses_changed)
def _businesses_changed(sender, ids, **kwargs):
    reindex(Product.objects.filter(business_id__in=ids).values_list("pk", flat=True))
