"""Swedish organisation numbers and Peppol ids in the shapes invoices need."""

from __future__ import annotations

from stdnum.se import orgnr

PEPPOL_SCHEME = "0007"  # the Swedish organisation number in Peppol's list of schemes (ISO 6523 ICD 0007)


def digits(value: str) -> str:
    return "".join(character for character in value if character.isdigit())


def is_valid_organisation_number(value: str) -> bool:
    return orgnr.is_valid(value)


def formatted_organisation_number(value: str) -> str:
    return orgnr.format(digits(value))


def peppol_id(organisation_number: str) -> str:
    """``0007:<orgnr>``, the Peppol id a Swedish public body is reached at unless it says otherwise."""
    return f"{PEPPOL_SCHEME}:{digits(organisation_number)}"


def split_peppol_id(value: str) -> tuple[str, str]:
    scheme, _, identifier = value.partition(":")
    return scheme, identifier
