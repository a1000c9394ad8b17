from django.apps import AppConfig


class SchemaChangeConfig(AppConfig):
    name = "bench.schema_change"
    label = "bench_schema_change"
