from django.core.management.base import BaseCommand

from councils.models import Council
from lifecycle.defaults import seed_default_template
from lifecycle.services import sync_programs_of_template


class Command(BaseCommand):
    help = "Give every council (or those named) the default IVLP checklist and its running programs their tasks."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="council slugs; all councils when none are given")

    def handle(self, *args, slugs, **options):
        councils = Council.objects.filter(slug__in=slugs) if slugs else Council.objects.all()
        for council in councils:
            template = seed_default_template(council)
            sync_programs_of_template(template)
            self.stdout.write(f"{council.slug}: {template.tasks.count()} template tasks")
