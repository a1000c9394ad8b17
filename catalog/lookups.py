"""``title__ilike_contains``: a case-insensitive substring match PostgreSQL can answer from a trigram index.

Django's ``icontains`` compiles to ``UPPER(col) LIKE UPPER(%s)``, which the plain ``gin_trgm_ops`` index on the
column does not serve; ``col ILIKE %s`` does (pg_trgm folds case itself).
"""

from django.db.models import CharField, Lookup


@CharField.register_lookup
class ILikeContains(Lookup):
    lookup_name = "ilike_contains"

    def get_db_prep_lookup(self, value, connection):
        escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return "%s", [f"%{escaped}%"]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]
