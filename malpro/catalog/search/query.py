"""Parsing what people type into clauses both backends understand the same way.

A query is a list of clauses, all of which must match (AND). A clause is a word with its
alternatives (synonyms and spelling variants from the Synonym table, and vocabulary words one
typo away for unknown words of five letters or more), optionally a prefix (the word being typed),
or a quoted phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.cache import cache

from malpro.catalog import text

SYNONYM_CACHE_KEY = "catalog:synonyms:v1"


@dataclass
class Clause:
    words: list[str] = field(default_factory=list)  # raw alternatives, stemmed by the backend
    prefix: str = ""  # raw prefix (typing ahead)
    phrase: list[str] = field(default_factory=list)  # raw words that must be adjacent


@dataclass
class ParsedQuery:
    clauses: list[Clause]
    corrections: dict[str, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.clauses)


def synonym_groups() -> dict[str, set[str]]:
    groups = cache.get(SYNONYM_CACHE_KEY)
    if groups is None:
        from malpro.catalog.models import Synonym

        groups = {}
        for row in Synonym.objects.all():
            members = {w for part in row.words.split(",") for w in text.words(part)}
            for member in members:
                groups.setdefault(member, set()).update(members)
        cache.set(SYNONYM_CACHE_KEY, groups, 3600)
    return groups


def forget_synonyms() -> None:
    cache.delete(SYNONYM_CACHE_KEY)


def parse(q: str, backend, *, typing: bool = False) -> ParsedQuery:
    """`typing`: the last word may be unfinished (live search), so it also matches as a prefix."""
    q = (q or "").strip()
    phrases = re.findall(r'"([^"]+)"', q)
    rest = re.sub(r'"[^"]*"?', " ", q)
    clauses: list[Clause] = []
    corrections: dict[str, list[str]] = {}
    for phrase in phrases:
        words = text.words(phrase)
        if len(words) > 1:
            clauses.append(Clause(phrase=words))
        elif words:
            rest = rest + " " + words[0]
    words = text.words(rest)
    groups = synonym_groups()
    seen = set()
    for index, word in enumerate(words):
        if word in seen:
            continue
        seen.add(word)
        last = typing and index == len(words) - 1 and not q.endswith((" ", '"'))
        alternatives = {word} | groups.get(word, set())
        clause = Clause(words=sorted(alternatives), prefix=word if last else "")
        if (
            len(word) >= text.MIN_TYPO_LENGTH
            and not word.isdigit()
            and not backend.term_known(word, prefix=last)
        ):
            near = sorted(
                t
                for t in backend.terms_one_typo_away(word)
                if text.damerau_levenshtein_at_most_one(word, t) and t != word
            )
            if near:
                corrections[word] = near
                for candidate in near:
                    alternatives |= {candidate} | groups.get(candidate, set())
                clause.words = sorted(alternatives)
        clauses.append(clause)
    return ParsedQuery(clauses=clauses, corrections=corrections)
