"""Rate limits that stop attackers, not owners.

Two tools, kept where every worker process sees them (Redis in production; without Redis, the
`ThrottleCounter` table, changed by single atomic statements):

- `hit(name, key, limit=, window=)`: a counter per fixed window ("30 tries per 5 minutes from
  one address"). Each call counts atomically, so parallel requests cannot share a slot.
- `Backoff`: growing delays after repeated failures ("after 5 wrong passwords, wait 30 s, then
  60 s, 2 min, ... at most 15 min"). `attempt()` reserves the try atomically *before* the
  password or code is checked (so a burst of parallel guesses is refused, not all checked),
  `failed()` / `succeeded()` settle it. Nothing is ever locked for good.

Keys are hashed (keyed) before they are stored, so phone numbers and addresses never sit there
in clear. Call these outside any transaction that may roll back: a refused attempt must stay
counted.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import connection


def _digest(*parts: str) -> str:
    raw = "\x1f".join(str(p) for p in parts)
    return hashlib.blake2b(
        raw.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16
    ).hexdigest()


# --- stores --------------------------------------------------------------------------------------
class _RedisStore:
    """The shared cache (Redis): INCRBY and SET NX are atomic."""

    @property
    def cache(self):
        return caches[settings.MALPRO_THROTTLE_CACHE]

    def incr(self, key: str, ttl: int, delta: int = 1) -> int:
        self.cache.add(key, 0, timeout=ttl)
        try:
            return self.cache.incr(key, delta)
        except ValueError:  # expired between add and incr
            self.cache.add(key, delta, timeout=ttl)
            return delta

    def count(self, key: str) -> int:
        return int(self.cache.get(key) or 0)

    def stamp(self, key: str) -> float | None:
        return self.cache.get(key)

    def put(self, key: str, value: float, ttl: int) -> None:
        self.cache.set(key, value, timeout=ttl)

    def delete(self, *keys: str) -> None:
        self.cache.delete_many(list(keys))


class _TableStore:
    """The ThrottleCounter table: one upsert statement per change (SQLite 3.35+, PostgreSQL).
    An expired row restarts from the new value."""

    _INCR = (
        "INSERT INTO core_throttlecounter (key, value, stamp, expires) VALUES (%s, %s, NULL, %s) "
        "ON CONFLICT (key) DO UPDATE SET "
        "value = CASE WHEN core_throttlecounter.expires < %s THEN excluded.value "
        "ELSE core_throttlecounter.value + excluded.value END, "
        "stamp = CASE WHEN core_throttlecounter.expires < %s THEN NULL "
        "ELSE core_throttlecounter.stamp END, "
        "expires = CASE WHEN core_throttlecounter.expires < %s THEN excluded.expires "
        "ELSE core_throttlecounter.expires END "
        "RETURNING value"
    )
    _PUT = (
        "INSERT INTO core_throttlecounter (key, value, stamp, expires) VALUES (%s, 0, %s, %s) "
        "ON CONFLICT (key) DO UPDATE SET stamp = excluded.stamp, expires = excluded.expires"
    )
    _ROW = "SELECT value, stamp FROM core_throttlecounter WHERE key = %s AND expires >= %s"

    def incr(self, key: str, ttl: int, delta: int = 1) -> int:
        now = time.time()
        with connection.cursor() as cursor:
            cursor.execute(self._INCR, [key, delta, now + ttl, now, now, now])
            return int(cursor.fetchone()[0])

    def _row(self, key: str):
        with connection.cursor() as cursor:
            cursor.execute(self._ROW, [key, time.time()])
            return cursor.fetchone()

    def count(self, key: str) -> int:
        row = self._row(key)
        return int(row[0]) if row else 0

    def stamp(self, key: str) -> float | None:
        row = self._row(key)
        return row[1] if row else None

    def put(self, key: str, value: float, ttl: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(self._PUT, [key, value, time.time() + ttl])

    def delete(self, *keys: str) -> None:
        from malpro.core.models import ThrottleCounter

        ThrottleCounter.objects.filter(key__in=keys).delete()


def _store():
    return _RedisStore() if settings.MALPRO_THROTTLE_CACHE else _TableStore()


def purge() -> int:
    """Deletes expired rows of the counter table (no-op with Redis, which expires keys)."""
    if settings.MALPRO_THROTTLE_CACHE:
        return 0
    from malpro.core.models import ThrottleCounter

    deleted, _ = ThrottleCounter.objects.filter(expires__lt=time.time()).delete()
    return deleted


# --- windows -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Usage:
    count: int
    limit: int
    retry_after: int  # seconds until the window ends

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


def _window_key(name: str, key: str, window: int) -> tuple[str, int, float]:
    now = time.time()
    index = int(now // window)
    return f"thr:{name}:{_digest(name, key)}:{index}", index, now


def hit(name: str, key: str, *, limit: int, window: int, count: bool = True) -> Usage:
    """Counts one attempt of `name` for `key` in the current window of `window` seconds
    (atomically). With count=False it only reads the counter."""
    cache_key, index, now = _window_key(name, key, window)
    store = _store()
    value = store.incr(cache_key, window + 5) if count else store.count(cache_key)
    return Usage(count=value, limit=limit, retry_after=max(1, int((index + 1) * window - now)))


def reset(name: str, key: str, *, window: int) -> None:
    cache_key, _index, _now = _window_key(name, key, window)
    _store().delete(cache_key)


# --- growing delays ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Backoff:
    """Growing delays for one kind of failure.

    `free` failures cost nothing; after them the n-th further attempt must wait
    `base * 2**n` seconds (n from 0) since the last failure, at most `cap`. Failures are
    forgotten `memory` seconds after the first one, by `succeeded()`, or by `clear()`."""

    name: str
    free: int = 5
    base: int = 30
    cap: int = 15 * 60
    memory: int = 24 * 60 * 60

    def _keys(self, key: str) -> tuple[str, str]:
        digest = _digest(self.name, key)
        return f"bo:{self.name}:{digest}:n", f"bo:{self.name}:{digest}:t"

    def attempt(self, key: str) -> int:
        """Reserves an attempt, counted as a failure until `succeeded()`. Returns 0 when it may
        go ahead, else the seconds to wait (and the refused attempt is not counted)."""
        count_key, time_key = self._keys(key)
        store = _store()
        n = store.incr(count_key, self.memory)
        if n <= self.free:
            return 0
        now = time.time()
        last = store.stamp(time_key)
        if last is None:
            # Earlier attempts are still being checked (a parallel burst): wait from now.
            last = now
        delay = min(self.cap, self.base * 2 ** (n - 1 - self.free))
        wait = last + delay - now
        if wait > 0:
            store.incr(count_key, self.memory, delta=-1)
            return math.ceil(wait)
        # Going ahead: until it settles, parallel attempts wait from now.
        store.put(time_key, now, self.memory)
        return 0

    def failed(self, key: str) -> None:
        _count_key, time_key = self._keys(key)
        _store().put(time_key, time.time(), self.memory)

    def succeeded(self, key: str) -> None:
        """The reserved attempt went well: all failures are forgotten."""
        self.clear(key)

    def release(self, key: str) -> None:
        """The reserved attempt went well but earlier failures stay counted (a limit on an
        address, which one success of its own must not wipe)."""
        count_key, _time_key = self._keys(key)
        _store().incr(count_key, self.memory, delta=-1)

    def clear(self, key: str) -> None:
        _store().delete(*self._keys(key))

    def failures(self, key: str) -> int:
        count_key, _time_key = self._keys(key)
        return _store().count(count_key)


# --- known places --------------------------------------------------------------------------------
def remember(name: str, key: str, *, days: int = 90) -> None:
    """Notes that `key` did something legitimately (e.g. this number logged in from this
    address), so limits aimed at strangers can spare it."""
    _store().put(f"kn:{name}:{_digest(name, key)}", time.time(), days * 86400)


def known(name: str, key: str) -> bool:
    return _store().stamp(f"kn:{name}:{_digest(name, key)}") is not None


def wait_words(seconds: int) -> str:
    """'45 detik' / '3 menit': how long to wait, in the words of the UI."""
    from django.utils.translation import ngettext

    if seconds < 60:
        n = max(1, seconds)
        return ngettext("%(n)d detik", "%(n)d detik", n) % {"n": n}
    n = math.ceil(seconds / 60)
    return ngettext("%(n)d menit", "%(n)d menit", n) % {"n": n}
