"""A throwaway tenant app for tests/test_batch_migrations.py: a real schema change to apply across organisations.

Two sets of migrations (MIGRATION_MODULES picks one): ``sql_only`` adds a column with an index to catalog_listing
and a check constraint, all SQL; ``with_python`` does the same and then fills the column with Python code.
"""
