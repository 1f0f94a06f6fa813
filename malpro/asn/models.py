from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from malpro.core.crypto import (
    EncryptedCharField,
    EncryptedDateField,
    HashedModel,
    LookupHashField,
)
from malpro.core.storage import private_storage


class EmploymentType(models.TextChoices):
    PNS = "PNS", "PNS"
    PPPK = "PPPK", "PPPK"


class Employee(HashedModel):
    """One civil servant on the personnel agency's roster (BKPSDM)."""

    # NIP and birth date encrypted at rest; the roster's uniqueness is the NIP's keyed hash.
    nip = EncryptedCharField(_("NIP"), max_length=18)
    nip_hash = LookupHashField(source="nip", kind="nip", unique=True, verbose_name=_("sidik NIP"))
    name = models.CharField(_("nama"), max_length=120)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="employees"
    )
    employment_type = models.CharField(_("jenis"), max_length=4, choices=EmploymentType.choices)
    golongan = models.CharField(_("golongan"), max_length=8, blank=True)
    eselon = models.CharField(_("eselon / kelas jabatan"), max_length=10, blank=True)
    tpp_class = models.CharField(_("kelas TPP"), max_length=10, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=16, blank=True)
    birth_date = EncryptedDateField(_("tanggal lahir"))
    is_active = models.BooleanField(_("aktif"), default=True)
    started_on = models.DateField(_("mulai bertugas di OPD"), null=True, blank=True)
    left_on = models.DateField(_("berhenti"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="asn_employee",
        verbose_name=_("akun"),
    )
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("diklaim"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("diperbarui"))

    class Meta:
        ordering = ["agency__short_name", "name"]
        verbose_name = _("ASN")
        verbose_name_plural = _("ASN")

    def __str__(self) -> str:
        return self.name


class NipClaim(HashedModel):
    """A signed-in account asks to be linked to a NIP on the roster.

    Every claim with a well-formed NIP is kept, so that the claimant gets the same answer
    whether the NIP exists or not: one the roster cannot take (no such NIP, inactive, already
    linked to another account) is kept `unmatched`, with no OPD to act on it, and its claimant
    reads it as waiting like any other. One open claim (waiting or unmatched) per account: a
    new claim withdraws the account's earlier one."""

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu konfirmasi OPD")
        UNMATCHED = "unmatched", _("Tidak cocok dengan data BKPSDM (tidak diteruskan ke OPD)")
        APPROVED = "approved", _("Disetujui")
        REJECTED = "rejected", _("Ditolak")
        WITHDRAWN = "withdrawn", _("Dibatalkan pengaju")

    OPEN = (State.PENDING, State.UNMATCHED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nip_claims"
    )
    nip = EncryptedCharField(_("NIP yang diklaim"), max_length=18)
    nip_hash = LookupHashField(source="nip", kind="nip", db_index=True)
    # None: the NIP is not on the roster (the claim is unmatched).
    employee = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    phone_matched = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("klaim NIP")
        verbose_name_plural = _("klaim NIP")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Several accounts may wait on one NIP (a stranger's claim never blocks the ASN);
            # one account waits on one NIP at a time.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(state__in=["pending", "unmatched"]),
                name="asn_claim_one_open_per_account",
            ),
            models.CheckConstraint(
                condition=Q(employee__isnull=False) | Q(state__in=["unmatched", "withdrawn"]),
                name="asn_claim_employee_unless_unmatched",
            ),
        ]


