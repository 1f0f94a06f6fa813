"""The two search backends. They index the same words (catalog.text) and answer the same
parsed queries; tests run the same cases on both."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
from django.db.models.expressions import RawSQL

from malpro.catalog import text
from malpro.catalog.models import SearchDoc, SearchTerm, SearchTermKey
from malpro.catalog.search.query import Clause


class SearchBackend:
    vendor = ""

    # --- vocabulary -----------------------------------------------------------------------------
    def term_known(self, word: str, *, prefix: bool) -> bool:
        if prefix:
            upper = word[:-1] + chr(ord(word[-1]) + 1)
            return SearchTerm.objects.filter(term__gte=word, term__lt=upper).exists()
        return SearchTerm.objects.filter(term=word).exists()

    def terms_one_typo_away(self, word: str) -> set[str]:
        raise NotImplementedError

    def add_terms(self, words: Iterable[str]) -> None:
        words = {w for w in words if 2 <= len(w) <= 64 and not w.isdigit()}
        if not words:
            return
        existing = set(SearchTerm.objects.filter(term__in=words).values_list("term", flat=True))
        new = words - existing
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=w) for w in new], batch_size=2000, ignore_conflicts=True
        )
        if new:
            self._terms_added(new)

    def _terms_added(self, words: set[str]) -> None:
        pass

    # --- documents ------------------------------------------------------------------------------
    def remove(self, product_ids: list[int]) -> None:
        SearchDoc.objects.filter(product_id__in=product_ids).delete()

    def store(self, docs: list[SearchDoc]) -> None:
        """Replaces the documents of these products (the rows' text columns are set)."""
        ids = [d.product_id for d in docs]
        self.remove(ids)
        SearchDoc.objects.bulk_create(docs, batch_size=1000)

    # --- queries --------------------------------------------------------------------------------
    def match(self, queryset, clauses: list[Clause]):
        """Filters the SearchDoc queryset to documents matching every clause and annotates
        `name_hits`: how many clauses match the product's name."""
        raise NotImplementedError


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"
    ALL_STEM = "{name_stem body_stem}"
    ALL_RAW = "{name_raw body_raw}"

    def terms_one_typo_away(self, word: str) -> set[str]:
        keys = text.deletes(word) | {word}
        by_key = SearchTermKey.objects.filter(key__in=keys).values_list("term__term", flat=True)
        direct = SearchTerm.objects.filter(term__in=keys).values_list("term", flat=True)
        return set(by_key) | set(direct)

    def _terms_added(self, words: set[str]) -> None:
        terms = SearchTerm.objects.filter(term__in=words).values_list("pk", "term")
        keys = [
            SearchTermKey(key=k, term_id=pk)
            for pk, term in terms
            if len(term) >= text.MIN_TYPO_LENGTH - 1
            for k in text.deletes(term)
        ]
        SearchTermKey.objects.bulk_create(keys, batch_size=5000, ignore_conflicts=True)

    def remove(self, product_ids: list[int]) -> None:
        if not product_ids:
            return
        with connection.cursor() as cursor:
            for start in range(0, len(product_ids), 500):
                chunk = product_ids[start : start + 500]
                marks = ",".join("%s" for _ in chunk)
                cursor.execute(
                    "INSERT INTO catalog_fts(catalog_fts, rowid, name_stem, body_stem, name_raw, "
                    "body_raw) SELECT 'delete', product_id, name_stem, body_stem, name_raw, "
                    f"body_raw FROM catalog_searchdoc WHERE product_id IN ({marks})",
                    chunk,
                )
        super().remove(product_ids)

    def store(self, docs: list[SearchDoc]) -> None:
        super().store(docs)
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO catalog_fts(rowid, name_stem, body_stem, name_raw, body_raw) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(d.product_id, d.name_stem, d.body_stem, d.name_raw, d.body_raw) for d in docs],
            )

    @staticmethod
    def _quote(word: str) -> str:
        return '"' + word.replace('"', "") + '"'

    def _clause(self, clause: Clause, *, name_only: bool) -> str:
        stem_cols = "{name_stem}" if name_only else self.ALL_STEM
        raw_cols = "{name_raw}" if name_only else self.ALL_RAW
        if clause.phrase:
            phrase = " ".join(text.stem(w) for w in clause.phrase)
            return f"({stem_cols} : {self._quote(phrase)})"
        stems = sorted({text.stem(w) for w in clause.words})
        parts = [f"{stem_cols} : ({' OR '.join(self._quote(s) for s in stems)})"]
        if clause.prefix:
            parts.append(f"{raw_cols} : {self._quote(clause.prefix)}*")
        return "(" + " OR ".join(parts) + ")"

    def match(self, queryset, clauses: list[Clause]):
        expression = " AND ".join(self._clause(c, name_only=False) for c in clauses)
        queryset = queryset.filter(
            product_id__in=RawSQL(
                "SELECT rowid FROM catalog_fts WHERE catalog_fts MATCH %s", [expression]
            )
        )
        hits = [
            RawSQL(
                "CASE WHEN catalog_searchdoc.product_id IN (SELECT rowid FROM catalog_fts WHERE "
                "catalog_fts MATCH %s) THEN 1 ELSE 0 END",
                [self._clause(c, name_only=True)],
                output_field=models.IntegerField(),
            )
            for c in clauses
        ]
        total = hits[0]
        for hit in hits[1:]:
            total = total + hit
        return queryset.annotate(name_hits=total)


