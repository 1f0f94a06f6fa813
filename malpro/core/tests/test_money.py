import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from malpro.core.money import format_rupiah, parse_rupiah


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "Rp0"),
        (500, "Rp500"),
        (15000, "Rp15.000"),
        (1250000, "Rp1.250.000"),
        (-2500, "-Rp2.500"),
        (10_000_000_000, "Rp10.000.000.000"),
    ],
)
def test_format_rupiah(amount, shown):
    assert format_rupiah(amount) == shown


def test_format_rupiah_refuses_floats():
    with pytest.raises(TypeError):
        format_rupiah(15000.5)


def test_rupiah_template_filter():
    assert Template("{{ x|rupiah }}").render(Context({"x": 15000})) == "Rp15.000"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("15000", 15000),
        ("15.000", 15000),
        ("Rp 15.000", 15000),
        ("Rp15.000,00", 15000),
        ("1.250.000", 1250000),
        (15000, 15000),
        (15000.0, 15000),
        (" 7500 ", 7500),
    ],
)
def test_parse_rupiah_reads_what_people_write(raw, value):
    assert parse_rupiah(raw) == value


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("lima ribu", "number"),
        ("15.00", "number"),
        ("15,5", "number"),
        ("-5000", "negative"),
        ("", "required"),
        (1500.5, "fraction"),
        (True, "number"),
    ],
)
def test_parse_rupiah_rejects_what_is_not_whole_rupiah(raw, code):
    with pytest.raises(ValidationError) as info:
        parse_rupiah(raw, label="Harga")
    assert info.value.code == code
