from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from malpro.catalog.models import Category, Unit
from malpro.catalog.search.engine import SORTS
from malpro.core.forms import RupiahField, RupiahWordsField
from malpro.core.limits import MAX_PAGE, MAX_PRICE, MAX_STOCK, MAX_WEIGHT_GRAMS
from malpro.core.validators import validate_line, validate_multiline_text


def category_choices():
    choices = [("", _("— pilih kategori —"))]
    for root in Category.objects.filter(is_active=True, parent__isnull=True).prefetch_related(
        "children"
    ):
        choices.append(
            (
                root.name,
                [(c.slug, c.name) for c in root.children.all() if c.is_active]
                or [(root.slug, root.name)],
            )
        )
    return choices


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Nama produk"), max_length=120, validators=[validate_line])
    category_slug = forms.ChoiceField(label=_("Kategori"), choices=())
    description = forms.CharField(
        label=_("Deskripsi"),
        required=False,
        max_length=5000,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    price = RupiahWordsField(
        label=_("Harga (Rp)"),
        required=True,
        max_value=MAX_PRICE,
        help_text=_("Boleh ditulis 15000, 15.000 atau 15rb."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("mis. 15rb")}),
    )
    unit = forms.ChoiceField(label=_("Satuan"), choices=Unit.choices, initial=Unit.PCS)
    stock = forms.IntegerField(label=_("Stok"), min_value=0, max_value=MAX_STOCK, initial=0)
    weight_grams = forms.IntegerField(
        label=_("Berat (gram)"),
        min_value=0,
        max_value=MAX_WEIGHT_GRAMS,
        initial=0,
        help_text=_("Untuk memperkirakan ongkos kirim."),
    )
    sku = forms.CharField(
        label=_("Kode barang (opsional)"),
        required=False,
        max_length=60,
        validators=[validate_line],
        help_text=_("Kode Anda sendiri untuk membedakan barang; boleh kosong."),
    )
    publish = forms.BooleanField(label=_("Tayangkan di marketplace"), required=False, initial=True)

    # Shown first; the rest sit behind "Lainnya" (a <details>) on a phone.
    MAIN = ("name", "category_slug", "price", "stock", "unit", "photo", "publish")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_slug"].choices = category_choices()

    def main_fields(self):
        return [self[name] for name in self.MAIN if name in self.fields]

    def more_fields(self):
        return [self[name] for name in self.fields if name not in self.MAIN]

    def more_open(self) -> bool:
        """The "Lainnya" <details> starts open when one of its fields is wrong."""
        return any(self[name].errors for name in self.fields if name not in self.MAIN)

    def product_data(self) -> dict:
        """The ProductInput values (the photo goes to the service on its own)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "photo"}


class NewProductForm(ProductForm):
    """A new product on one page: its data, one price and stock, and its first photo.
    `photo_required`: the guided registration's first product asks for the photo."""

    photo = forms.ImageField(
        label=_("Foto produk"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Foto yang terang dan jelas membuat pembeli yakin. JPG, PNG atau WebP."),
    )

    def __init__(self, *args, photo_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].required = photo_required
        if photo_required:
            self.fields["photo"].error_messages["required"] = _("Tambahkan foto produknya.")


class VariantForm(forms.Form):
    name = forms.CharField(
        label=_("Nama varian"),
        max_length=60,
        required=False,
        validators=[validate_line],
        widget=forms.TextInput(attrs={"placeholder": _("mis. Pedas, 500 g")}),
    )
    # Labels of their own: the product's price and stock sit on the same page.
    price = RupiahField(label=_("Harga varian (Rp)"), required=False, max_value=MAX_PRICE)
    stock = forms.IntegerField(
        label=_("Stok varian"), min_value=0, max_value=MAX_STOCK, required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels sit above their inputs, like elsewhere
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        filled = data.get("price") is not None or data.get("stock") is not None
        if filled and not data.get("name"):
            # A row with a price or stock but no name would otherwise vanish without a word.
            self.add_error("name", _("Isi nama varian, atau kosongkan harga dan stoknya."))
        return data


VariantFormSet = formset_factory(VariantForm, extra=3, max_num=20)


class StockForm(forms.Form):
    stock = forms.IntegerField(label=_("Stok"), min_value=0, max_value=MAX_STOCK)
    price = RupiahField(label=_("Harga (Rp)"), required=False, max_value=MAX_PRICE)


class PhotoForm(forms.Form):
    photo = forms.ImageField(
        label=_("Foto produk (JPG, PNG, WebP; maks. 8 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan menyembunyikan"), max_length=500, validators=[validate_multiline_text]
    )


class ProductUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV atau XLSX"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(label=_("Periksa saja, jangan simpan"), required=False)


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    category = forms.CharField(required=False, max_length=80)
    kecamatan = forms.CharField(required=False, max_length=8)
    halal = forms.NullBooleanField(required=False)
    agency = forms.CharField(required=False, max_length=32)
    min_price = forms.IntegerField(required=False, min_value=0, max_value=MAX_PRICE)
    max_price = forms.IntegerField(required=False, min_value=0, max_value=MAX_PRICE)
    in_stock = forms.NullBooleanField(required=False)
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in SORTS])
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
