# Phone numbers in E.164, read in the council's country when typed without "+" (exchange/data_migrations.py).

from django.db import migrations

import exchange.phones
from exchange.data_migrations import normalise_phones


def forwards(apps, schema_editor):
    normalise_phones(apps.get_model("logistics", "Hotel"), country_path="council__country")
    normalise_phones(apps.get_model("logistics", "TransportVendor"), country_path="council__country")


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0004_country_and_phone_numbers"),
        ("logistics", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="hotel",
            name="phone",
            field=exchange.phones.PhoneField(blank=True, max_length=40, region=None, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="transportvendor",
            name="phone",
            field=exchange.phones.PhoneField(blank=True, max_length=40, region=None, verbose_name="phone"),
        ),
    ]
