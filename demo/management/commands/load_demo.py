import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from demo.journey import AGENCY_USERNAME
from demo.loader import DEMO_PASSWORD, SAN_ANTONIO_REFERENCE, load_demo
from programs.links import personal_link_url
from programs.models import Participant


class Command(BaseCommand):
    help = "Load the two demo programs (San Antonio + Laredo, St. Louis). Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="Day the San Antonio program is in (YYYY-MM-DD; default: today). Only used on the first load.",
        )

    def handle(self, *args, today=None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today must be YYYY-MM-DD: {exc}") from exc
        summary = load_demo(today=day)
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {summary}"))
        self.stdout.write(
            f"Staff sign-in: coordinator / {DEMO_PASSWORD} (San Antonio), stl-coordinator / {DEMO_PASSWORD} (St. Louis)"
        )
        self.stdout.write(f"Agency sign-in: {AGENCY_USERNAME} / {DEMO_PASSWORD} (Northfield International Programs)")
        visitor = Participant.objects.filter(program__sponsor_reference=SAN_ANTONIO_REFERENCE).order_by("pk").first()
        self.stdout.write(f"A visitor's schedule ({visitor.full_name}): {personal_link_url(visitor)}")
