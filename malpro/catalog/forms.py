from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from malpro.catalog.models import Category, Unit
from malpro.catalog.search.engine import SORTS
from malpro.core.forms import RupiahField
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
    price = RupiahField(label=_("Harga (Rp)"), required=True, max_value=MAX_PRICE)
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
        label=_("SKU (opsional)"), required=False, max_length=60, validators=[validate_line]
    )
    publish = forms.BooleanField(label=_("Tayangkan di marketplace"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_slug"].choices = category_choices()


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
