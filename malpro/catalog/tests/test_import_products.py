import csv
import io

import pytest
from django.core.management import CommandError, call_command

from malpro.catalog.models import Product
from malpro.catalog.search.engine import SearchParams, search
from malpro.catalog.tests.factories import shop

ROWS = [
    ["sku", "nama", "deskripsi", "kategori", "harga", "satuan", "stok", "berat_gram"],
    ["KTO-250", "Keripik Tempe Original 250 g", "Renyah", "keripik", "15.000", "pack", "40", "260"],
    ["", "Sambal Bawang Botol", "Pedas", "Sambal", "25000", "botol", "12", "300"],
    ["KTO-500", "Keripik Tempe 500 g", "", "tidak-ada", "28000", "pack", "5", "520"],
    ["KTO-1KG", "Keripik Tempe 1 kg", "", "keripik", "lima puluh ribu", "pack", "5", "1000"],
    ["KTO-250", "Keripik Tempe dobel", "", "keripik", "15000", "pack", "1", "1"],
    ["", "", "", "keripik", "1000", "pcs", "1", "1"],
    ["KTO-X", "Keripik Tempe X", "", "keripik", "1000", "ton", "-3", "1"],
]


def write(path, rows=ROWS):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_products", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


@pytest.mark.django_db
def test_mass_upload_keeps_good_rows_reports_bad_and_is_idempotent(seller, tmp_path):
    business = shop(seller)
    path = write(tmp_path / "produk.csv")
    out, err = run(path, "--business", str(business.pk), "--report", str(tmp_path / "r.csv"))
    assert out == "created=2 updated=0 unchanged=0 rejected=5"
    assert "Kategori tidak-ada tidak dikenal" in err
    report = (tmp_path / "r.csv").read_text(encoding="utf-8")
    for fragment in ("rupiah bulat", "duplikat", "Nama produk wajib", "Satuan ton", "Stok"):
        assert fragment in report
    tempe = Product.objects.get(sku="KTO-250")
    assert (tempe.price, tempe.stock, tempe.weight_grams, tempe.status) == (
        15000,
        40,
        260,
        "published",
    )
    assert Product.objects.get(name="Sambal Bawang Botol").category.slug == "sambal"
    assert (
        run(path, "--business", str(business.pk))[0] == "created=0 updated=0 unchanged=2 rejected=5"
    )
    assert [p.name for p in search(SearchParams(q="keripik")).products] == [
        "Keripik Tempe Original 250 g"
    ]


@pytest.mark.django_db
def test_mass_upload_updates_by_sku_and_by_name(seller, tmp_path):
    business = shop(seller)
    run(write(tmp_path / "a.csv", ROWS[:3]), "--business", str(business.pk))
    changed = [
        ROWS[0],
        [
            "KTO-250",
            "Keripik Tempe Original 250 g",
            "Renyah",
            "keripik",
            "16.000",
            "pack",
            "35",
            "260",
        ],
        ["", "Sambal Bawang Botol", "Pedas sekali", "sambal", "25000", "botol", "12", "300"],
    ]
    out, _ = run(write(tmp_path / "b.csv", changed), "--business", str(business.pk))
    assert out == "created=0 updated=2 unchanged=0 rejected=0"
    tempe = Product.objects.get(sku="KTO-250")
    assert (tempe.price, tempe.stock) == (16000, 35)
    assert tempe.changes.filter(field="price", new_value="16000").exists()


@pytest.mark.django_db
def test_mass_upload_refuses_an_unknown_business_or_unreadable_file(seller, tmp_path):
    with pytest.raises(CommandError) as info:
        run(write(tmp_path / "a.csv"), "--business", "999999")
    assert info.value.returncode == 2
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(CommandError) as info:
        run(str(empty), "--business", str(shop(seller).pk))
    assert info.value.returncode == 2
