"""A ``TextField``'s ``max_length`` bounds its form field (``cadence.core.limits``)
and nothing in the database: the change is the state's alone. As a plain ``AlterField``,
SQLite would copy the whole table to a new one for it (and drop the search triggers
on the way)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('kpis', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='kpi',
                    name='description',
                    field=models.TextField(blank=True, max_length=10000, verbose_name='description'),
                ),
            ],
            database_operations=[],
        ),
    ]
