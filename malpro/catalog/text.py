"""Indonesian text for search: tokens, stems, stopwords and edit distance.

Both search backends index and query the same tokens, made here:
- raw tokens: lowercase words as written (for prefix search while typing: "kerip" -> keripik);
- stems: the Snowball Indonesian stemmer (the algorithm of PostgreSQL's `indonesian` text search
  configuration), so "minuman" finds "minum" and "dijual" finds "jual".
Spelling variants (keripik/kripik, sambal/sambel) and synonyms (kopi/coffee) are groups of
words edited by the city admin (Synonym), expanded at query time.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Function words that carry no meaning in a product search.
STOPWORDS = frozenset(
    {"dan", "atau", "yang", "di", "ke", "dari", "untuk", "dengan", "pada", "ini", "itu"}
    | {"adalah", "juga", "ala", "per", "isi"}
)
_WORD = re.compile(r"[0-9a-z]+")
_stemmer = snowballstemmer.stemmer("indonesian")
MIN_TYPO_LENGTH = 5


def fold(text: str) -> str:
    """Lowercase without accents: 'Café' -> 'cafe'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The searchable words of a text, in order, without stopwords."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOPWORDS]


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    if word.isdigit() or len(word) < 4:
        return word
    return _stemmer.stemWord(word)


def stems(text: str) -> str:
    return " ".join(stem(w) for w in words(text))


def raw(text: str) -> str:
    return " ".join(words(text))


def damerau_levenshtein_at_most_one(a: str, b: str) -> bool:
    """True when b is a or one edit away (insert, delete, substitute, swap two neighbours)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    # b is one longer than a: some deletion from b gives a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def deletes(word: str) -> set[str]:
    """The word with each one letter removed (a SymSpell-style key set)."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}
