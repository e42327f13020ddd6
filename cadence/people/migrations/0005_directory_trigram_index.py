import django.db.models.deletion
from django.db import migrations, models

import cadence.core.search
from cadence.core.search import PERSON_SEARCH, create_index, drop_index


def create(apps, schema_editor):
    create_index(schema_editor.connection, PERSON_SEARCH)


def drop(apps, schema_editor):
    drop_index(schema_editor.connection, PERSON_SEARCH)


class Migration(migrations.Migration):
    dependencies = [("people", "0004_search_text_without_employee_id")]

    operations = [
        migrations.CreateModel(
            name="PersonSearchEntry",
            fields=[
                (
                    "person",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="people.person",
                    ),
                ),
                ("search_text", cadence.core.search.IndexedTextField()),
            ],
            options={"db_table": "people_person_search", "managed": False},
        ),
        migrations.RunPython(create, drop),
    ]
