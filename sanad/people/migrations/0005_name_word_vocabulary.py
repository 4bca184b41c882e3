"""The vocabulary of name words that search while typing completes a half-typed word from, filled
from the persons already registered and kept by triggers from now on."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0004_name_words_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='NameWord',
            fields=[
                ('word', models.CharField(max_length=400, primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'name word',
                'verbose_name_plural': 'name words',
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='person',
            trigger=pgtrigger.compiler.Trigger(name='name_words_on_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func="INSERT INTO people_nameword (word) SELECT DISTINCT word FROM new_rows, unnest(string_to_array(new_rows.name_key, ' ')) AS word WHERE word <> '' ON CONFLICT DO NOTHING; RETURN NULL;", hash='a67ccd713d259b5db4bb5bacd645b203e09a3fad', level='STATEMENT', operation='INSERT', pgid='pgtrigger_name_words_on_insert_45039', referencing='REFERENCING NEW TABLE AS new_rows ', table='people_person', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='person',
            trigger=pgtrigger.compiler.Trigger(name='name_words_on_update', sql=pgtrigger.compiler.UpsertTriggerSql(func="INSERT INTO people_nameword (word) SELECT DISTINCT word FROM new_rows, unnest(string_to_array(new_rows.name_key, ' ')) AS word WHERE word <> '' ON CONFLICT DO NOTHING; RETURN NULL;", hash='cf138e46a7877b3b90ea3e319879e42e8686c994', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_name_words_on_update_187ab', referencing='REFERENCING NEW TABLE AS new_rows ', table='people_person', when='AFTER')),
        ),
        migrations.AddIndex(
            model_name='nameword',
            index=models.Index(fields=['word'], name='name_word_prefix', opclasses=['text_pattern_ops']),
        ),
        migrations.RunSQL(
            "INSERT INTO people_nameword (word) SELECT DISTINCT word FROM people_person, "
            "unnest(string_to_array(people_person.name_key, ' ')) AS word WHERE word <> '' ON CONFLICT DO NOTHING",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
