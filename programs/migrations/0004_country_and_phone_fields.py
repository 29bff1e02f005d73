import django_countries.fields
from django.db import migrations

import exchange.phones


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0003_countries_and_phone_numbers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="participant",
            name="country",
            field=django_countries.fields.CountryField(max_length=2, verbose_name="country"),
        ),
        migrations.AlterField(
            model_name="participant",
            name="phone",
            field=exchange.phones.PhoneField(blank=True, max_length=40, region=None, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="programstaffmember",
            name="phone",
            field=exchange.phones.PhoneField(blank=True, max_length=40, region=None, verbose_name="phone"),
        ),
    ]
