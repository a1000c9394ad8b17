"""The category tree in the organisation's admin site: organisation admins rename, add, move and reorder categories.

Every change goes through catalog.services (create_category, update_category), whose refusals — a category placed
under itself or one of its own subcategories, a tree deeper than catalog.limits.CATEGORY_MAX_DEPTH, a new category
without its platform category — the form shows next to the field. A category in use cannot be deleted (PROTECT):
listings keep their category.
"""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from accounts.admin import OrgAdminPermissions, organisation_admin_site
from taxonomy import selectors as taxonomy

from . import services
from .errors import CatalogError
from .models import Category


def _details(data: dict, instance: Category) -> services.CategoryDetails:
    # The changelist's editable column posts only the position: the rest is as stored.
    def value(name: str):
        return data[name] if name in data else getattr(instance, name)

    return services.CategoryDetails(
        name=value("name") or "", name_en=value("name_en") or "", parent=value("parent"),
        position=value("position") or 0, platform_key=value("platform_key") or "",
    )


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "name_en", "parent", "position", "platform_key"]
        help_texts = {
            "platform_key": _("What other organisations search for: a search for it there finds what you file here, "
                              "under your own name."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "position" in self.fields and "name" not in self.fields and self.instance.pk:
            # The list's editable order column has no label of its own: name each input after its row (axe, 0040).
            label = f"{self.fields['position'].label}: {self.instance.name}"
            self.fields["position"].widget.attrs["aria-label"] = label
        if "platform_key" in self.fields:
            # A choice among the platform's categories, in the admin's language; required for every category
            # (one made before the keys is mapped the next time it is saved).
            field = self.fields["platform_key"]
            self.fields["platform_key"] = forms.ChoiceField(
                label=field.label, help_text=field.help_text, required=True,
                choices=[("", "---------"), *taxonomy.choices()],
            )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                services.check_category(
                    category=self.instance if self.instance.pk else None, details=_details(data, self.instance)
                )
            except CatalogError as refused:
                self.add_error(refused.field if refused.field in self.fields else None, refused.message)
        return data


@admin.register(Category, site=organisation_admin_site)
class CategoryAdmin(OrgAdminPermissions, admin.ModelAdmin):
    form = CategoryForm
    list_display = ("name", "name_en", "parent", "position", "platform_category")
    list_editable = ("position",)
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("parent",)
    search_fields = ("name", "name_en")
    ordering = ("parent__position", "parent__name", "position", "name")

    @admin.display(description=_("platform category"), ordering="platform_key")
    def platform_category(self, category: Category) -> str:
        return taxonomy.label(category.platform_key) if category.platform_key else "—"

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", CategoryForm)
        return super().get_changelist_form(request, **kwargs)

    def save_model(self, request, obj, form, change):
        details = _details(form.cleaned_data, obj)
        if change:
            saved = services.update_category(category=obj, by=request.user, details=details)
        else:
            saved = services.create_category(by=request.user, details=details)
        obj.pk = saved.pk  # the admin's log and redirect read it

    def changeform_view(self, request, *args, **kwargs):
        return self._refusals_as_messages(request, super().changeform_view, request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._refusals_as_messages(request, super().changelist_view, request, *args, **kwargs)

    def _refusals_as_messages(self, request, view, *args, **kwargs):
        # The form checked the change through the service; if someone else changed the tree in between, the service
        # (or the database under it) refuses at saving time. Nothing was written: say why, and show the page again.
        try:
            return view(*args, **kwargs)
        except CatalogError as refused:
            messages.error(request, refused.message)
            return redirect(request.get_full_path())
