"""The seeded category tree: (slug, name, [(slug, name), ...])."""

CATEGORIES = [
    (
        "sembako",
        "Bahan pokok & sembako",
        [
            ("beras", "Beras"),
            ("minyak-goreng", "Minyak goreng"),
            ("gula", "Gula"),
            ("telur", "Telur"),
            ("tepung", "Tepung"),
            ("bumbu-dapur", "Bumbu dapur"),
        ],
    ),
    (
        "makanan-ringan",
        "Makanan ringan",
        [
            ("keripik", "Keripik"),
            ("kue-kering", "Kue kering"),
            ("kerupuk", "Kerupuk"),
        ],
    ),
    (
        "makanan-siap-saji",
        "Makanan siap saji",
        [
            ("nasi-lauk", "Nasi & lauk"),
            ("kue-basah", "Kue basah"),
            ("makanan-beku", "Makanan beku"),
            ("sambal", "Sambal"),
        ],
    ),
    (
        "minuman",
        "Minuman",
        [
            ("kopi", "Kopi"),
            ("teh", "Teh"),
            ("jamu", "Jamu"),
            ("minuman-segar", "Minuman segar"),
        ],
    ),
    (
        "hasil-pertanian",
        "Hasil pertanian",
        [
            ("sayur", "Sayur"),
            ("buah", "Buah"),
            ("daging-ikan", "Daging & ikan"),
            ("madu", "Madu"),
        ],
    ),
    (
        "olahan-susu",
        "Produk olahan susu",
        [
            ("susu", "Susu"),
            ("yogurt", "Yogurt"),
            ("keju", "Keju"),
        ],
    ),
    (
        "kerajinan",
        "Kerajinan",
        [
            ("anyaman", "Anyaman"),
            ("kerajinan-kayu", "Kerajinan kayu"),
            ("suvenir", "Suvenir"),
        ],
    ),
    (
        "batik-fashion",
        "Batik & fashion",
        [
            ("batik", "Batik"),
            ("pakaian", "Pakaian"),
            ("aksesoris", "Aksesoris"),
        ],
    ),
    (
        "kecantikan",
        "Kecantikan & perawatan",
        [
            ("sabun", "Sabun"),
            ("perawatan-kulit", "Perawatan kulit"),
        ],
    ),
    (
        "jasa",
        "Jasa",
        [
            ("katering", "Katering"),
            ("jahit", "Jahit & permak"),
            ("laundry", "Laundry"),
        ],
    ),
]

SYNONYMS = [
    ("keripik, kripik", "ejaan"),
    ("kerupuk, krupuk", "ejaan"),
    ("sambal, sambel", "ejaan"),
    ("telur, telor", "ejaan"),
    ("cabai, cabe", "ejaan"),
    ("bakso, baso", "ejaan"),
    ("kopi, coffee", "bahasa Inggris"),
    ("teh, tea", "bahasa Inggris"),
    ("susu, milk", "bahasa Inggris"),
    ("kue, cake", "bahasa Inggris"),
    ("tempe, tempeh", "bahasa Inggris"),
    ("madu, honey", "bahasa Inggris"),
]
