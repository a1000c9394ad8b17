"""A member of staff's role: a value class other apps may name (catalog's permissions, the demo) without importing
accounts.models, which holds the tables that only accounts' services and selectors query (decision 0020)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    DEPARTMENT_MANAGER = "department_manager", _("Department manager")
    OPERATOR = "operator", _("Operator (labour-market unit)")
    ORG_ADMIN = "org_admin", _("Organisation admin")
