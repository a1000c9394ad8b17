"""The short codes on storage labels (decision 0043): typed by people from a label, read by phones from its QR code.

Six characters from an alphabet without the letters and digits that are read as one another (0/O, 1/I/L), so a code
read aloud or typed from a worn label is still the one printed (neither O nor 0 is in it, so neither can be the
wrong one): 31⁶ ≈ 887 million codes per organisation.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 6
# What a label's QR code opens: /l/<code>/ on the organisation's own host.
LABEL_PATH = re.compile(r"^/l/([^/]+)/?$")
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def normalised(text: str) -> str:
    """A code as stored: upper case, without spaces or dashes ("abc-234" → "ABC234"); "" if it cannot be one."""
    value = _SEPARATORS.sub("", text or "").upper()
    if len(value) != SHORT_CODE_LENGTH or any(char not in ALPHABET for char in value):
        return ""
    return value


def from_scan(text: str) -> tuple[str, str]:
    """A typed code or a scanned label's URL as (code, host): the host is "" for a typed code. A label URL
    yields its code as written (normalised), so that one of another organisation can be told apart by its host."""
    text = (text or "").strip()
    if "/" in text:
        parts = urlsplit(text if "//" in text else f"//{text}")
        match = LABEL_PATH.match(parts.path or "")
        return (normalised(match.group(1)) if match else "", (parts.hostname or "").lower())
    return normalised(text), ""
