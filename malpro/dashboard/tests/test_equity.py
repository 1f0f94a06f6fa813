"""The equity figures on hand-checked examples (issue 16: "Numbers must be right")."""

from fractions import Fraction

import pytest

from malpro.dashboard import equity


def test_equal_revenues_have_a_gini_of_zero():
    assert equity.gini([50_000] * 7) == 0.0
    assert equity.gini_exact([3, 3, 3]) == 0


@pytest.mark.parametrize("n", [2, 3, 10, 165])
def test_one_seller_with_everything_has_a_gini_of_n_minus_one_over_n(n):
    revenues = [0] * (n - 1) + [1_000_000]
    assert equity.gini_exact(revenues) == Fraction(n - 1, n)


def test_a_known_small_distribution():
    # Sorted 1, 2, 3, 4: sum of i*x = 30, n = 4, total = 10 -> 2*30/40 - 5/4 = 1/4.
    assert equity.gini_exact([4, 1, 3, 2]) == Fraction(1, 4)
    assert equity.gini([4, 1, 3, 2]) == 0.25
    # The same by the definition: the sum of |xi - xj| over all ordered pairs (20) over
    # 2 * n^2 * mean (2 * 16 * 2.5 = 80) = 1/4.
    pairs = sum(abs(a - b) for a in [1, 2, 3, 4] for b in [1, 2, 3, 4])
    assert Fraction(pairs, 2 * 16) / Fraction(10, 4) == Fraction(1, 4)


def test_nobody_or_no_sales_gives_zero_not_an_error():
    assert equity.gini([]) == 0.0 and equity.gini([0, 0, 0]) == 0.0
    assert equity.top_share([0, 0]) == 0.0 and equity.share_of(0, 0) == 0.0


def test_the_lorenz_curve_of_a_known_distribution():
    assert equity.lorenz([4, 1, 3, 2]) == [
        (0.0, 0.0),
        (0.25, 0.1),
        (0.5, 0.3),
        (0.75, 0.6),
        (1.0, 1.0),
    ]
    assert equity.lorenz([0, 0]) == [(0.0, 0.0), (0.5, 0.5), (1.0, 1.0)]


def test_top_ten_share_and_zero_sale_sellers():
    revenues = [100] * 10 + [0] * 5 + [25] * 4  # top 10 hold 1,000 of 1,100
    assert equity.top_share(revenues) == round(1000 / 1100, 4)
    assert equity.top_share([5, 5], k=10) == 1.0
    assert equity.zero_sale_count(revenues) == 5


def test_money_is_whole_rupiah_and_never_negative():
    with pytest.raises(TypeError):
        equity.gini([1.5, 2])
    with pytest.raises(ValueError):
        equity.gini([10, -1])
    with pytest.raises(ValueError):
        equity.share_of(11, 10)


def test_the_sampled_lorenz_curve_matches_the_exact_one_at_each_seller():
    revenues = [0, 10, 30, 60]
    exact = dict(equity.lorenz(revenues))
    sampled = dict(equity.lorenz_sampled(revenues, steps=4))
    assert sampled == exact  # 0, 25, 50, 75, 100 % are exactly the sellers' points
    halfway = dict(equity.lorenz_sampled(revenues, steps=8))
    assert halfway[0.125] == 0.0  # half of the poorest seller, who has nothing
    assert halfway[0.375] == 0.05  # the first and half the second: 5 of 100
    assert equity.lorenz_sampled([], steps=2) == [(0.0, 0.0), (0.5, 0.5), (1.0, 1.0)]
    assert len(equity.lorenz_sampled(range(10_000))) == 21
