"""How deep the category tree may be and how long a category's name: read by the model, the services and the
migration's repair (decision 0018).
"""

from __future__ import annotations

CATEGORY_NAME_MAX_LENGTH = 100

# Category → subcategory → … : the seeded tree has two levels; four leave room (IT → Datorer → Bärbara →
# Laddare) while a select list's "A › B › C › D" still reads. The database holds the tree to it (catalog.models).
CATEGORY_MAX_DEPTH = 4
