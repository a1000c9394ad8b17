"""How long the catalogue's texts may be and how deep its category tree: one place, read by the models, forms,
API serializers and services, so that a page, the API and the database never disagree (decision 0018).

A description of 5,000 characters is a page and a half — the demo's longest is under 300 — and keeps the
description's share of the search vector far below PostgreSQL's 1 MB limit on a tsvector (which a 1 MB text of
distinct words exceeds). Search answers carry an excerpt of EXCERPT_LENGTH characters, the listing itself all of it.
"""

from __future__ import annotations

TITLE_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 5_000
EXCERPT_LENGTH = 200
ADDRESS_MAX_LENGTH = 200
BUILDING_MAX_LENGTH = 100
ROOM_MAX_LENGTH = 100
REASON_MAX_LENGTH = 300
MESSAGE_MAX_LENGTH = 500
SEARCH_QUERY_MAX_LENGTH = 200
CATEGORY_NAME_MAX_LENGTH = 100

# Category → subcategory → … : the seeded tree has two levels; four leave room (IT → Datorer → Bärbara →
# Laddare) while a select list's "A › B › C › D" still reads. The database holds the tree to it (catalog.models).
CATEGORY_MAX_DEPTH = 4

# A saved place's name ("Återbrukslagret, hall A"): what people pick in the listing form instead of typing.
PLACE_NAME_MAX_LENGTH = 100
