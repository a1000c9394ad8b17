"""The category tree cannot form a cycle and is at most four levels deep, held by the database (decision 0018).

Each category gets ``parent_depth`` (kept by the services) and a generated ``depth``; a foreign key on
(parent_id, parent_depth) → (id, depth), cascading on update, makes each depth its parent's plus one. A cycle then
has no consistent depths. Existing trees are repaired first: a cycle (which only hand-made data or the attack
could make) is cut at its lowest id, which becomes a top-level category; a category deeper than the limit is
moved up under its ancestor at the last level but one.
"""

from django.db import migrations, models
from django.db.models.functions import Coalesce

MAX_DEPTH = 4  # catalog.limits.CATEGORY_MAX_DEPTH when this migration was written


def _ancestry(parents: dict[int, int | None], node: int) -> list[int]:
    """The node's ancestors from the top down, the node last (the tree must have no cycle)."""
    walk = [node]
    while parents.get(walk[-1]) is not None:
        walk.append(parents[walk[-1]])
    return walk[::-1]


def repaired_tree(parents: dict[int, int | None], max_depth: int = MAX_DEPTH) -> dict[int, int | None]:
    """Each category's parent after cutting cycles and lifting what is too deep (ids in, ids out)."""
    parents = dict(parents)
    done: set[int] = set()
    for start in sorted(parents):
        path: list[int] = []
        node = start
        while node is not None and node not in done and node not in path:
            path.append(node)
            node = parents.get(node)
        if node is not None and node in path:
            cycle = path[path.index(node):]
            parents[min(cycle)] = None
        done.update(path)
    lifted = {}
    for node in parents:
        ancestors = _ancestry(parents, node)
        lifted[node] = ancestors[max_depth - 2] if len(ancestors) > max_depth else parents[node]
    return lifted


def repair_and_fill(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    rows = {pk: (parent, name) for pk, parent, name in Category.objects.values_list("pk", "parent_id", "name")}
    parents = repaired_tree({pk: parent for pk, (parent, _name) in rows.items()})
    taken = {(parent, name) for parent, name in rows.values()}
    for pk, (old_parent, name) in rows.items():
        parent = parents[pk]
        changes = {"parent_id": parent, "parent_depth": len(_ancestry(parents, parent)) if parent else None}
        if parent != old_parent and (parent, name) in taken:
            changes["name"] = f"{name} ({pk})"[:100]  # lifted next to a namesake: keep both, told apart
        taken.add((parent, changes.get("name", name)))
        Category.objects.filter(pk=pk).update(**changes)
    # The parent foreign key is checked at commit; check it now, before the table is altered below.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0007_reservation_notices_in_the_outbox'),
    ]

    operations = [
        migrations.AddField(
            model_name='category',
            name='parent_depth',
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='category',
            name='depth',
            field=models.GeneratedField(
                db_persist=True,
                expression=Coalesce(models.F('parent_depth'), 0) + 1,
                output_field=models.PositiveSmallIntegerField(),
            ),
        ),
        migrations.RunPython(repair_and_fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='category',
            constraint=models.CheckConstraint(
                condition=models.Q(('parent', models.F('pk')), _negated=True),
                name='category_not_own_parent',
                violation_error_message='A category cannot be part of itself.',
            ),
        ),
        migrations.AddConstraint(
            model_name='category',
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(('parent__isnull', True), ('parent_depth__isnull', True)),
                    models.Q(('parent__isnull', False), ('parent_depth__isnull', False)),
                    _connector='OR',
                ),
                name='category_parent_depth_with_parent',
            ),
        ),
        migrations.AddConstraint(
            model_name='category',
            constraint=models.CheckConstraint(condition=models.Q(('depth__lte', 4)), name='category_depth_limit'),
        ),
        migrations.AddConstraint(
            model_name='category',
            constraint=models.UniqueConstraint(fields=('id', 'depth'), name='category_id_depth'),
        ),
        # Django has no composite foreign keys: this one lives in the database only.
        migrations.RunSQL(
            "ALTER TABLE catalog_category ADD CONSTRAINT category_parent_depth_fk "
            "FOREIGN KEY (parent_id, parent_depth) REFERENCES catalog_category (id, depth) ON UPDATE CASCADE",
            "ALTER TABLE catalog_category DROP CONSTRAINT category_parent_depth_fk",
        ),
    ]
