"""The platform's category list (public schema only): the stable keys every organisation's categories map to."""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

KEY_MAX_LENGTH = 100


class PlatformCategory(models.Model):
    """One category of the platform's tree (taxonomy.tree), by its stable key: ``furniture.office_chairs``."""

    key = models.CharField(_("key"), max_length=KEY_MAX_LENGTH, unique=True)
    name = models.CharField(_("name (Swedish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("platform category")
        verbose_name_plural = _("platform categories")
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name
