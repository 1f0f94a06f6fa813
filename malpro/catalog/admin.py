from django import forms
from django.contrib import admin
from django.db.models import Case, Count, F, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from malpro.catalog import text
from malpro.catalog.models import Category, Synonym


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "slug", "parent", "position", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The tree has two levels (the search's facets count by top-level category).
        parents = Category.objects.filter(parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is None:
            return parent
        if self.instance.pk and parent.pk == self.instance.pk:
            raise forms.ValidationError(_("Kategori tidak bisa menjadi induknya sendiri."))
        if parent.parent_id:
            raise forms.ValidationError(
                _("Induk harus kategori utama (pohon kategori dua tingkat).")
            )
        if self.instance.pk and self.instance.children.exists():
            raise forms.ValidationError(
                _("Kategori ini punya subkategori, jadi harus tetap kategori utama.")
            )
        return parent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The city admin edits the marketplace's category tree; the list shows it as a tree
    (each top-level category followed by its subcategories)."""

    form = CategoryForm
    list_display = ["tree_name", "slug", "parent", "position", "is_active", "product_count"]
    list_display_links = ["tree_name"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "parent__name"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    list_per_page = 200

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                root_position=Coalesce(F("parent__position"), F("position")),
                root_name=Coalesce(F("parent__name"), F("name")),
                root_id=Coalesce(F("parent_id"), F("id")),
                depth=Case(When(parent__isnull=True, then=Value(0)), default=Value(1)),
                products_n=Count("products", distinct=True),
            )
            # Not get_ordering(): the parent field's choices would be ordered by it too.
            .order_by("root_position", "root_name", "root_id", "depth", "position", "name")
        )

    @admin.display(description=_("kategori"), ordering="root_name")
    def tree_name(self, obj):
        return f"— {obj.name}" if obj.parent_id else obj.name

    @admin.display(description=_("produk"), ordering="products_n")
    def product_count(self, obj):
        return obj.products_n


class SynonymForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ["words", "note"]

    def clean_words(self):
        value = self.cleaned_data["words"]
        groups = [" ".join(text.words(part)) for part in value.split(",")]
        groups = [g for g in dict.fromkeys(groups) if g]
        if len(groups) < 2:
            raise forms.ValidationError(
                _("Tulis paling sedikit dua kata yang setara, dipisah koma: kopi, coffee")
            )
        return value


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Search synonyms and spelling variants; a change applies to search at once (see
    catalog.receivers)."""

    form = SynonymForm
    list_display = ["words", "note"]
    search_fields = ["words", "note"]
    ordering = ["words"]
