"""A ``TextField``'s ``max_length`` bounds its form field (``cadence.core.limits``)
and nothing in the database: the change is the state's alone. As a plain ``AlterField``,
SQLite would copy the whole table to a new one for it (and drop the search triggers
on the way)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('planning', '0002_plan_event_goal'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='competency',
                    name='description',
                    field=models.TextField(blank=True, max_length=10000, verbose_name='description'),
                ),
                migrations.AlterField(
                    model_name='competencyexpectation',
                    name='behaviour',
                    field=models.TextField(max_length=10000, verbose_name='expected behaviour'),
                ),
                migrations.AlterField(
                    model_name='developmentitem',
                    name='action',
                    field=models.TextField(max_length=10000, verbose_name='action'),
                ),
                migrations.AlterField(
                    model_name='performanceplan',
                    name='employee_comment',
                    field=models.TextField(blank=True, max_length=2000),
                ),
                migrations.AlterField(
                    model_name='performanceplan',
                    name='expectations',
                    field=models.TextField(blank=True, max_length=10000, verbose_name='expectations of the role'),
                ),
                migrations.AlterField(
                    model_name='performanceplan',
                    name='manager_comment',
                    field=models.TextField(blank=True, max_length=2000),
                ),
            ],
            database_operations=[],
        ),
    ]
