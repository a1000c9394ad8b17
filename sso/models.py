"""The organisation's single sign-on configuration, in its own schema: at most one row (decision 0056)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class IdentityProvider(models.Model):
    """The organisation's OpenID Connect provider (e.g. its Microsoft Entra ID tenant) and what a first login makes.

    The client secret is stored here and never shown again: the pages only say whether one is set. The history
    records every field but the secret, and when it was last replaced (``secret_changed_at``)."""

    # One row per schema: the organisation has one provider.
    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    enabled = models.BooleanField(_("on"), default=False)
    server_url = models.URLField(_("issuer or discovery URL"), max_length=500)
    # What the discovery document said when the configuration was saved (shown to the admin; allauth reads the
    # document itself at each login).
    issuer = models.CharField(_("issuer"), max_length=500, blank=True)
    # Where the login form sends the browser (its origin is allowed in the login page's CSP form-action).
    authorization_endpoint = models.CharField(_("authorization endpoint"), max_length=500, blank=True)
    client_id = models.CharField(_("client id"), max_length=255)
    # The column is named "secret", a name the console's export of an organisation leaves out in every table
    # (console.exporting.SKIPPED_COLUMNS): whoever holds the zip must not be able to act as Delbar at the provider.
    client_secret = models.CharField(_("client secret"), max_length=1000, db_column="secret")
    secret_changed_at = models.DateTimeField(_("secret replaced"), null=True, blank=True)
    button_label = models.CharField(_("button label"), max_length=60)
    email_domains = ArrayField(
        models.CharField(max_length=253), verbose_name=_("e-mail domains"), default=list, blank=True
    )
    default_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("default department"), on_delete=models.PROTECT, related_name="+"
    )
    default_role = models.CharField(_("default role"), max_length=30, choices=Role.choices, default=Role.MEMBER)
    sso_only = models.BooleanField(_("only single sign-on"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("single sign-on configuration")
        verbose_name_plural = _("single sign-on configurations")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="identityprovider_single_row")]

    def __str__(self) -> str:
        return self.button_label


# The history of every change (decision 0042) registers its triggers on the model above.
from sso import history as _history  # noqa: E402, F401
