from django.apps import AppConfig


class SchemaChangeTestConfig(AppConfig):
    name = "tests.schema_change"
    label = "test_schema_change"
    default_auto_field = "django.db.models.BigAutoField"
