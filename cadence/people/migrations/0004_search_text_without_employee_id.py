from django.db import migrations


def rebuild_search_text(apps, schema_editor):
    # Employee ids left search_text (they are matched exactly, for those allowed).
    Person = apps.get_model("people", "Person")
    batch = []
    for person in Person.objects.only(
        "id", "first_name", "last_name", "work_email", "job_title", "search_text"
    ).iterator(chunk_size=5000):
        text = " ".join(
            p for p in (person.first_name, person.last_name, person.work_email, person.job_title)
            if p
        ).lower()
        if text != person.search_text:
            person.search_text = text
            batch.append(person)
        if len(batch) >= 5000:
            Person.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("people", "0003_bytewise_paths")]
    operations = [migrations.RunPython(rebuild_search_text, migrations.RunPython.noop)]
