import django.db.models.deletion
from django.db import migrations, models

import cadence.core.search
from cadence.core.search import GOAL_SEARCH, create_index, drop_index


def create(apps, schema_editor):
    create_index(schema_editor.connection, GOAL_SEARCH)


def drop(apps, schema_editor):
    drop_index(schema_editor.connection, GOAL_SEARCH)


class Migration(migrations.Migration):
    dependencies = [("goals", "0004_goal_approved_at")]

    operations = [
        migrations.CreateModel(
            name="GoalSearchEntry",
            fields=[
                (
                    "goal",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="goals.goal",
                    ),
                ),
                ("title", cadence.core.search.IndexedTextField()),
            ],
            options={"db_table": "goals_goal_search", "managed": False},
        ),
        migrations.RunPython(create, drop),
    ]
