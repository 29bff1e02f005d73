# Participants' free-text countries as ISO codes and phone numbers in E.164 (exchange/data_migrations.py): a
# country nothing matches is kept in ``country_as_typed``; a value that is no phone number stays as typed. The
# column becomes a country code in the next migration, once every value fits it.

from django.db import migrations, models

from exchange.data_migrations import normalise_phones, participant_countries


def forwards(apps, schema_editor):
    Participant = apps.get_model("programs", "Participant")
    participant_countries(Participant)
    normalise_phones(Participant, country_path="program__council__country")
    normalise_phones(apps.get_model("programs", "ProgramStaffMember"), country_path="program__council__country")


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0004_country_and_phone_numbers"),
        ("programs", "0002_stop_nights_do_not_overlap"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="country_as_typed",
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name="country as typed"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
