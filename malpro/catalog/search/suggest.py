"""What a search that found nothing offers instead of an empty page: a spelling the catalog
knows ("Mungkin maksud Anda: keripik"), the categories that match the words (or the busiest
ones), and popular products.

The spelling comes from the catalog's own vocabulary (SearchTerm: the words of product names,
descriptions and categories), compared with difflib in Python: the candidates are the words of
about the same length starting with the same letter, so one indexed query serves both SQLite
and PostgreSQL, and a suggestion is offered only when searching for it finds products."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

from django.db.models import Count
from django.db.models.functions import Length

from malpro.catalog import text
from malpro.catalog.models import Category, SearchDoc, SearchTerm

# difflib's ratio: "kripik"/"keripik" 0.92, "bakzo"/"bakso" 0.8, "kripk"/"keripik" 0.83.
CUTOFF = 0.75
MAX_CANDIDATES = 5000


@dataclass
class Suggestions:
    query: str = ""  # the query spelled with the catalog's words (it finds products)
    categories: list = field(default_factory=list)  # [(category, count)]
    products: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.query or self.categories or self.products)


def closest_word(word: str) -> str:
    """The vocabulary's word nearest to `word`, or ""."""
    if len(word) < 3 or word.isdigit():
        return ""
    candidates = list(
        SearchTerm.objects.annotate(n=Length("term"))
        .filter(term__startswith=word[0], n__gte=len(word) - 2, n__lte=len(word) + 2)
        .values_list("term", flat=True)[:MAX_CANDIDATES]
    )
    near = difflib.get_close_matches(word, candidates, n=1, cutoff=CUTOFF)
    return near[0] if near else ""


def spelling(q: str) -> str:
    """`q` with its unknown words replaced by the nearest known ones; "" when nothing changed."""
    words = text.words(q)
    known = set(SearchTerm.objects.filter(term__in=words).values_list("term", flat=True))
    out, changed = [], False
    for word in words:
        better = "" if word in known else closest_word(word)
        out.append(better or word)
        changed = changed or bool(better)
    return " ".join(out) if changed else ""


def matching_categories(q: str, limit: int = 4) -> list:
    """Active categories whose name shares a word (or a near spelling) with `q`, with how many
    products each holds; else the categories with the most products."""
    words = set(text.words(q))
    counts = dict(SearchDoc.objects.values_list("category_root_id").annotate(n=Count("product_id")))
    leaf_counts = dict(SearchDoc.objects.values_list("category_id").annotate(n=Count("product_id")))
    found = []
    for category in Category.objects.filter(is_active=True):
        names = text.words(category.name)
        if any(
            w in names or difflib.get_close_matches(w, names, n=1, cutoff=CUTOFF) for w in words
        ):
            n = counts.get(category.pk) or leaf_counts.get(category.pk) or 0
            if n:
                found.append((category, n))
    if not found:
        roots = Category.objects.filter(is_active=True, pk__in=list(counts))
        found = [(c, counts[c.pk]) for c in roots]
    found.sort(key=lambda pair: (-pair[1], pair[0].name))
    return found[:limit]


def suggest(params, *, search, popular) -> Suggestions:
    """Suggestions for a search (`params`) that found nothing. `search` is the engine's search
    (to check that a corrected spelling finds something), `popular` gives popular products."""
    query = ""
    if params.q:
        candidate = spelling(params.q)
        if candidate and search(replace(params, q=candidate, page=1, typing=False)).total:
            query = candidate
    return Suggestions(
        query=query,
        categories=matching_categories(query or params.q),
        products=list(popular()),
    )