class Exemption(models.Model):
    """Time an ASN is not (fully) obliged: leave, secondment. New hires are pro-rated from
    Employee.started_on."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("Cuti")
        SECONDMENT = "secondment", _("Tugas belajar / diperbantukan")

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="exemptions", verbose_name=_("ASN")
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name=_("jenis"))
    start = models.DateField(verbose_name=_("mulai"))
    end = models.DateField(verbose_name=_("sampai tanggal"))
    note = models.CharField(max_length=200, blank=True, verbose_name=_("catatan"))

    class Meta:
        verbose_name = _("pengecualian kewajiban")
        verbose_name_plural = _("pengecualian kewajiban")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="asn_exemption_dates"
            )
        ]


class Policy(models.Model):
    """One version of the Perwal's rules, in force from `effective_from` until the next
    version. A version a closed period used is never edited: a change is a new version."""

    name = models.CharField(_("nama"), max_length=150)
    regulation_ref = models.CharField(
        _("dasar hukum"),
        max_length=150,
        help_text=_("Nomor Perwal, mis. Perwal Kota Malang No. 12 Tahun 2026"),
    )
    effective_from = models.DateField(_("berlaku mulai"), unique=True)
    is_example = models.BooleanField(_("contoh, bukan aturan berlaku"), default=False)
    default_amount = models.BigIntegerField(_("kewajiban bawaan per bulan (Rp)"), default=0)
    cap_amount = models.BigIntegerField(
        _("batas per UMKM per ASN per bulan (Rp)"), null=True, blank=True
    )
    cap_share = models.PositiveSmallIntegerField(
        _("batas per UMKM (% dari kewajiban)"), null=True, blank=True
    )
    eligible_categories = models.ManyToManyField(
        "catalog.Category",
        blank=True,
        related_name="+",
        verbose_name=_("kategori yang dihitung (kosong = semua)"),
    )
    counts_offline = models.BooleanField(
        _("pembelian langsung terverifikasi dihitung"), default=True
    )
    leave_pro_rata = models.BooleanField(
        _("cuti mengurangi kewajiban secara proporsional"), default=True
    )
    secondment_exempt = models.BooleanField(_("tugas belajar dibebaskan"), default=True)
    new_hire_pro_rata = models.BooleanField(_("pegawai baru proporsional"), default=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("dibuat"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("kebijakan (Perwal)")
        verbose_name_plural = _("kebijakan (Perwal)")

    def __str__(self) -> str:
        label = f"{self.name} ({self.effective_from:%d/%m/%Y})"
        return f"{label} [{_('contoh')}]" if self.is_example else label

    @property
    def locked(self) -> bool:
        """Used by a closed period: its rules are history and cannot change."""
        return bool(self.pk) and self.periods.filter(closed_at__isnull=False).exists()


class PolicyAmount(models.Model):
    """The required amount for ASN matching one attribute. The most specific match wins:
    eselon, then TPP class, then golongan, then the policy's default."""

    class Basis(models.TextChoices):
        ESELON = "eselon", _("Eselon / kelas jabatan")
        TPP = "tpp_class", _("Kelas TPP")
        GOLONGAN = "golongan", _("Golongan (huruf romawi)")

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="amounts", verbose_name=_("kebijakan")
    )
    basis = models.CharField(max_length=10, choices=Basis.choices, verbose_name=_("dasar"))
    value = models.CharField(max_length=10, verbose_name=_("nilai dasar"))
    amount = models.BigIntegerField(verbose_name=_("nominal (Rp)"))

    class Meta:
        verbose_name = _("nominal kewajiban")
        verbose_name_plural = _("nominal kewajiban")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "basis", "value"], name="asn_policy_amount_unique"
            )
        ]


class Period(models.Model):
    """A month of the programme. Closing it freezes its figures (Standing rows)."""

    year = models.PositiveSmallIntegerField(verbose_name=_("tahun"))
    month = models.PositiveSmallIntegerField(verbose_name=_("bulan"))
    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="periods", verbose_name=_("kebijakan")
    )
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ditutup"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ditutup oleh"),
    )

    class Meta:
        verbose_name = _("periode")
        verbose_name_plural = _("periode")
        ordering = ["-year", "-month"]
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="asn_period_unique")]

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


