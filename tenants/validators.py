"""Validation of the identifiers an organisation is known by, and of its time zone."""

import functools
import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.se import orgnr

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
# Sub-domains that must never be handed to a customer.
RESERVED_SLUGS = frozenset(
    {"www", "admin", "api", "app", "static", "media", "mail", "konsol", "console", "public", "template",
     "tenant-template", "delbar", "status", "help", "support", "docs"}
)


def normalise_organisation_number(value: str) -> str:
    """Return the number as NNNNNN-NNNN, or raise ValidationError with a message a person understands."""
    try:
        return orgnr.format(orgnr.validate(value))
    except InvalidChecksum as error:
        raise ValidationError(
            _("The organisation number %(value)s has a wrong check digit. Check the last digit."),
            code="checksum",
            params={"value": value},
        ) from error
    except InvalidLength as error:
        raise ValidationError(
            _("An organisation number has 10 digits, for example 212000-1215."),
            code="length",
        ) from error
    except InvalidFormat as error:
        raise ValidationError(
            _("An organisation number has 10 digits, for example 212000-1215."),
            code="format",
        ) from error


def validate_organisation_number(value: str) -> None:
    normalise_organisation_number(value)


@functools.cache
def time_zone_names() -> frozenset[str]:
    """The IANA time zone names this machine's zoneinfo knows (e.g. Europe/Stockholm)."""
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(time_zone_names())]


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            _("%(value)s is not a time zone. Use a name such as Europe/Stockholm."),
            code="time_zone",
            params={"value": value},
        )


def validate_slug(value: str) -> None:
    if not SLUG_PATTERN.match(value):
        raise ValidationError(
            _("Use 1–40 lowercase letters a–z, digits and hyphens, not starting or ending with a hyphen."),
            code="slug",
        )
    if value in RESERVED_SLUGS:
        raise ValidationError(_("The address %(value)s is reserved."), code="reserved", params={"value": value})


def validate_municipality_code(value: str) -> None:
    if not re.fullmatch(r"\d{4}", value or ""):
        raise ValidationError(_("A municipality code has four digits, for example 1286."), code="kommunkod")


# A host name of at least two labels (RFC 1123 letters, digits, hyphens), already lower-cased and IDNA-encoded.
EMAIL_DOMAIN_PATTERN = re.compile(
    r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$"
)


def normalise_email_domain(value: str) -> str:
    """``Ystad.SE`` and ``@ystad.se`` → ``ystad.se``; ``åstorp.se`` → its IDNA form. Raises if not a domain."""
    domain = value.strip().lstrip("@").rstrip(".").lower()
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    validate_email_domain(domain)
    return domain


def validate_email_domain(value: str) -> None:
    if not EMAIL_DOMAIN_PATTERN.match(value or ""):
        raise ValidationError(
            _("%(value)s is not an e-mail domain. Write it like ystad.se, without @ or spaces."),
            code="email_domain",
            params={"value": value},
        )
