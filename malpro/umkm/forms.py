from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from malpro.accounts import access as accounts_access
from malpro.accounts.models import Agency
from malpro.core import tabular, validators
from malpro.core.forms import PHONE_WIDGET, DateInput, RupiahWordsField
from malpro.regions.forms import village_choices
from malpro.regions.selectors import city_villages
from malpro.umkm import access
from malpro.umkm.models import Document, Sector, Status
from malpro.umkm.scale import Scale
from malpro.umkm.services import BusinessInput


class BusinessForm(forms.Form):
    name = forms.CharField(
        label=_("Nama usaha"), max_length=150, validators=[validators.validate_line]
    )
    sector = forms.ChoiceField(
        label=_("Sektor"), choices=[("", _("— pilih sektor —")), *Sector.choices]
    )
    description = forms.CharField(
        label=_("Deskripsi singkat"),
        required=False,
        max_length=2000,
        validators=[validators.validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner_name = forms.CharField(
        label=_("Nama pemilik (sesuai KTP)"),
        max_length=120,
        validators=[validators.validate_line],
    )
    owner_nik = forms.CharField(
        label=_("NIK pemilik"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    phone = forms.CharField(label=_("Nomor HP usaha"), max_length=32, widget=PHONE_WIDGET)
    village_code = forms.ChoiceField(label=_("Kelurahan"), choices=())
    address = forms.CharField(
        label=_("Alamat (jalan, nomor, RT/RW)"),
        required=False,
        max_length=255,
        validators=[validators.validate_line],
    )
    opening_hours = forms.CharField(
        label=_("Jam buka"),
        required=False,
        max_length=120,
        validators=[validators.validate_line],
        help_text=_(
            "Ditunjukkan kepada pembeli yang mengambil pesanan di toko, bersama alamat dan "
            "peta. Contoh: Senin–Sabtu 08.00–16.00."
        ),
    )
    nib = forms.CharField(
        label=_("NIB (jika ada)"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    halal_number = forms.CharField(
        label=_("Nomor sertifikat halal (jika ada)"), required=False, max_length=40
    )
    halal_issued_on = forms.DateField(label=_("Halal terbit"), required=False, widget=DateInput())
    halal_expires_on = forms.DateField(
        label=_("Halal berlaku sampai"), required=False, widget=DateInput()
    )
    pirt_number = forms.CharField(label=_("Nomor PIRT (jika ada)"), required=False, max_length=30)
    capital = RupiahWordsField(
        label=_("Modal usaha (Rp, tanpa tanah dan bangunan)"),
        required=False,
        help_text=_(
            "Uang dan barang untuk menjalankan usaha, tidak termasuk tanah dan bangunan. Boleh "
            "ditulis 5 juta atau 5.000.000."
        ),
    )
    annual_sales = RupiahWordsField(
        label=_("Omzet setahun (Rp)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("mis. 60 juta")}),
        help_text=_("Perkiraan hasil penjualan setahun, misalnya 60 juta."),
    )
    agency_codes = forms.MultipleChoiceField(
        label=_("OPD pembina"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Diskopindag untuk industri dan dagang, Dispangtan untuk pangan dan pertanian, "
            "Disporapar untuk ekonomi kreatif. Petugasnya yang memverifikasi usaha Anda."
        ),
    )

    def __init__(self, *args, user=None, business=None, on_behalf=False, **kwargs):
        """`user` registering on an owner's behalf (`on_behalf`) or editing `business` is
        offered only the choices their scope allows (umkm.access); the service enforces the
        same for pages and API alike."""
        super().__init__(*args, **kwargs)
        limits = None
        if user is not None and (on_behalf or business is not None):
            limits = access.village_limits(user=user, business=business)
        self.fields["village_code"].choices = scoped_village_choices(limits)
        if limits is not None:
            self.fields["village_code"].error_messages["invalid_choice"] = _(
                "Kelurahan ini di luar wilayah tugas Anda: pilih kelurahan di wilayah Anda."
            )
        if "agency_codes" not in self.fields:  # EssentialsForm asks for one agency its own way
            return
        agencies = Agency.objects.filter(is_active=True, guides_umkm=True)
        if user is not None and business is not None:
            addable = access.agencies_addable(user=user, business=business)
            if addable is not None:  # what guides it already, and what the user may add
                current = business.guidance.values("agency_id")
                agencies = Agency.objects.filter(Q(pk__in=current) | Q(pk__in=addable))
                self.fields["agency_codes"].error_messages["invalid_choice"] = (
                    _("Anda hanya dapat menambahkan OPD Anda sendiri sebagai pembina.")
                    if addable
                    else _(
                        "Setelah diverifikasi, OPD pembina hanya dapat ditambah oleh petugas OPD "
                        "pembina atau admin kota."
                    )
                )
        self.fields["agency_codes"].choices = [
            (a.code, a.name) for a in agencies.order_by("short_name")
        ]

    # Field-level checks with the shared validators, so every wrong field shows at once.
    def clean_owner_nik(self):
        return validators.clean_nik(self.cleaned_data["owner_nik"]).number

    def clean_phone(self):
        return validators.clean_phone(self.cleaned_data["phone"])

    def clean_nib(self):
        value = self.cleaned_data["nib"]
        return validators.clean_nib(value) if value.strip() else ""

    def to_input(self) -> BusinessInput:
        return BusinessInput(**self.cleaned_data)


def scoped_village_choices(limits):
    """The city's kelurahan grouped by kecamatan; with `limits` ((kecamatan, kelurahan) codes,
    from umkm.access.village_limits) only those inside them."""
    if limits is None:
        return village_choices()
    districts, villages = limits
    groups: dict[str, list[tuple[str, str]]] = {}
    for village in city_villages():
        if village.district_id in districts or village.code in villages:
            groups.setdefault(f"Kec. {village.district.name}", []).append(
                (village.code, village.name)
            )
    return [("", _("— pilih kelurahan —")), *groups.items()]


# What each agency that guides UMKM does, in plain words, for people who never heard of an
# "OPD pembina". Agencies not listed here are offered by name only.
AGENCY_HINTS = {
    "DISKOPINDAG": _("industri rumahan, olahan makanan, kerajinan, toko dan dagang"),
    "DISPANGTAN": _("hasil tani, ternak, ikan dan bahan pangan segar"),
    "DISPORAPAR": _("ekonomi kreatif, wisata, suvenir"),
}
# "Belum tahu" in the guided registration: the agency that usually guides a sector (the city's
# agencies; another city maps its own). Sectors not listed go to the first choice offered.
SECTOR_GUIDE = {
    Sector.AGRICULTURE: "DISPANGTAN",
    Sector.FOOD: "DISKOPINDAG",
    Sector.RETAIL: "DISKOPINDAG",
    Sector.CRAFT: "DISKOPINDAG",
    Sector.FASHION: "DISKOPINDAG",
    Sector.BEAUTY: "DISKOPINDAG",
    Sector.SERVICE: "DISKOPINDAG",
}
AGENCY_UNSURE = "belum-tahu"


class EssentialsForm(BusinessForm):
    """Step 1 of the guided registration ("Mulai jualan"): only what submitting for
    verification needs (umkm.services._check_complete: owner NIK, phone, a guiding agency; the
    KTP photo is step 2), each term explained. The optional permits sit behind a <details>.
    The OPD pembina is required here because submitting requires it; "Belum tahu" picks the
    agency that usually guides the chosen sector."""

    name = forms.CharField(
        label=_("Nama usaha"),
        max_length=150,
        validators=[validators.validate_line],
        help_text=_("Nama yang dikenal pembeli, misalnya Keripik Tempe Bu Sari."),
    )
    sector = forms.ChoiceField(
        label=_("Apa yang Anda jual?"),
        choices=[("", _("— pilih jenis usaha —")), *Sector.choices],
    )
    owner_nik = forms.CharField(
        label=_("NIK pemilik"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "16 angka di KTP Anda. Disimpan terenkripsi; hanya petugas yang memeriksa "
            "pendaftaran yang melihatnya utuh."
        ),
    )
    phone = forms.CharField(
        label=_("Nomor HP usaha (WhatsApp)"),
        max_length=32,
        widget=PHONE_WIDGET,
        help_text=_("Untuk dihubungi pembeli dan petugas."),
    )
    address = forms.CharField(
        label=_("Alamat usaha"),
        required=False,
        max_length=255,
        validators=[validators.validate_line],
        help_text=_("Jalan, nomor, RT/RW. Ditunjukkan kepada pembeli yang mengambil di toko."),
    )
    agency = forms.ChoiceField(
        label=_("OPD pembina"),
        widget=forms.RadioSelect,
        help_text=_(
            "Dinas yang membina usaha Anda; petugasnya yang memeriksa pendaftaran ini. Pilih "
            "“Belum tahu” bila ragu: kami pilihkan sesuai jenis usaha, petugas dapat "
            "mengubahnya."
        ),
        error_messages={"required": _("Pilih OPD pembina, atau “Belum tahu”.")},
    )
    nib = forms.CharField(
        label=_("NIB"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_(
            "Nomor Induk Berusaha, 13 angka dari OSS. Belum punya NIB? Bisa diurus gratis di "
            "oss.go.id atau dibantu kantor kelurahan; tetap bisa daftar di sini tanpa NIB."
        ),
    )
    pirt_number = forms.CharField(
        label=_("Nomor PIRT"),
        required=False,
        max_length=30,
        help_text=_(
            "Izin produksi pangan rumahan dari Dinas Kesehatan, untuk makanan dan minuman "
            "olahan. Boleh kosong."
        ),
    )
    halal_number = forms.CharField(
        label=_("Nomor sertifikat halal"),
        required=False,
        max_length=40,
        help_text=_("Dari BPJPH, bila ada. Boleh kosong."),
    )
    description = None
    opening_hours = None
    halal_issued_on = None
    halal_expires_on = None
    agency_codes = None

    # Shown behind "Punya izin usaha?" (a <details>): none of them is needed to submit.
    PERMITS = ("nib", "pirt_number", "halal_number")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.filter(is_active=True, guides_umkm=True).order_by("short_name")
        choices = []
        for agency in agencies:
            hint = AGENCY_HINTS.get(agency.code)
            choices.append((agency.code, f"{agency.short_name}: {hint}" if hint else agency.name))
        self._agency_codes = [code for code, _label in choices]
        choices.append((AGENCY_UNSURE, _("Belum tahu: pilihkan sesuai jenis usaha saya")))
        self.fields["agency"].choices = choices
        for name, field in self.fields.items():
            field.required_mark = field.required or name == "agency"

    def essential_fields(self):
        return [self[name] for name in self.fields if name not in self.PERMITS]

    def permit_fields(self):
        return [self[name] for name in self.PERMITS]

    def permits_open(self) -> bool:
        """The permits' <details> starts open when one of them is filled in or wrong."""
        return any(self[name].errors or self[name].value() for name in self.PERMITS)

    def clean(self):
        data = super().clean()
        if data.get("agency") == AGENCY_UNSURE:
            wanted = SECTOR_GUIDE.get(data.get("sector"))
            codes = self._agency_codes
            data["agency"] = wanted if wanted in codes else (codes[0] if codes else "")
        return data

    def to_input(self, base: dict | None = None) -> BusinessInput:
        """The step's fields over `base` (the business's current values, when it exists), so
        what the step does not ask is kept."""
        data = dict(base or {})
        data.update({k: v for k, v in self.cleaned_data.items() if k != "agency"})
        data["agency_codes"] = [self.cleaned_data["agency"]] if self.cleaned_data["agency"] else []
        return BusinessInput(**data)


class DocumentsForm(forms.Form):
    """Step 2: the KTP photo (required to submit, unless one is already filed) and the optional
    permits' documents, in one form."""

    FILE_ATTRS = {"accept": "image/jpeg,image/png,application/pdf"}
    ktp = forms.FileField(
        label=_("Foto KTP pemilik"),
        required=False,
        widget=forms.ClearableFileInput(attrs=FILE_ATTRS),
        help_text=_(
            "Untuk memastikan pemilik usaha adalah Anda. Hanya petugas yang memeriksa yang dapat "
            "melihatnya; tidak pernah ditampilkan kepada pembeli."
        ),
    )
    nib = forms.FileField(
        label=_("Dokumen NIB"),
        required=False,
        widget=forms.ClearableFileInput(attrs=FILE_ATTRS),
        help_text=_("Cetakan atau foto NIB dari OSS, bila ada."),
    )
    pirt = forms.FileField(
        label=_("Izin PIRT"),
        required=False,
        widget=forms.ClearableFileInput(attrs=FILE_ATTRS),
        help_text=_("Foto sertifikat PIRT, bila ada."),
    )
    halal = forms.FileField(
        label=_("Sertifikat halal"),
        required=False,
        widget=forms.ClearableFileInput(attrs=FILE_ATTRS),
        help_text=_("Foto sertifikat halal, bila ada. Pembeli melihat tanda halal di produk Anda."),
    )
    KINDS = {
        "ktp": Document.Kind.KTP,
        "nib": Document.Kind.NIB,
        "pirt": Document.Kind.PIRT,
        "halal": Document.Kind.HALAL,
    }

    def __init__(self, *args, ktp_filed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.ktp_filed = ktp_filed
        for name, field in self.fields.items():
            field.required_mark = name == "ktp" and not ktp_filed

    def clean(self):
        data = super().clean()
        if not self.ktp_filed and not data.get("ktp") and "ktp" not in self.errors:
            self.add_error(
                "ktp",
                _("Unggah foto KTP pemilik: petugas memerlukannya untuk memverifikasi usaha."),
            )
        return data

    def uploads(self) -> list[tuple[str, object]]:
        """(document kind, file) of the files chosen, keyed by the form's field names."""
        return [
            (name, self.cleaned_data[name])
            for name in self.KINDS
            if self.cleaned_data.get(name) is not None
        ]


class OnBehalfForm(BusinessForm):
    consent = forms.BooleanField(
        label=_("Pemilik sudah menyetujui usahanya didaftarkan dan datanya diproses"),
        required=True,
    )
    consent_note = forms.CharField(
        label=_("Bukti persetujuan"),
        max_length=255,
        help_text=_("Misalnya: tanda tangan formulir persetujuan di kantor kelurahan, 12/03/2026."),
    )

    def to_input(self) -> BusinessInput:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("consent", "consent_note")}
        return BusinessInput(**data)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices)
    reason = forms.CharField(
        label=_("Alasan"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis dokumen"), choices=Document.Kind.choices)
    file = forms.FileField(
        label=_("Berkas (JPG, PNG atau PDF, maks. 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class ClaimForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK Anda (sesuai KTP)"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class ClaimDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Setujui")), ("0", _("Tolak"))], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label=_("Alasan"), required=False, max_length=500)


YES_NO = [("", _("Semua")), ("1", _("Ya")), ("0", _("Tidak"))]


def _by_name(pair):
    return pair[1]


def registry_filter_limits(user):
    """(kecamatan codes, kelurahan codes, agency ids) the registry filters offer `user`; None
    on an axis means the whole city. An area operator is offered their area, an agency officer
    their agency; someone who is both, or who sees the whole city, is not narrowed on the axis
    their other role opens (their register is the union of both, umkm.access)."""
    if user is None or accounts_access.sees_whole_city(user=user):
        return None, set(), None
    agency_ids = accounts_access.officer_agency_ids(user=user)
    districts, villages = accounts_access.operator_areas(user=user)
    is_operator = bool(districts or villages)
    area = (districts, villages) if is_operator and not agency_ids else (None, set())
    return area[0], area[1], (agency_ids if agency_ids and not is_operator else None)


class RegistryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Cari nama atau NIB"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    kelurahan = forms.ChoiceField(label=_("Kelurahan"), required=False)
    agency = forms.ChoiceField(label=_("OPD pembina"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua")), *Status.choices]
    )
    scale = forms.ChoiceField(
        label=_("Skala"), required=False, choices=[("", _("Semua")), *Scale.choices]
    )
    has_nib = forms.ChoiceField(label=_("Punya NIB"), required=False, choices=YES_NO)
    halal = forms.ChoiceField(label=_("Halal berlaku"), required=False, choices=YES_NO)
    on_marketplace = forms.ChoiceField(label=_("Di marketplace"), required=False, choices=YES_NO)

    def __init__(self, *args, user=None, **kwargs):
        """Offers `user` only their part of the register: an area operator their kecamatan
        and kelurahan (grouped by kecamatan), an agency officer their own agency; a value
        outside it is refused with a field error (the selector scopes the rows anyway)."""
        super().__init__(*args, **kwargs)
        districts_in, villages_in, agency_ids = registry_filter_limits(user)
        villages = [
            v
            for v in city_villages()
            if districts_in is None or v.district_id in districts_in or v.code in villages_in
        ]
        districts = sorted({(v.district.code, v.district.name) for v in villages}, key=_by_name)
        groups: dict[str, list[tuple[str, str]]] = {}
        for v in villages:
            groups.setdefault(f"Kec. {v.district.name}", []).append((v.code, v.name))
        self.fields["kecamatan"].choices = [("", _("Semua")), *districts]
        self.fields["kelurahan"].choices = [("", _("Semua")), *groups.items()]
        agencies = Agency.objects.filter(is_active=True)
        if agency_ids is not None:
            agencies = agencies.filter(pk__in=agency_ids)
        self.fields["agency"].choices = [
            ("", _("Semua")),
            *agencies.order_by("short_name").values_list("code", "short_name"),
        ]
        if districts_in is not None:
            for name in ("kecamatan", "kelurahan"):
                self.fields[name].error_messages["invalid_choice"] = _(
                    "Di luar wilayah tugas Anda: pilih %(what)s di wilayah Anda."
                ) % {"what": self.fields[name].label.lower()}
        if agency_ids is not None:
            self.fields["agency"].error_messages["invalid_choice"] = _(
                "Anda hanya dapat memilih OPD Anda sendiri."
            )

    def filters(self):
        from malpro.umkm.selectors import RegistryFilters

        # A refused choice (shown next to its field) filters nothing; the others still do.
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})

        def yes_no(key):
            value = data.get(key)
            return None if value in (None, "") else value == "1"

        return RegistryFilters(
            q=data.get("q", ""),
            kecamatan=data.get("kecamatan", ""),
            kelurahan=data.get("kelurahan", ""),
            agency=data.get("agency", ""),
            status=data.get("status", ""),
            scale=data.get("scale", ""),
            has_nib=yes_no("has_nib"),
            halal=yes_no("halal"),
            on_marketplace=yes_no("on_marketplace"),
        )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV atau XLSX"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    agency = forms.ChoiceField(label=_("Diimpor atas nama OPD"), required=False)

    def __init__(self, *args, agencies=(), allow_none=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(a.code, a.name) for a in agencies]
        if allow_none:
            choices.insert(0, ("", _("— tanpa OPD (data registri saja) —")))
        self.fields["agency"].choices = choices
        self.fields["agency"].required = not allow_none
        self.fields["agency"].error_messages["invalid_choice"] = _(
            "Anda hanya dapat mengimpor atas nama OPD Anda sendiri."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt", ".xlsm")):
            raise ValidationError(_("Unggah berkas .csv atau .xlsx."))
        if upload.size > tabular.MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("Berkas terlalu besar (maksimal %(mb)d MB).")
                % {"mb": tabular.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload
