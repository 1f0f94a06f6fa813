"""Which kecamatan of Kota Malang border each other (for "in or near the ASN's kecamatan").
Klojen, in the middle, borders all four others."""

NEIGHBOURS = {
    "35.73.01": {"35.73.02", "35.73.03", "35.73.05"},  # Blimbing
    "35.73.02": {"35.73.01", "35.73.03", "35.73.04", "35.73.05"},  # Klojen
    "35.73.03": {"35.73.01", "35.73.02", "35.73.04"},  # Kedungkandang
    "35.73.04": {"35.73.02", "35.73.03", "35.73.05"},  # Sukun
    "35.73.05": {"35.73.01", "35.73.02", "35.73.04"},  # Lowokwaru
}
