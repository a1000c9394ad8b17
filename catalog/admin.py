"""The category tree in the organisation's admin site: organisation admins rename, add and reorder categories.

A category in use cannot be deleted (PROTECT): listings keep their category.
"""

from django.contrib import admin

from accounts.admin import OrgAdminPermissions, organisation_admin_site

from .models import Category


@admin.register(Category, site=organisation_admin_site)
class CategoryAdmin(OrgAdminPermissions, admin.ModelAdmin):
    list_display = ("name", "name_en", "parent", "position")
    list_editable = ("position",)
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("parent",)
    search_fields = ("name", "name_en")
    ordering = ("parent__position", "parent__name", "position", "name")
