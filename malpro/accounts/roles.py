from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUYER = "buyer", _("Pembeli")
    ASN = "asn", _("ASN")
    SELLER = "seller", _("Penjual")
    AGENCY_OFFICER = "agency_officer", _("Petugas OPD")
    AREA_OPERATOR = "area_operator", _("Operator wilayah")
    CITY_ADMIN = "city_admin", _("Admin kota")
    AUDITOR = "auditor", _("Auditor")
    # The mayor, the regional secretary, heads of agencies: they read the city's dashboard.
    LEADERSHIP = "leadership", _("Pimpinan")


# Which scope each role needs: an agency, an area (kecamatan or kelurahan), or none.
AGENCY_SCOPED = {Role.AGENCY_OFFICER}
AREA_SCOPED = {Role.AREA_OPERATOR}
# Roles that see every business, order and person of the city (the auditor read-only).
CITY_WIDE = {Role.CITY_ADMIN, Role.AUDITOR}
