from django.core.management.base import BaseCommand
from django.db import transaction

from malpro.catalog.data.categories import CATEGORIES, SYNONYMS
from malpro.catalog.models import Category, Synonym
from malpro.catalog.search.query import forget_synonyms


class Command(BaseCommand):
    help = (
        "Seeds the marketplace category tree and the default search synonyms. Idempotent: "
        "existing categories (matched by slug) keep the city admin's edits."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for position, (slug, name, children) in enumerate(CATEGORIES):
            parent, made = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "position": position}
            )
            created += made
            for child_position, (child_slug, child_name) in enumerate(children):
                _, made = Category.objects.get_or_create(
                    slug=child_slug,
                    defaults={"name": child_name, "parent": parent, "position": child_position},
                )
                created += made
        synonyms = 0
        if not Synonym.objects.exists():
            Synonym.objects.bulk_create([Synonym(words=w, note=n) for w, n in SYNONYMS])
            synonyms = len(SYNONYMS)
            forget_synonyms()
        self.stdout.write(
            f"categories created={created} total={Category.objects.count()} "
            f"synonyms created={synonyms}"
        )
