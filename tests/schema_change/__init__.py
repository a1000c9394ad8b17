"""A throwaway tenant app for tests/test_batch_migrations.py: a real schema change to apply across organisations.

Two sets of migrations (MIGRATION_MODULES picks one): ``sql_only`` adds a column with an index to catalog_listing
and a check constraint, all SQL; ``with_python`` does the same and then fills the column with Python code.
"""

# The first migration of both sets: a nullable column (the catalogue changes, not the rows) and its index.
ADD_NOTE = ("ALTER TABLE catalog_listing ADD COLUMN test_note varchar(40) NULL; "
            "CREATE INDEX test_listing_note ON catalog_listing (test_note);")
REMOVE_NOTE = "DROP INDEX test_listing_note; ALTER TABLE catalog_listing DROP COLUMN test_note;"
