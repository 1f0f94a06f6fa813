import pytest

from malpro.umkm.scale import classify

B = 1_000_000_000


@pytest.mark.parametrize(
    ("capital", "sales", "scale"),
    [
        (None, None, ""),
        (50_000_000, None, "micro"),
        (B, None, "micro"),
        (B + 1, None, "small"),
        (5 * B, None, "small"),
        (5 * B + 1, None, "medium"),
        (10 * B + 1, None, "large"),
        (None, 2 * B, "micro"),
        (None, 2 * B + 1, "small"),
        (None, 15 * B + 1, "medium"),
        (None, 50 * B + 1, "large"),
        (3 * B, 300_000_000, "micro"),  # a trading business is classed by its sales
    ],
)
def test_pp_7_2021_thresholds(capital, sales, scale):
    assert classify(capital=capital, annual_sales=sales) == scale
