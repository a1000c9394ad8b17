"""The bounds of impact input, read by models (check constraints), services and forms (decision 0032).

``MAX_CO2E_PER_ITEM``: no single thing shared on Delbar avoids more than five tonnes of CO₂e when reused. The largest
published per-item figure in the factor table is a monitor's 520 kg; a commercial kitchen appliance or a playground
set stays well under 5,000 kg. A figure above it is a unit error (grams typed as kilograms, or a whole batch typed
as one item), so it is refused rather than reported.
"""

from decimal import Decimal

MAX_CO2E_PER_ITEM = Decimal("5000")  # kg CO₂e avoided per item
MAX_WEIGHT_KG = Decimal("10000")  # kg per item: a typical weight or a correction
MAX_REFERENCE_PRICE = Decimal("10000000")  # SEK per item, excl. VAT
SOURCE_MAX_LENGTH = 300
NOTE_MAX_LENGTH = 500
FIRST_SOURCE_YEAR = 1990
