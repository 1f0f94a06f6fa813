"""The catalog follows changes to businesses (status, area, halal certificate, name) so the
search index never offers a product of a suspended shop or shows a stale badge, and changes the
city admin makes to synonyms and categories apply to search at once.

These stay signal receivers inside the sender's transaction, not after-commit event consumers:
the search index is the catalog's own derived copy of those rows and must stay consistent with
them like a database index (a suspended shop vanishes from search in the same commit), which is
keeping an index, not doing another app's work."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from malpro.catalog.models import Category, Product, Synonym
from malpro.catalog.search.engine import descendant_ids, reindex
from malpro.catalog.search.query import forget_synonyms
from malpro.umkm.models import Business
from malpro.umkm.signals import businesses_changed


@receiver(post_save, sender=Business)
def _business_saved(sender, instance, created, **kwargs):
    if not created:
        reindex(Product.objects.filter(business_id=instance.pk).values_list("pk", flat=True))


@receiver(businesses_changed)
def _businesses_changed(sender, ids, **kwargs):
    reindex(Product.objects.filter(business_id__in=ids).values_list("pk", flat=True))


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
def _synonyms_changed(sender, **kwargs):
    # The groups live in the shared cache (Redis in production), so one delete reaches every
    # process. Forget them now and again after the commit: a search running meanwhile may
    # have cached the groups as they were before this transaction.
    forget_synonyms()
    transaction.on_commit(forget_synonyms)


@receiver(pre_save, sender=Category)
def _category_before_save(sender, instance, **kwargs):
    if instance.pk:
        instance._indexed_before = (
            Category.objects.filter(pk=instance.pk).values_list("name", "parent_id").first()
        )


@receiver(post_save, sender=Category)
def _category_saved(sender, instance, created, **kwargs):
    # A product's index entry holds its category's name, its parent's name and its top-level
    # category (for the facet): a rename or a move changes them for the whole subtree.
    before = getattr(instance, "_indexed_before", None)
    if created or before is None or before == (instance.name, instance.parent_id):
        return
    ids = descendant_ids(instance)
    reindex(Product.objects.filter(category_id__in=ids).values_list("pk", flat=True))
