# Countries and phone numbers as real fields: the council's country (numbers typed without "+" are read in it)
# and phone numbers in E.164. See exchange/data_migrations.py for what happens to a value that is no number.

import django_countries.fields
from django.db import migrations

import exchange.phones
from exchange.data_migrations import normalise_phones


def forwards(apps, schema_editor):
    normalise_phones(apps.get_model("councils", "Council"), country_path="country")
    normalise_phones(apps.get_model("councils", "StaffMembership"), country_path="council__country")


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0003_data_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="council",
            name="country",
            field=django_countries.fields.CountryField(default="US", max_length=2, verbose_name="country"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="council",
            name="phone",
            field=exchange.phones.PhoneField(blank=True, max_length=40, region=None, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="staffmembership",
            name="phone",
            field=exchange.phones.PhoneField(blank=True, max_length=40, region=None, verbose_name="phone"),
        ),
    ]
