"""Equity measures of how revenue is spread over sellers: one documented function per
figure, so that the dashboard, its exports, the open data and the benchmark all say the same.

Inputs are whole-rupiah revenues, one per seller, in any order. Who counts as a seller (every
active seller of the period, including those with zero sales) is the caller's choice and is
written in docs/dashboard.md; these functions only do the arithmetic, exactly (rationals),
and round once at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

DIGITS = 4


def _checked(revenues: Iterable[int]) -> list[int]:
    values = list(revenues)
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"revenues are whole rupiah (int), got {type(value).__name__}")
        if value < 0:
            raise ValueError("a seller's revenue for a period is never negative")
    return values


def gini_exact(revenues: Iterable[int]) -> Fraction:
    """The Gini coefficient of `revenues` as an exact fraction.

    G = 2·Σ i·x_(i) / (n·Σ x) − (n + 1)/n, with x sorted ascending and i = 1..n (the mean
    absolute difference over twice the mean, without the small-sample correction). 0 when
    everyone has the same (or there is nobody, or nobody sold anything); (n − 1)/n when one
    seller has everything.
    """
    values = sorted(_checked(revenues))
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return Fraction(0)
    weighted = sum(i * x for i, x in enumerate(values, start=1))
    return Fraction(2 * weighted, n * total) - Fraction(n + 1, n)


def gini(revenues: Iterable[int]) -> float:
    """`gini_exact` rounded to 4 decimals, as the dashboard shows it."""
    return round(float(gini_exact(revenues)), DIGITS)


def lorenz(revenues: Iterable[int]) -> list[tuple[float, float]]:
    """The Lorenz curve: (share of sellers, share of revenue they hold), poorest first, from
    (0, 0) to (1, 1); one point per seller. With no revenue at all it is the diagonal."""
    values = sorted(_checked(revenues))
    n, total = len(values), sum(values)
    points = [(0.0, 0.0)]
    running = 0
    for i, x in enumerate(values, start=1):
        running += x
        share = Fraction(running, total) if total else Fraction(i, n)
        points.append((round(i / n, DIGITS), round(float(share), DIGITS)))
    return points


def lorenz_sampled(revenues: Iterable[int], steps: int = 20) -> list[tuple[float, float]]:
    """The Lorenz curve at `steps` + 1 evenly spaced shares of sellers (0, 5%, ..., 100%),
    exact between sellers (the curve is straight from one seller to the next): what a table
    or a chart shows for thousands of sellers."""
    if steps < 1:
        raise ValueError("steps is a positive number")
    values = sorted(_checked(revenues))
    n, total = len(values), sum(values)
    prefix = [0]
    for x in values:
        prefix.append(prefix[-1] + x)
    points = []
    for k in range(steps + 1):
        x = Fraction(k, steps)
        if n == 0 or total == 0:
            y = x
        else:
            position = x * n
            i = int(position)  # floor: position is never negative
            held = prefix[i] + ((position - i) * values[i] if i < n else 0)
            y = Fraction(held) / total
        points.append((round(float(x), DIGITS), round(float(y), DIGITS)))
    return points


def top_share(revenues: Iterable[int], k: int = 10) -> float:
    """The share of all revenue held by the `k` sellers with the most (0 when nobody sold)."""
    if k < 0:
        raise ValueError("k is a number of sellers")
    values = sorted(_checked(revenues), reverse=True)
    total = sum(values)
    if total == 0:
        return 0.0
    return round(float(Fraction(sum(values[:k]), total)), DIGITS)


def share_of(part: int, whole: int) -> float:
    """part / whole for revenues (e.g. micro businesses' revenue over all revenue); 0 when
    the whole is 0."""
    _checked([part, whole])
    if part > whole:
        raise ValueError("a part is never more than its whole")
    return round(float(Fraction(part, whole)), DIGITS) if whole else 0.0


def zero_sale_count(revenues: Sequence[int]) -> int:
    """How many of the sellers sold nothing."""
    return sum(1 for x in _checked(revenues) if x == 0)
