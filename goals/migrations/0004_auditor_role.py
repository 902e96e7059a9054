from django.db import migrations


def create_auditor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="auditor")


def remove_auditor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="auditor").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0003_tree_writes_in_place"),
    ]

    operations = [
        migrations.RunPython(create_auditor_group, remove_auditor_group),
    ]
