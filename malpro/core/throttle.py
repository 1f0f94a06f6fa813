"""Rate limits that stop attackers, not owners.

Two tools, both kept in the shared "throttle" cache (Redis in production; a database table in
the embedded default, so every worker process counts the same attempts):

- `hit(name, key, limit=, window=)`: a counter per fixed window ("30 tries per 5 minutes from
  one address"). Every call counts.
- `Backoff`: growing delays after repeated failures ("after 5 wrong passwords, wait 30 s, then
  60 s, 2 min, ... at most 15 min"), cleared by a success or by proving the phone (an OTP).
  Nothing is ever locked for good, and the wait is the same length for the real owner and for
  whoever else tries from the same key.

Keys are hashed before they reach the cache, so phone numbers and addresses never sit there in
clear.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches


def _cache():
    return caches[settings.MALPRO_THROTTLE_CACHE]


def _digest(*parts: str) -> str:
    raw = "\x1f".join(str(p) for p in parts)
    return hashlib.blake2b(
        raw.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16
    ).hexdigest()


@dataclass(frozen=True)
class Usage:
    count: int
    limit: int
    retry_after: int  # seconds until the window ends

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


def hit(name: str, key: str, *, limit: int, window: int, count: bool = True) -> Usage:
    """Counts one attempt of `name` for `key` in the current window of `window` seconds.
    With count=False it only reads the counter."""
    now = time.time()
    index = int(now // window)
    cache_key = f"thr:{name}:{_digest(name, key)}:{index}"
    cache = _cache()
    if count:
        cache.add(cache_key, 0, timeout=window + 5)
        try:
            value = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 5)
            value = 1
    else:
        value = cache.get(cache_key, 0)
    return Usage(count=value, limit=limit, retry_after=max(1, int((index + 1) * window - now)))


def reset(name: str, key: str, *, window: int) -> None:
    index = int(time.time() // window)
    _cache().delete(f"thr:{name}:{_digest(name, key)}:{index}")


@dataclass(frozen=True)
class Backoff:
    """Growing delays for one kind of failure.

    `free` failures cost nothing; the n-th failure after them makes the next attempt wait
    `base * 2**n` seconds (n from 0), at most `cap`. Failures are forgotten `memory` seconds
    after the last one, on `clear()`, or on success."""

    name: str
    free: int = 5
    base: int = 30
    cap: int = 15 * 60
    memory: int = 24 * 60 * 60

    def _key(self, key: str) -> str:
        return f"bo:{self.name}:{_digest(self.name, key)}"

    def wait(self, key: str) -> int:
        """Seconds to wait before the next attempt is allowed (0: allowed now)."""
        state = _cache().get(self._key(key))
        if not state:
            return 0
        return max(0, math.ceil(state.get("until", 0) - time.time()))

    def failures(self, key: str) -> int:
        state = _cache().get(self._key(key))
        return int(state.get("failures", 0)) if state else 0

    def fail(self, key: str) -> int:
        """Records a failure; returns the wait it imposes (seconds, 0 if still free)."""
        cache = _cache()
        state = cache.get(self._key(key)) or {"failures": 0, "until": 0}
        failures = int(state["failures"]) + 1
        delay = 0
        if failures >= self.free:
            delay = min(self.cap, self.base * 2 ** (failures - self.free))
        cache.set(
            self._key(key),
            {"failures": failures, "until": time.time() + delay},
            timeout=self.memory,
        )
        return delay

    def clear(self, key: str) -> None:
        _cache().delete(self._key(key))


def wait_words(seconds: int) -> str:
    """'45 detik' / '3 menit': how long to wait, in the words of the UI."""
    from django.utils.translation import ngettext

    if seconds < 60:
        n = max(1, seconds)
        return ngettext("%(n)d detik", "%(n)d detik", n) % {"n": n}
    n = math.ceil(seconds / 60)
    return ngettext("%(n)d menit", "%(n)d menit", n) % {"n": n}
