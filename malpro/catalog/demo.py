"""Demo products for the demo shops: staples (for the ASN bundles), snacks, drinks, crafts.
Photos are drawn here (a coloured tile with the product's initials), so the demo needs no files."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from malpro.catalog import services
from malpro.catalog.models import Product
from malpro.catalog.services import ProductInput
from malpro.umkm.models import Business

# business name -> [(name, category, price, unit, stock, weight g, description, variants)]
PRODUCTS = {
    "Keripik Tempe Sanan Bu Siti": [
        (
            "Keripik Tempe Original 250 g",
            "keripik",
            15000,
            "pack",
            40,
            260,
            "Keripik tempe khas Sanan, tipis dan renyah, digoreng setiap pagi.",
            [],
        ),
        (
            "Keripik Tempe Pedas Daun Jeruk",
            "keripik",
            16000,
            "pack",
            25,
            260,
            "Tempe Sanan dengan bumbu pedas dan daun jeruk.",
            [],
        ),
        (
            "Kripik Pisang Coklat",
            "keripik",
            18000,
            "pack",
            0,
            200,
            "Pisang agung Lumajang berlapis coklat.",
            [],
        ),
        (
            "Keripik Tempe Aneka Rasa",
            "keripik",
            0,
            "pack",
            0,
            260,
            "Pilih rasanya.",
            [("Original", 15000, 10), ("Balado", 16000, 8), ("Keju", 17000, 5)],
        ),
    ],
    "Sambal Pecel Mbok Darmi": [
        (
            "Sambel Pecel Kacang 500 g",
            "sambal",
            22000,
            "pack",
            30,
            520,
            "Bumbu pecel kacang tanah, tinggal seduh air panas.",
            [],
        ),
        (
            "Sambal Bawang Botol",
            "sambal",
            25000,
            "botol",
            18,
            300,
            "Sambal bawang pedas tanpa pengawet.",
            [("Sedang", 25000, 10), ("Pedas", 27000, 8)],
        ),
    ],
    "Kopi Bubuk Lereng Arjuno": [
        (
            "Kopi Bubuk Arabika Arjuno 200 g",
            "kopi",
            45000,
            "pack",
            20,
            210,
            "Arabika petani lereng Arjuno, sangrai medium.",
            [],
        ),
        (
            "Kopi Robusta Dampit 250 g",
            "kopi",
            35000,
            "pack",
            35,
            260,
            "Robusta Dampit, giling halus untuk kopi tubruk.",
            [],
        ),
        (
            "Es Kopi Susu Gula Aren",
            "minuman-segar",
            12000,
            "botol",
            40,
            250,
            "Minuman kopi dengan susu segar dan gula aren.",
            [],
        ),
    ],
    "Beras Organik Tani Makmur": [
        (
            "Beras Organik Pandan Wangi 5 kg",
            "beras",
            85000,
            "pack",
            60,
            5000,
            "Beras pulen organik dari sawah Kedungkandang.",
            [],
        ),
        (
            "Beras Putih Medium 5 kg",
            "beras",
            68000,
            "pack",
            80,
            5000,
            "Beras medium untuk sehari-hari.",
            [],
        ),
        ("Beras Merah 2 kg", "beras", 40000, "pack", 15, 2000, "Beras merah sehat.", []),
    ],
    "Toko Kelontong Barokah": [
        (
            "Minyak Goreng Sawit 2 liter",
            "minyak-goreng",
            36000,
            "botol",
            50,
            1900,
            "Minyak goreng kemasan.",
            [],
        ),
        ("Gula Pasir 1 kg", "gula", 17500, "pack", 70, 1000, "Gula pasir putih.", []),
        ("Tepung Terigu 1 kg", "tepung", 13000, "pack", 40, 1000, "Terigu serbaguna.", []),
    ],
    "Susu Kedelai Mbak Ani": [
        (
            "Susu Kedelai Original 1 liter",
            "susu",
            14000,
            "botol",
            25,
            1050,
            "Susu kedelai segar tanpa pengawet, dibuat setiap hari.",
            [],
        ),
        (
            "Susu Sapi Segar Pasteurisasi 1 liter",
            "susu",
            18000,
            "botol",
            20,
            1050,
            "Susu sapi peternak Pujon, dipasteurisasi.",
            [],
        ),
    ],
    "Telur Ayam Kampung Pak Kirno": [
        ("Telur Ayam Ras 1 kg", "telur", 28000, "kg", 60, 1000, "Telur ayam segar.", []),
        (
            "Telur Ayam Kampung 10 butir",
            "telur",
            30000,
            "pack",
            20,
            600,
            "Telor kampung dari peternak Kedungkandang.",
            [],
        ),
    ],
    "Minyak Kelapa Murni Bu Yayuk": [
        (
            "Minyak Kelapa Murni 1 liter",
            "minyak-goreng",
            60000,
            "botol",
            12,
            950,
            "Minyak kelapa murni (VCO) untuk memasak.",
            [],
        ),
    ],
    "Gula Aren Asli Tumpang": [
        ("Gula Aren Cetak 1 kg", "gula", 25000, "pack", 35, 1000, "Gula merah asli.", []),
    ],
    "Batik Tulis Celaket": [
        (
            "Batik Tulis Malangan",
            "batik",
            350000,
            "pcs",
            5,
            300,
            "Kain batik tulis motif topeng Malang, 2 meter.",
            [],
        ),
        (
            "Kemeja Batik Cap Pria",
            "pakaian",
            175000,
            "pcs",
            12,
            250,
            "Batik cap katun.",
            [("M", 175000, 4), ("L", 175000, 5), ("XL", 185000, 3)],
        ),
    ],
    "Kerajinan Topeng Malangan": [
        (
            "Topeng Malangan Kayu",
            "kerajinan-kayu",
            250000,
            "pcs",
            3,
            800,
            "Topeng kayu pahatan tangan, tokoh Panji.",
            [],
        ),
        ("Gantungan Kunci Topeng", "suvenir", 15000, "pcs", 60, 30, "Suvenir khas Malang.", []),
    ],
    "Rengginang Lorjuk Sukun": [
        (
            "Rengginang Lorjuk Mentah",
            "kerupuk",
            20000,
            "pack",
            22,
            250,
            "Rengginang ketan dengan lorjuk, siap goreng.",
            [],
        ),
    ],
}
COLOURS = [(11, 110, 79), (180, 95, 30), (120, 60, 140), (30, 100, 160), (160, 40, 60)]


def tile(name: str, index: int) -> SimpleUploadedFile:
    image = Image.new("RGB", (480, 480), COLOURS[index % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    initials = "".join(word[0] for word in name.split()[:2]).upper()
    draw.text((240, 240), initials, fill=(255, 255, 255), anchor="mm", font_size=160)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=75)
    return SimpleUploadedFile(f"demo-{index}.jpg", out.getvalue(), "image/jpeg")


def seed(ctx) -> None:
    if Product.objects.exists():
        ctx.counts["products"] = Product.objects.count()
        return
    index = 0
    for business_name, items in PRODUCTS.items():
        business = Business.objects.get(name=business_name)
        for name, category, price, unit, stock, weight, description, variants in items:
            product = services.product_create(
                actor=business.owner,
                business=business,
                data=ProductInput(
                    name=name,
                    category_slug=category,
                    price=price,
                    unit=unit,
                    stock=stock,
                    weight_grams=weight,
                    description=description,
                    variants=[{"name": v, "price": p, "stock": s} for v, p, s in variants],
                ),
            )
            services.photo_add(
                actor=business.owner, product_id=product.pk, upload=tile(name, index)
            )
            index += 1
    # Some sales history, so "best selling" and the featured list mean something.
    for sold, name in enumerate(
        [
            "Keripik Tempe Original 250 g",
            "Beras Putih Medium 5 kg",
            "Kopi Robusta Dampit 250 g",
            "Telur Ayam Ras 1 kg",
        ]
    ):
        Product.objects.filter(name=name).update(sold_count=40 - sold * 7)
    from malpro.catalog.search.engine import reindex

    reindex(Product.objects.values_list("pk", flat=True))
    ctx.counts["products"] = Product.objects.count()