class PostgresBackend(SearchBackend):
    vendor = "postgresql"
    # A word one edit away from a word of five letters or more always shares at least 20% of
    # its trigrams, so this threshold finds every candidate; Python then checks the distance.
    TRIGRAM_THRESHOLD = "0.19"

    def terms_one_typo_away(self, word: str) -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, false)",
                [self.TRIGRAM_THRESHOLD],
            )
            cursor.execute(
                "SELECT term FROM catalog_searchterm WHERE term %% %s "
                "AND length(term) BETWEEN %s AND %s",
                [word, len(word) - 1, len(word) + 1],
            )
            return {row[0] for row in cursor.fetchall()}

    def store(self, docs: list[SearchDoc]) -> None:
        super().store(docs)
        ids = [d.product_id for d in docs]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE catalog_searchdoc SET doc = "
                "setweight(to_tsvector('indonesian', name_raw), 'A') || "
                "setweight(to_tsvector('indonesian', body_raw), 'B') || "
                "setweight(to_tsvector('simple', name_raw), 'C') || "
                "setweight(to_tsvector('simple', body_raw), 'D') "
                "WHERE product_id = ANY(%s)",
                [ids],
            )

    def _clause(self, clause: Clause, *, name_only: bool) -> tuple[str, list[str]]:
        stem_weights, raw_weights = ("A", "C") if name_only else ("AB", "CD")
        sql: list[str] = []
        params: list[str] = []
        if clause.phrase:
            joined = " <-> ".join(f"{w}:{stem_weights[0]}" for w in clause.phrase)
            sql.append("to_tsquery('indonesian', %s)")
            params.append(joined)
            if not name_only:
                sql.append("to_tsquery('indonesian', %s)")
                params.append(" <-> ".join(f"{w}:B" for w in clause.phrase))
        else:
            for word in clause.words:
                sql.append("to_tsquery('indonesian', %s)")
                params.append(f"{word}:{stem_weights}")
            if clause.prefix:
                sql.append("to_tsquery('simple', %s)")
                params.append(f"{clause.prefix}:*{raw_weights}")
        return "(" + " || ".join(sql) + ")", params

    def match(self, queryset, clauses: list[Clause]):
        parts = [self._clause(c, name_only=False) for c in clauses]
        where = "catalog_searchdoc.doc @@ (" + " && ".join(p[0] for p in parts) + ")"
        params = [p for part in parts for p in part[1]]
        # The SQL is built from fixed fragments; every word typed travels as a parameter.
        queryset = queryset.filter(RawSQL(where, params, output_field=models.BooleanField()))
        hits = []
        for clause in clauses:
            sql, clause_params = self._clause(clause, name_only=True)
            hits.append(
                RawSQL(
                    f"CASE WHEN catalog_searchdoc.doc @@ {sql} THEN 1 ELSE 0 END",
                    clause_params,
                    output_field=models.IntegerField(),
                )
            )
        total = hits[0]
        for hit in hits[1:]:
            total = total + hit
        return queryset.annotate(name_hits=total)


def get_backend() -> SearchBackend:
    return PostgresBackend() if connection.vendor == "postgresql" else SQLiteBackend()
