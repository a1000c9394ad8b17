"""Version 1 of the platform's impact factors: what seeds the table (migration 0003; decision 0032).

Rules used to choose among published figures:
- kg CO₂e avoided **per reused item, net of the reuse itself** (transport, light refurbishment), from a study that
  counts the new item not made; where sources differ, the **lower** published figure, so that nothing Delbar
  reports is over-claimed (WRAP's office chair at 35 kg rather than FIRA's 72–90 kg, Coggin's desk at 35 kg rather
  than FIRA's 90–160 kg);
- where no study gives a per-item figure, an estimate **by analogy**, said so in the method: the item's typical
  weight times WRAP's lowest furniture rate per tonne reused (sofas: 1.45 t CO₂e per t, i.e. 1.45 kg per kg), or
  the nearest category's figure;
- a whole group whose item is unknown ("Möbler", "Övrigt") takes the **lowest** figure of its members;
- reference new prices: Delbar's estimate of a typical mid-range price excl. VAT in public-sector framework
  catalogues, rounded; an organisation sets its own contract price as an override (recorded as its own).

Sources checked against the published text (2025):
- WRAP (2011) Benefits of Reuse Case Study: Office Furniture — "just over 35 kg CO₂e per chair" (direct reuse,
  3 t CO₂e per tonne of chairs).
- WRAP (2011) Benefits of Reuse Case Study: Domestic Furniture — "approximately 55 kg CO₂-eq per sofa" (1.45 t per t).
- Coggin (2025) 2023 Impact Report — desks 583 items / 20,405 kg = 35 kg; storage 386 / 19,300 = 50 kg; tables 83 /
  2,905 = 35 kg per item reused.
- IVL Swedish Environmental Research Institute and Inrego (2020), database of climate benefits of reused IT —
  monitor 520 kg, laptop 280 kg, smartphone 55 kg.
- RISE, Frida Røyne, renovation of chairs: three new metal chairs over 45 years 82 kg CO₂e, one chair renovated
  twice 54 kg: (82 − 54) / 2 = 14 kg avoided per reuse with renovation. (A figure of 16 kg quoted for it elsewhere
  could not be traced to the study; 14 kg is what its published totals give.)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WRAP_OFFICE = ("WRAP (2011), Benefits of Reuse Case Study: Office Furniture",
               "https://www.wrap.org.uk/", 2011)
WRAP_DOMESTIC = ("WRAP (2011), Benefits of Reuse Case Study: Domestic Furniture",
                 "https://www.wrap.org.uk/", 2011)
COGGIN = ("Coggin, 2023 Impact Report on Reusing and Recycling Office Furniture (2025)",
          "https://coggin-sos.co.uk/2023-impact-report-on-reusing-and-recycling-office-furniture", 2025)
IVL_INREGO = ("IVL Svenska Miljöinstitutet och Inrego (2020), databas för klimatnytta av återbrukad IT",
              "https://inrego.com/report/", 2020)
# The study's year is not given where it is cited (Sajkla's page); 2020 is an estimate to confirm.
RISE = ("RISE, Frida Røyne: renovering av stolar jämfört med nytillverkning (as reported by Sajkla)",
        "https://sajkla.se/nyheter/frida-r%C3%B6jne/", 2020)
PRICES = ("Delbar's estimate of a typical mid-range price excl. VAT in public-sector framework catalogues "
          "(Adda, Kammarkollegiet), rounded, 2025")

PER_KG = Decimal("1.45")  # kg CO₂e per kg reused: WRAP's lowest furniture rate (sofas, 1.45 t per t)


@dataclass(frozen=True)
class Seed:
    key: str
    co2e: str
    weight: str
    price: str
    source: tuple[str, str, int]
    method: str


def _by_weight(weight: str) -> str:
    return str((Decimal(weight) * PER_KG).quantize(Decimal("1")))


_ANALOGY = ("By analogy: typical weight {w} kg × 1.45 kg CO₂e per kg reused (WRAP 2011, sofas: the lowest WRAP "
            "furniture rate per tonne, chosen to stay conservative); no per-item study found.")

SEEDS: tuple[Seed, ...] = (
    # Furniture
    Seed("furniture.office_chairs", "35", "12", "4500", WRAP_OFFICE,
         "Published per-item figure for direct reuse (3 t CO₂e per tonne of chairs, about 85 chairs per tonne). "
         "Lower than FIRA's 72–90 kg, which starts from new task chairs' full footprint; the lower is used."),
    Seed("furniture.desks", "35", "40", "6000", COGGIN,
         "20,405 kg CO₂e over 583 desks reused = 35 kg per desk. Lower than FIRA's 90–160 kg; the lower is used."),
    Seed("furniture.storage", "50", "45", "4000", COGGIN, "19,300 kg CO₂e over 386 storage units reused = 50 kg."),
    Seed("furniture.tables", "35", "30", "3500", COGGIN, "2,905 kg CO₂e over 83 tables reused = 35 kg per table."),
    Seed("furniture.chairs", "14", "6", "1500", RISE,
         "Metal chair: 82 kg CO₂e for three new chairs over 45 years against 54 kg for one chair renovated twice; "
         "(82 − 54) / 2 = 14 kg avoided per reuse. Wooden chairs avoid less (18.5 → 13 kg), metal is the common "
         "public-sector chair. The study's year is not stated where it is cited; 2020 is an estimate."),
    Seed("furniture.sofas_armchairs", "55", "38", "9000", WRAP_DOMESTIC,
         "Published per-item figure: 1.45 t CO₂e per tonne of sofas reused directly, about 55 kg per two-seater."),
    Seed("furniture.shelves", "28", "25", "2500", COGGIN,
         "By analogy with storage units (Coggin: 50 kg for a unit of about 45 kg), in proportion to weight: a "
         "bookshelf of about 25 kg → 28 kg."),
    Seed("furniture.screens_partitions", _by_weight("15"), "15", "3000", WRAP_DOMESTIC, _ANALOGY.format(w=15)),
    Seed("furniture.lighting", _by_weight("5"), "5", "1500", WRAP_DOMESTIC, _ANALOGY.format(w=5)),
    Seed("furniture.other", "14", "6", "2000", RISE,
         "Unknown kind of furniture: the lowest per-item furniture figure of this table (a metal chair, RISE)."),
    Seed("furniture", "14", "6", "2000", RISE,
         "Furniture of no known kind: the lowest per-item furniture figure of this table (a metal chair, RISE)."),
    # IT
    Seed("it.computers", "280", "2", "12000", IVL_INREGO, "Published per-item figure for a reused laptop."),
    Seed("it.monitors", "520", "6", "2500", IVL_INREGO, "Published per-item figure for a reused 24\" monitor."),
    Seed("it.phones_tablets", "55", "0.2", "5000", IVL_INREGO,
         "Published per-item figure for a reused smartphone; used for tablets too (no separate figure published)."),
    Seed("it.printers", "55", "10", "4000", IVL_INREGO,
         "No published per-item figure found; the lowest IVL/Inrego figure (a smartphone) is used, so as not to "
         "over-claim. A printer's manufacture is likely to weigh more."),
    Seed("it.accessories", _by_weight("1"), "1", "800", WRAP_DOMESTIC,
         "Keyboards, mice, docks: " + _ANALOGY.format(w=1)),
    Seed("it.audio_video", "55", "8", "6000", IVL_INREGO,
         "Projectors, loudspeakers: no published per-item figure found; the lowest IVL/Inrego figure (a smartphone) "
         "is used, so as not to over-claim."),
    Seed("it", "55", "2", "2500", IVL_INREGO,
         "IT of no known kind: the lowest IVL/Inrego per-item figure (a smartphone)."),
    # Kitchen
    Seed("kitchen.equipment", _by_weight("8"), "8", "1000", WRAP_DOMESTIC, _ANALOGY.format(w=8)),
    Seed("kitchen.appliances", _by_weight("50"), "50", "8000", WRAP_DOMESTIC,
         _ANALOGY.format(w=50) + " An older appliance may use more energy than a new one; not counted."),
    Seed("kitchen", _by_weight("8"), "8", "1000", WRAP_DOMESTIC,
         "Kitchen items of no known kind: the lower of the kitchen figures (equipment)."),
    # School
    Seed("school.teaching_materials", _by_weight("5"), "5", "500", WRAP_DOMESTIC, _ANALOGY.format(w=5)),
    Seed("school.play_sport", _by_weight("10"), "10", "1000", WRAP_DOMESTIC, _ANALOGY.format(w=10)),
    Seed("school", _by_weight("5"), "5", "500", WRAP_DOMESTIC,
         "School items of no known kind: the lower of the school figures (teaching materials)."),
    # Other
    Seed("other", _by_weight("5"), "5", "500", WRAP_DOMESTIC, "Anything else: " + _ANALOGY.format(w=5)),
)

NOTE = ("First version: published per-item figures from WRAP, Coggin, IVL/Inrego and RISE, the rest by analogy "
        "(see each factor's method); reference prices estimated from public-sector framework catalogues.")
