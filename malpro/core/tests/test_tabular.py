"""Reading the CSV files agencies send: line endings, quoted cells, encodings, delimiters."""

import io

import pytest

from malpro.core.tabular import UnreadableFile, open_table


def read(data: bytes, name: str = "data.csv"):
    table = open_table(io.BytesIO(data), filename=name)
    return table.headers, list(table.rows), table.total


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_every_line_ending_gives_the_same_rows(newline):
    data = newline.join([b"nama;kota", b"Bakso Cak Agus;Malang", b"Toko Sri;Batu"]) + newline
    headers, rows, total = read(data)
    assert headers == ["nama", "kota"]
    assert rows == [(2, ["Bakso Cak Agus", "Malang"]), (3, ["Toko Sri", "Batu"])]
    assert total == 2


def test_a_quoted_cell_may_hold_a_line_break_and_the_delimiter():
    data = 'nama,alamat\n"Warung Bu Sri","Jl. Ijen 5,\nRT 02"\nLaundry,Jl. Soekarno Hatta\n'
    headers, rows, _ = read(data.encode())
    assert rows[0] == (2, ["Warung Bu Sri", "Jl. Ijen 5,\nRT 02"])
    assert rows[1][1] == ["Laundry", "Jl. Soekarno Hatta"]


def test_windows_1252_and_a_last_line_without_ending():
    data = "nama\tpemilik\nCaf\u00e9 Ijen\tJos\u00e9".encode("cp1252")
    headers, rows, total = read(data)
    assert headers == ["nama", "pemilik"]
    assert rows == [(2, ["Caf\u00e9 Ijen", "Jos\u00e9"])]
    assert total == 1


def test_an_empty_file_is_refused_clearly():
    with pytest.raises(UnreadableFile, match="Berkas kosong"):
        read(b"  \n")