class Standing(models.Model):
    """One ASN's figures for one period: kept current while the period is open (recomputed when
    an order of theirs moves) and frozen when it closes. Reports read these rows."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="standings")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="standings")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    required = models.BigIntegerField()
    counted = models.BigIntegerField()
    excluded = models.BigIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("capaian bulanan ASN")
        verbose_name_plural = _("capaian bulanan ASN")
        constraints = [
            models.UniqueConstraint(fields=["employee", "period"], name="asn_standing_unique")
        ]
        indexes = [models.Index(fields=["period", "agency"])]

    @property
    def compliant(self) -> bool:
        return self.counted >= self.required


class OfflinePurchase(models.Model):
    """An in-person purchase at a registered UMKM, recorded by the ASN with a receipt photo.
    It counts once the seller (or an officer) confirms it; kept for the seller's books."""

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu konfirmasi penjual")
        CONFIRMED = "confirmed", _("Dikonfirmasi")
        REJECTED = "rejected", _("Ditolak")

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="offline_purchases"
    )
    business = models.ForeignKey(
        "umkm.Business", on_delete=models.PROTECT, related_name="offline_purchases"
    )
    amount = models.BigIntegerField()
    purchased_on = models.DateField()
    description = models.CharField(max_length=200, blank=True)
    receipt = models.ImageField(upload_to="asn/nota/%Y/%m/", storage=private_storage)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pembelian langsung ASN")
        verbose_name_plural = _("pembelian langsung ASN")
        ordering = ["-purchased_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="asn_offline_positive")
        ]


class Bundle(models.Model):
    """A staples bundle ("paket sembako") defined by the city admin."""

    name = models.CharField(_("nama paket"), max_length=100)
    description = models.CharField(_("keterangan"), max_length=300, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("paket sembako")
        verbose_name_plural = _("paket sembako")

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(
        Bundle, on_delete=models.CASCADE, related_name="items", verbose_name=_("paket")
    )
    label = models.CharField(_("barang"), max_length=100)  # "Beras 5 kg"
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.PROTECT, related_name="+", verbose_name=_("kategori")
    )
    keywords = models.CharField(
        _("kata kunci nama produk"),
        max_length=100,
        blank=True,
        help_text=_("Kosong = semua produk kategori ini."),
    )
    quantity = models.PositiveSmallIntegerField(default=1, verbose_name=_("jumlah"))

    class Meta:
        verbose_name = _("isi paket")
        verbose_name_plural = _("isi paket")
        ordering = ["id"]


class IntegrityFlag(models.Model):
    class Kind(models.TextChoices):
        RELATED_PARTY = "related_party", _("Belanja berulang ke usaha milik kerabat/sendiri")
        FAST_COMPLETION = "fast_completion", _("Selesai beberapa menit tanpa pengiriman")
        ROUND_EXACT = "round_exact", _("Jumlah bulat persis kewajiban berulang")
        DEVICE_BURST = "device_burst", _("Banyak ASN berbelanja dari satu alamat IP")
        POST_CLOSE = "post_close", _("Pembatalan/pengembalian setelah periode ditutup")
        CONCENTRATION = "concentration", _("Satu UMKM menerima porsi belanja OPD terlalu besar")

    class State(models.TextChoices):
        OPEN = "open", _("Perlu ditinjau")
        CLEARED = "cleared", _("Wajar")
        CONFIRMED = "confirmed", _("Terbukti")

    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("jenis"))
    key = models.CharField(
        max_length=150, unique=True, verbose_name=_("kunci")
    )  # the same finding is raised once
    period = models.ForeignKey(
        Period,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("periode"),
    )
    employee = models.ForeignKey(
        Employee,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flags",
        verbose_name=_("ASN"),
    )
    business = models.ForeignKey(
        "umkm.Business",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("UMKM"),
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("OPD"),
    )
    evidence = models.JSONField(default=dict, verbose_name=_("bukti"))
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.OPEN, verbose_name=_("status")
    )
    note = models.CharField(max_length=500, blank=True, verbose_name=_("catatan pemeriksaan"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("diperiksa oleh"),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("diperiksa"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("dibuat"))

    class Meta:
        verbose_name = _("tanda integritas")
        verbose_name_plural = _("tanda integritas")
        ordering = ["state", "-created_at"]
