"""Let PostgreSQL renumber the goal tree in place.

Inserts, moves and deletes rewrite lft/rght/level in up to every row of a
year's tree. With no index on those columns and room left in each page
(fillfactor 50), PostgreSQL writes the new row versions into the same page
without touching any index (HOT updates); see docs/performance.md. The new
fillfactor applies to pages written from now on; `VACUUM FULL goals_node`
rewrites an existing table at once. SQLite has no fillfactor: there only the
index goes.
"""

from django.db import migrations

FILLFACTOR = 50


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(apps.get_model("goals", "Node")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(apps.get_model("goals", "Node")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0002_roles"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="node",
            name="node_tree_order",
        ),
        migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False),
    ]
