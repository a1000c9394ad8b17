"""Wanted ads (efterlysningar) and what was found for them, in the organisation's schema (decision 0036).

A wanted ad names a person, so it is the organisation's personal data and stays in its schema. It is open until its
person (or those who run the service) closes it, or until the day after ``expires_on``, when the daily job marks it
expired. ``keywords`` are the Swedish full-text lexemes of its words, as ``to_tsquery('swedish', 'word:*')`` makes
them: a listing matches when each keyword is a prefix of one of the listing's lexemes, which is
``keywords <@ {every prefix of every lexeme of the listing}`` — one query over a GIN index, whatever the number of
open ads (wanted.matching). A ``WantedMatch`` is a listing of the organisation, or another organisation's offer,
found for an ad after it was posted: the alert, with a snapshot of its title and organisation.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SEARCH_CONFIG = "swedish"
WHAT_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000


class WantedStatus(models.TextChoices):
    # "efterlysning" is of common gender in Swedish: öppen, stängd, utgången (a need is "öppet").
    OPEN = "open", pgettext_lazy("wanted ad", "Open")
    CLOSED = "closed", pgettext_lazy("wanted ad", "Closed")
    EXPIRED = "expired", pgettext_lazy("wanted ad", "Expired")


class WantedAd(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="+")
    what = models.CharField(_("what"), max_length=WHAT_MAX_LENGTH)
    description = models.TextField(_("description"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    category = models.ForeignKey("catalog.Category", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    # The category's platform key when the ad was posted: what other organisations' offers are matched by.
    category_key = models.CharField(_("platform category"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    expires_on = models.DateField(_("wanted until"))
    status = models.CharField(_("status"), max_length=20, choices=WantedStatus.choices, default=WantedStatus.OPEN)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The need (needs.Need's UUID) the ad was made from, if any: the need finds its ad by it.
    need = models.UUIDField(_("need"), null=True, blank=True, unique=True)
    # The lexemes a listing's words must begin with (see the module's docstring), written by wanted.services.
    keywords = ArrayField(models.TextField(), verbose_name=_("keywords"), default=list)
    # The day (the organisation's) the person was last e-mailed about the ad's matches: at most one e-mail a day.
    last_emailed_on = models.DateField(_("last e-mailed"), null=True, blank=True)
    # When the person last looked at the ad's matches: those found later are unread.
    seen_at = models.DateTimeField(_("matches seen"), null=True, blank=True)
    # Staff search the ads as catalog searches listings: Swedish full text of what (A) and the description (B), and
    # the endings of the words of what (C, catalog.selectors.title_endings) so that "stol" finds "kontorsstol".
    search_suffixes = models.TextField(blank=True, default="", editable=False)
    search_vector = models.GeneratedField(
        expression=SearchVector("what", weight="A", config=SEARCH_CONFIG)
        + SearchVector("description", weight="B", config=SEARCH_CONFIG)
        + SearchVector("search_suffixes", weight="C", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("wanted ad")
        verbose_name_plural = _("wanted ads")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Only open ads are matched: the index holds them alone.
            GinIndex(fields=["keywords"], name="wanted_open_keywords", condition=Q(status="open")),
            GinIndex(fields=["search_vector"], name="wanted_search_vector"),
            models.Index(fields=["status", "-created_at"], name="wanted_status_created"),
            models.Index(fields=["person", "status"], name="wanted_person_status"),
        ]
        constraints = [
            models.CheckConstraint(name="wanted_quantity_positive", condition=Q(quantity__gte=1)),
            models.CheckConstraint(name="wanted_has_keywords", condition=~Q(keywords=[])),
            models.CheckConstraint(
                name="wanted_closed_when_not_open",
                condition=Q(status="open", closed_at__isnull=True) | (~Q(status="open") & Q(closed_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def is_open(self) -> bool:
        return self.status == WantedStatus.OPEN


class MatchSource(models.TextChoices):
    LISTING = "listing", _("Our organisation")
    OFFER = "offer", _("A partner organisation")


class WantedMatch(models.Model):
    """Something published after the ad was posted that matches it: the alert. A snapshot (title, organisation) and
    the ids to link to it: the listing's UUID here, or the offer's id in the exchange (public schema, no FK)."""

    ad = models.ForeignKey(WantedAd, verbose_name=_("wanted ad"), on_delete=models.CASCADE, related_name="matches")
    source = models.CharField(_("from"), max_length=10, choices=MatchSource.choices)
    organisation_id = models.PositiveIntegerField(_("organisation"))  # the offering organisation (ours for a listing)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    listing = models.UUIDField(_("listing"))  # the listing's UUID in the offering organisation's schema
    offer = models.PositiveBigIntegerField(_("offer"), null=True, blank=True)  # exchange.Offer's id, for its page
    title = models.CharField(_("title"), max_length=200)
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["ad", "organisation_id", "listing"], name="wanted_match_once"),
        ]
        indexes = [
            # The daily job finds what was not e-mailed yet.
            models.Index(fields=["ad"], name="wanted_match_not_emailed", condition=Q(emailed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title
