"""A throwaway tenant app for bench/migrate_many.py: one migration that adds a column with an index to every
organisation's catalog_listing. Installed only by bench/settings_migrate.py, never by the product's settings."""
