"""The demo: two "Combating Trafficking in Persons" programs drawn from public accounts of real exchanges.

San Antonio + Laredo (eleven visitors, in progress "today") and St. Louis (nine visitors, home hospitality, two
weeks later), and San Antonio's delegation of last autumn (completed: its hosts thanked, one answered the survey).
Every part of the app has something to show: meeting requests answered and pending behind the requested items,
volunteers and dinner slots with invitations in every state, a cancelled slot, a thanked meeting with its feedback.

Every object is found by a natural key before it is created, so a second run changes nothing. What has a workflow
(requests, invitations, seating, thanks) goes through its services, at moments fixed by ``today``: the data is as
consistent as staff would have made it, and the same on every run.
"""

import datetime as dt
import zoneinfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from councils.changes import note_change
from councils.enums import StaffRole
from councils.models import Council, StaffMembership
from demo.journey import load_journey
from directory.enums import Sector
from directory.models import Contact, HostOrganization, Venue
from exchange.countries import country_code
from hospitality import services as hospitality
from hospitality.enums import Meal, VettingStatus
from hospitality.forms import SlotForm
from hospitality.models import HospitalitySlot, Volunteer
from lifecycle.defaults import seed_default_template
from lifecycle.enums import Rating, RespondentType
from lifecycle.prepared_messages import send_thank_yous
from lifecycle.services import record_feedback, sync_checklist
from logistics.enums import FlightDirection, VendorKind
from logistics.models import Flight, Hotel, HotelBooking, TransportVendor
from meetings import requests as meeting_requests
from meetings.enums import ItemKind, ItemStatus
from meetings.models import ItineraryItem
from notifications import digest
from programs.enums import Consent, ProgramStaffRole, ProgramStatus
from programs.models import Participant, Program, ProgramStaffMember, Sponsor, Stop
from visitors.services import email_personal_link

DEMO_PASSWORD = "exchange-demo"
CENTRAL = "America/Chicago"
SAN_ANTONIO_REFERENCE = "E/VRC-2019-0618"

SAN_ANTONIO_ORGS = [
    # name, sector, city, address, [(contact, title, email)]
    (
        "AAUW Younger Women's Task Force",
        Sector.NGO,
        "San Antonio",
        "301 Pereida St, San Antonio, TX 78210",
        [("Maria Delgado", "Chapter lead", "maria.delgado@example.org")],
    ),
    (
        "San Antonio Express-News",
        Sector.MEDIA,
        "San Antonio",
        "100 N Main Ave, San Antonio, TX 78205",
        [("Luke Whyte", "Data Editor", "luke.whyte@example.org")],
    ),
    (
        "City of San Antonio, Office of the City Manager",
        Sector.GOVERNMENT,
        "San Antonio",
        "100 Military Plaza, San Antonio, TX 78205",
        [("Ana Villarreal", "Immigration Liaison", "ana.villarreal@example.org")],
    ),
    (
        "Bexar County Criminal District Attorney's Office",
        Sector.JUSTICE,
        "San Antonio",
        "101 W Nueva St, San Antonio, TX 78205",
        [("Rebecca Torres", "Assistant Criminal District Attorney", "rebecca.torres@example.org")],
    ),
    (
        "Alamo Area Coalition Against Trafficking",
        Sector.NGO,
        "San Antonio",
        "1305 N Flores St, San Antonio, TX 78212",
        [("David Ramos", "Coordinator", "david.ramos@example.org")],
    ),
    (
        "ICE Rio Grande Detention Center",
        Sector.LAW_ENFORCEMENT,
        "Laredo",
        "1001 San Rio Blvd, Laredo, TX 78046",
        [("Officer J. Salinas", "Public affairs", "j.salinas@example.org")],
    ),
    (
        "Casa de Misericordia",
        Sector.SHELTER,
        "Laredo",
        "PO Box 430, Laredo, TX 78042",
        [("Sister Rosa Elena", "Director", "rosa.elena@example.org")],
    ),
    (
        "Texas RioGrande Legal Aid",
        Sector.LEGAL_AID,
        "Laredo",
        "1702 Convent Ave, Laredo, TX 78040",
        [("Jorge Cantu", "Staff attorney", "jorge.cantu@example.org")],
    ),
]

ST_LOUIS_ORGS = [
    (
        "Washington University Human Trafficking Collaborative Network",
        Sector.ACADEMIA,
        "St. Louis",
        "660 S Euclid Ave, St. Louis, MO 63110",
        [("Dr. Rumi Price", "Professor of Psychiatry", "rumi.price@example.org")],
    ),
    (
        "St. Louis Post-Dispatch",
        Sector.MEDIA,
        "St. Louis",
        "901 N 10th St, St. Louis, MO 63101",
        [("Kim Bell", "Reporter", "kim.bell@example.org")],
    ),
    (
        "Gateway Human Trafficking",
        Sector.NGO,
        "St. Louis",
        "3600 Laclede Ave, St. Louis, MO 63108",
        [("Shima Rostami", "Executive Director", "shima.rostami@example.org")],
    ),
    (
        "Healing Action Network",
        Sector.SHELTER,
        "St. Louis",
        "1520 Washington Ave, St. Louis, MO 63103",
        [("Jordan Ellis", "Outreach lead", "jordan.ellis@example.org")],
    ),
    ("Gateway Arch National Park", Sector.CULTURE, "St. Louis", "11 N 4th St, St. Louis, MO 63102", []),
    ("Saint Louis Art Museum", Sector.CULTURE, "St. Louis", "1 Fine Arts Dr, St. Louis, MO 63110", []),
]

SAN_ANTONIO_PARTICIPANTS = [
    # first, last, country, role, organization, language
    ("Lucía", "Fernández", "Argentina", "Federal prosecutor", "Procuración de Trata y Explotación", "es"),
    ("Marcos", "Giménez", "Argentina", "Social worker", "Ministerio de Desarrollo Social", "es"),
    ("Andrea", "Young", "Belize", "Labour officer", "Ministry of Labour", "en"),
    ("Rodrigo", "Quispe", "Bolivia", "Police investigator", "Fuerza Especial de Lucha Contra el Crimen", "es"),
    ("Daniela", "Mora", "Costa Rica", "Coordinator", "Coalición Nacional contra el Tráfico Ilícito", "es"),
    ("Yesenia", "Peralta", "Dominican Republic", "Prosecutor", "Procuraduría General", "es"),
    ("Carlos", "Henríquez", "El Salvador", "Journalist", "La Prensa Gráfica", "es"),
    ("Itzel", "Barrios", "Panama", "Shelter director", "Fundación Casa Esperanza", "es"),
    ("Julio", "Vargas", "Peru", "Public defender", "Defensoría del Pueblo", "es"),
    ("Rosa", "Huamán", "Peru", "NGO director", "CHS Alternativo", "es"),
    ("Sofía", "Pereira", "Uruguay", "Policy adviser", "Instituto Nacional de las Mujeres", "pt"),
]

ST_LOUIS_PARTICIPANTS = [
    ("Beatriz", "Santos", "Brazil", "Federal police delegate", "Polícia Federal", "pt"),
    ("Tiago", "Almeida", "Brazil", "Labour inspector", "Ministério do Trabalho", "pt"),
    ("Valeria", "Ortiz", "Mexico", "Legislative adviser", "Senado de la República", "es"),
    ("Andrés", "Restrepo", "Colombia", "Migration officer", "Migración Colombia", "es"),
    ("Gabriela", "Chávez", "Guatemala", "Prosecutor", "Ministerio Público", "es"),
    ("Kevin", "Palmer", "Jamaica", "Child protection officer", "Child Protection and Family Services Agency", "en"),
    ("María José", "Benítez", "Paraguay", "Psychologist", "Ministerio de la Mujer", "es"),
    ("Felipe", "Rojas", "Chile", "Journalist", "Radio Bío-Bío", "es"),
    ("Camille", "Joseph", "Haiti", "Human rights lawyer", "Office de la Protection du Citoyen", "fr"),
]

ST_LOUIS_VOLUNTEERS = [
    # household, contact, email, languages, guests, weekdays
    ("The Brennan household", "Claire Brennan", "claire.brennan@example.net", "en,es", 3, [6, 7]),
    ("The Okafor household", "Emeka Okafor", "emeka.okafor@example.net", "en,fr", 3, [5, 6, 7]),
    ("The Lindqvist household", "Ingrid Lindqvist", "ingrid.lindqvist@example.net", "en,pt", 2, [7]),
    ("The Morales household", "Hector Morales", "hector.morales@example.net", "en,es", 4, [6, 7]),
    ("The Chen household", "Lily Chen", "lily.chen@example.net", "en", 2, [1, 2, 3]),
    ("The Schneider household", "Paul Schneider", "paul.schneider@example.net", "en,de", 3, [7]),
]

SAN_ANTONIO_VOLUNTEERS = [
    # household, contact, email, languages, guests, weekdays, vetting, dietary accommodations
    ("The Garza household", "Irene Garza", "irene.garza@example.net", "en,es", 4, [5, 6, 7], "vetted", "Vegetarian"),
    ("The Nguyen household", "Thanh Nguyen", "thanh.nguyen@example.net", "en", 4, [4, 5, 6], "vetted", ""),
    ("The Whitfield household", "Martha Whitfield", "martha.whitfield@example.net", "en,es", 4, [3, 4], "vetted", ""),
    ("The Okonkwo household", "Chidi Okonkwo", "chidi.okonkwo@example.net", "en,fr", 3, [3, 4, 5], "vetted", "Halal"),
    ("The Salazar household", "Ruben Salazar", "ruben.salazar@example.net", "en,es", 4, [1, 2, 3, 4], "vetted", ""),
    ("The Patel household", "Priya Patel", "priya.patel@example.net", "en", 2, [3, 6], "vetted", "Vegetarian"),
    ("The Bauer household", "Helen Bauer", "helen.bauer@example.net", "en,de", 3, [2, 3], "vetted", ""),
    ("The Reyes household", "Tomas Reyes", "tomas.reyes@example.net", "en,es,pt", 3, [6, 7], "in_progress", ""),
]

# Last autumn's delegation in San Antonio: completed, its hosts thanked, one of them answered the survey.
PAST_REFERENCE = "E/VRC-2018-1015"
PAST_ORGS = [
    (
        "City of San Antonio, Migrant Resource Center",
        Sector.GOVERNMENT,
        "San Antonio",
        "618 Live Oak St, San Antonio, TX 78202",
        [("Teresa Lozano", "Center manager", "teresa.lozano@example.org")],
    ),
    (
        "Truckers Against Trafficking",
        Sector.NGO,
        "San Antonio",
        "Online meeting",
        [("Kaylla Lanier", "Director", "kaylla.lanier@example.org")],
    ),
]
PAST_PARTICIPANTS = [
    ("Mariana", "Velázquez", "Mexico", "Hotline coordinator", "Consejo Ciudadano para la Seguridad y Justicia", "es"),
    ("Jorge", "Treviño", "Mexico", "Road transport inspector", "Secretaría de Comunicaciones y Transportes", "es"),
    ("Alejandra", "Ruiz", "Mexico", "Federal prosecutor", "Fiscalía General de la República", "es"),
    ("Diego", "Navarro", "Mexico", "Program officer", "Sin Fronteras IAP", "es"),
]


def _at(day, hour, minute=0, tz=CENTRAL):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(tz))


def _council(slug, name, city):
    council, _ = Council.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "city": city,
            "time_zone": CENTRAL,
            "email": f"programs@{slug}.example.org",
            "survey_url": f"https://survey.example.org/{slug}",
        },
    )
    return council


def _staff(council, username, first, last, role):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@{council.slug}.example.org",
            "is_staff": True,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    StaffMembership.objects.get_or_create(user=user, defaults={"council": council, "role": role})
    return user


DEMO_AREA_CODES = {"San Antonio": "+1 210", "Laredo": "+1 956", "St. Louis": "+1 314"}


def _directory(council, orgs):
    by_name = {}
    for name, sector, city, address, contacts in orgs:
        org, _ = HostOrganization.objects.get_or_create(
            council=council, name=name, defaults={"sector": sector, "city": city, "address": address}
        )
        Venue.objects.get_or_create(
            council=council, name=name, defaults={"organization": org, "address": address, "city": city}
        )
        for contact_name, title, email in contacts:
            # 555-01xx numbers are reserved for fiction, so tapping one on the day-of page calls nobody.
            phone = f"{DEMO_AREA_CODES.get(city, '+1 210')} 555 01{len(by_name) % 10}{len(contact_name) % 10}"
            Contact.objects.get_or_create(
                organization=org, name=contact_name, defaults={"title": title, "email": email, "phone": phone}
            )
        by_name[name] = org
    return by_name


def _participants(program, rows, share_bio=True):
    people = []
    for index, (first, last, country, role, org, language) in enumerate(rows):
        email = (
            f"{first}.{last}".lower()
            .replace(" ", "")
            .replace("á", "a")
            .replace("é", "e")
            .replace("í", "i")
            .replace("ó", "o")
            .replace("ú", "u")
            + "@example.com"
        )
        person, _ = Participant.objects.get_or_create(
            program=program,
            first_name=first,
            last_name=last,
            defaults={
                "country": country_code(country),  # the demo rows name it; the field holds its ISO code
                "role": role,
                "organization": org,
                "preferred_language": language,
                "email": email,
                "bio": f"{role} at {org} ({country}).",
                "share_bio": share_bio,
                "share_contact": index % 3 != 0,
                "media_consent": [Consent.YES, Consent.YES, Consent.NO, Consent.UNKNOWN][index % 4],
                "dietary_needs": ["", "Vegetarian", "", "No pork", ""][index % 5],
            },
        )
        people.append(person)
    return people


def _item(program, stop, title, starts_at, ends_at, kind, status, org=None, **extra):
    venue = Venue.objects.filter(council=program.council, name=org.name).first() if org else extra.pop("venue", None)
    item, created = ItineraryItem.objects.get_or_create(
        program=program,
        title=title,
        defaults={
            "stop": stop,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "kind": kind,
            "status": status,
            "host_organization": org,
            "venue": venue,
            **extra,
        },
    )
    if created and org:
        item.contacts.set(org.contacts.all())
    return item


def _request(item, *, sent, deadline, user, answer=None, note=""):
    """A meeting request behind ``item``, to its first contact, through the request workflow: the request, the item's
    move to "requested" (and its answer's), the history and the emails, as staff and the host would have made them.
    ``answer`` is ``(what, when)``. Nothing happens if the item has a request already."""
    if item.requests.exists():
        return
    contact = item.contacts.exclude(email="").order_by("pk").first()
    meeting_request = meeting_requests.send_request(
        item=item,
        contact=contact,
        deadline=deadline,
        message="We would be honoured if you could meet our visitors.",
        user=user,
        now=sent,
    )
    if answer is not None:
        what, when = answer
        meeting_requests.answer_request(meeting_request=meeting_request, answer=what, note=note, now=when)


def _volunteers(council, rows, *, vetted_on):
    volunteers = []
    for household, contact, email, languages, guests, weekdays, *more in rows:
        vetting, dietary = more or (VettingStatus.VETTED, "")
        volunteer, _ = Volunteer.objects.get_or_create(
            council=council,
            email=email,
            defaults={
                "household_name": household,
                "contact_name": contact,
                "languages": languages,
                "max_guests": guests,
                "available_weekdays": weekdays,
                "city": council.city,
                "vetting_status": vetting,
                "vetted_on": vetted_on if vetting == VettingStatus.VETTED else None,
                "dietary_accommodations": dietary,
                "address": f"{council.city}, {'TX' if council.city == 'San Antonio' else 'MO'}",
            },
        )
        volunteers.append(volunteer)
    return volunteers


def _save_slot(
    program,
    stop,
    *,
    day,
    start,
    end,
    meal=Meal.DINNER,
    guests_per_host,
    hosts_needed,
    meeting_point="",
    deadline=None,
    slot=None,
):
    """Create or edit a slot as staff do: through its form (times in the stop's zone) and ``save_slot``."""
    form = SlotForm(
        {
            "stop": stop.pk,
            "meal": meal,
            "guests_per_host": guests_per_host,
            "hosts_needed": hosts_needed,
            "meeting_point": meeting_point,
            "notes": "",
            "date": day.isoformat(),
            "start_time": start,
            "end_time": end,
            "deadline_date": deadline.isoformat() if deadline else "",
        },
        program=program,
        instance=slot,
    )
    if not form.is_valid():
        raise ValueError(f"demo slot: {form.errors.as_text()}")
    return hospitality.save_slot(form=form)


def _san_antonio_hospitality(program, stop, people, d, *, now):
    """A dinner on the third evening with an invitation in every state, and a lunch staff cancelled.

    The invitations went out before arrival with the arrival day as deadline. Three households accepted (the slot
    needs three), a fourth answered once it was full, one declined, one never answered (expired); the guests were
    seated as suggested; this morning one host withdrew, so staff moved the deadline to tonight and invited one more
    household, who has not answered yet. A lunch on the same day was cancelled once the coalition's meeting ran
    into lunchtime.
    """
    if HospitalitySlot.objects.filter(program=program).exists():
        return
    garza, nguyen, whitfield, okonkwo, salazar, patel, bauer, _reyes = _volunteers(
        program.council, SAN_ANTONIO_VOLUNTEERS, vetted_on=now.date() - dt.timedelta(days=120)
    )
    dinner_options = {
        "day": d[2],
        "start": "18:30",
        "end": "21:00",
        "guests_per_host": 4,
        "hosts_needed": 3,
        "meeting_point": "Riverwalk Plaza Hotel lobby, 18:10",
    }
    dinner = _save_slot(program, stop, deadline=d[0], **dinner_options)
    invited = {
        invitation.volunteer_id: invitation
        for invitation in hospitality.invite(slot=dinner, volunteers=[garza, nguyen, whitfield, okonkwo, patel, bauer])
    }
    answered = _at(d[0] - dt.timedelta(days=6), 19)
    for volunteer in (garza, nguyen, whitfield):
        hospitality.accept(invitation=invited[volunteer.pk], note="We would love to host!", now=answered)
    hospitality.accept(invitation=invited[okonkwo.pk], now=answered + dt.timedelta(hours=1))  # the slot is full
    hospitality.decline(invitation=invited[patel.pk], note="Out of town that week, sorry.", now=answered)
    hospitality.apply_suggested_split(slot=dinner)
    hospitality.expire_pending(now=now)  # the Bauers never answered before the deadline
    hospitality.withdraw(invitation=invited[whitfield.pk], note="A family emergency; we are so sorry.", now=now)
    dinner = HospitalitySlot.objects.get(pk=dinner.pk)  # its host counter as the answers left it
    dinner = _save_slot(program, stop, deadline=d[1], slot=dinner, **dinner_options)
    hospitality.invite(slot=dinner, volunteers=[salazar])

    lunch = _save_slot(
        program, stop, day=d[2], start="12:00", end="13:30", meal=Meal.LUNCH, guests_per_host=4, hosts_needed=1
    )
    invited = {
        invitation.volunteer_id: invitation
        for invitation in hospitality.invite(slot=lunch, volunteers=[patel, salazar])
    }
    hospitality.accept(invitation=invited[patel.pk], note="Lunch works for us.", now=now - dt.timedelta(days=3))
    hospitality.cancel_slot(slot=lunch, now=now)


def _load_san_antonio(council, today):
    sponsor, _ = Sponsor.objects.get_or_create(council=council, name="U.S. Department of State, IVLP")
    existing = Program.objects.filter(council=council, sponsor_reference=SAN_ANTONIO_REFERENCE).first()
    arrival = existing.arrival_date if existing else today - dt.timedelta(days=1)
    program, _ = Program.objects.get_or_create(
        council=council,
        sponsor_reference=SAN_ANTONIO_REFERENCE,
        defaults={
            "title": "Combating Trafficking in Persons: A Regional Project for Latin America",
            "sponsor": sponsor,
            "program_officer_name": "Karen Mills",
            "program_officer_email": "karen.mills@example.gov",
            "theme": "Combating trafficking in persons",
            "objectives": "Examine U.S. local, state and federal efforts to prevent trafficking, prosecute "
            "traffickers and protect survivors; build networks across the region.",
            "arrival_date": arrival,
            "departure_date": arrival + dt.timedelta(days=4),
            "status": ProgramStatus.IN_PROGRESS,
            "has_home_hospitality": True,
            "accepted_on": arrival - dt.timedelta(days=60),
            "coordinator": council.memberships.first().user,
        },
    )
    hotel_sa, _ = Hotel.objects.get_or_create(
        council=council,
        name="Riverwalk Plaza Hotel",
        defaults={
            "address": "100 Villita St, San Antonio, TX 78205",
            "city": "San Antonio",
            "phone": "+1 210 555 0100",
        },
    )
    hotel_laredo, _ = Hotel.objects.get_or_create(
        council=council,
        name="La Posada Hotel",
        defaults={"address": "1000 Zaragoza St, Laredo, TX 78040", "city": "Laredo", "phone": "+1 956 555 0199"},
    )
    vendor, _ = TransportVendor.objects.get_or_create(
        council=council,
        name="Alamo City Coaches",
        defaults={"kind": VendorKind.COMPANY, "contact_name": "Rudy Garza", "phone": "+1 210 555 0142"},
    )
    san_antonio, _ = Stop.objects.get_or_create(
        program=program,
        city="San Antonio",
        defaults={
            "region": "Texas",
            "start_date": arrival,
            "end_date": arrival + dt.timedelta(days=3),
            "time_zone": CENTRAL,
            "hotel": hotel_sa,
        },
    )
    laredo, _ = Stop.objects.get_or_create(
        program=program,
        city="Laredo",
        defaults={
            "region": "Texas",
            "start_date": arrival + dt.timedelta(days=3),
            "end_date": arrival + dt.timedelta(days=4),
            "time_zone": CENTRAL,
            "hotel": hotel_laredo,
        },
    )
    people = _participants(program, SAN_ANTONIO_PARTICIPANTS)
    interpreter, _ = ProgramStaffMember.objects.get_or_create(
        program=program,
        name="Elena Ruiz",
        defaults={
            "role": ProgramStaffRole.INTERPRETER,
            "languages": "es,en",
            "email": "elena.ruiz@example.com",
            "preferred_language": "es",
            "phone": "+1 210 555 0177",
        },
    )
    ProgramStaffMember.objects.get_or_create(
        program=program,
        name="Tom Becker",
        defaults={
            "role": ProgramStaffRole.ESCORT,
            "languages": "en,es",
            "email": "tom.becker@example.com",
            "phone": "+1 210 555 0178",
        },
    )
    for person in people:
        HotelBooking.objects.get_or_create(
            stop=san_antonio, participant=person, defaults={"confirmation_number": f"RWP-{person.pk:05d}"}
        )
        HotelBooking.objects.get_or_create(
            stop=laredo, participant=person, defaults={"confirmation_number": f"LPH-{person.pk:05d}"}
        )
        if not person.flights.exists():
            Flight.objects.create(
                participant=person,
                direction=FlightDirection.ARRIVAL,
                carrier="American Airlines",
                number="AA 1457",
                from_airport="DFW",
                to_airport="SAT",
                departs_at=_at(arrival, 13, 5),
                arrives_at=_at(arrival, 14, 20),
            )
    orgs = _directory(council, SAN_ANTONIO_ORGS)
    d = [arrival + dt.timedelta(days=n) for n in range(5)]
    group = {"interpreter": interpreter}
    _item(
        program,
        san_antonio,
        "Airport pick-up and hotel check-in",
        _at(d[0], 14, 30),
        _at(d[0], 16, 0),
        ItemKind.TRAVEL,
        ItemStatus.CONFIRMED,
        transport_vendor=vendor,
        pickup_at=_at(d[0], 14, 30),
        pickup_location="San Antonio International Airport, Terminal A arrivals",
    )
    _item(
        program,
        san_antonio,
        "Welcome briefing at the council",
        _at(d[0], 17, 0),
        _at(d[0], 18, 0),
        ItemKind.BRIEFING,
        ItemStatus.CONFIRMED,
        visitor_notes="Bring your passport and program book.",
        **group,
    )
    _item(
        program,
        san_antonio,
        "Younger Women's Task Force: prevention starts early",
        _at(d[1], 9, 0),
        _at(d[1], 10, 30),
        ItemKind.MEETING,
        ItemStatus.CONFIRMED,
        orgs["AAUW Younger Women's Task Force"],
        topic="Organizing younger women and their allies against trafficking",
        dress_code="Business casual",
        internal_notes="Parking validated at the front desk.",
        **group,
    )
    _item(
        program,
        san_antonio,
        "Labor trafficking case study with the Express-News data desk",
        _at(d[1], 11, 0),
        _at(d[1], 12, 15),
        ItemKind.MEETING,
        ItemStatus.CONFIRMED,
        orgs["San Antonio Express-News"],
        topic="How a newsroom investigated labor trafficking in South Texas with data",
        **group,
    )
    _item(
        program,
        san_antonio,
        "Lunch at Market Square",
        _at(d[1], 12, 30),
        _at(d[1], 13, 45),
        ItemKind.MEAL,
        ItemStatus.CONFIRMED,
        visitor_notes="Lunch is covered by the program.",
    )
    _item(
        program,
        san_antonio,
        "Immigration Liaison, Office of the City Manager",
        _at(d[1], 14, 0),
        _at(d[1], 15, 15),
        ItemKind.MEETING,
        ItemStatus.CONFIRMED,
        orgs["City of San Antonio, Office of the City Manager"],
        topic="The city's network for immigrants and the new Migrant Resource Center",
        **group,
    )
    district_attorney = _item(
        program,
        san_antonio,
        "Bexar County District Attorney: the anti-trafficking task force",
        _at(d[1], 15, 45),
        _at(d[1], 17, 0),
        ItemKind.MEETING,
        ItemStatus.IDEA,  # the request below asks, the District Attorney's office accepts: confirmed
        orgs["Bexar County Criminal District Attorney's Office"],
        topic="Prosecution and victim outreach; migrants' vulnerability",
        what_to_bring="Photo ID for security",
        internal_notes="Security screening: send the participant list 48 hours ahead.",
        **group,
    )
    _item(
        program,
        san_antonio,
        "Alamo Area Coalition Against Trafficking",
        _at(d[2], 9, 30),
        _at(d[2], 11, 30),
        ItemKind.MEETING,
        ItemStatus.CONFIRMED,
        orgs["Alamo Area Coalition Against Trafficking"],
        topic="A multi-agency coalition: prosecution, prevention and services",
        **group,
    )
    _item(
        program,
        san_antonio,
        "Historic San Antonio and the River Walk",
        _at(d[2], 14, 0),
        _at(d[2], 17, 30),
        ItemKind.CULTURAL,
        ItemStatus.CONFIRMED,
        visitor_notes="Comfortable shoes; water and sun hat.",
    )
    _item(
        program,
        laredo,
        "Coach to Laredo",
        _at(d[3], 6, 30),
        _at(d[3], 9, 0),
        ItemKind.TRAVEL,
        ItemStatus.CONFIRMED,
        transport_vendor=vendor,
        pickup_at=_at(d[3], 6, 15),
        pickup_location="Riverwalk Plaza Hotel lobby",
        visitor_notes="Check out before boarding; bags travel with us.",
    )
    _item(
        program,
        laredo,
        "Site visit: Rio Grande Detention Center",
        _at(d[3], 9, 30),
        _at(d[3], 11, 0),
        ItemKind.SITE_VISIT,
        ItemStatus.CONFIRMED,
        orgs["ICE Rio Grande Detention Center"],
        what_to_bring="Passport (required at the gate)",
        dress_code="No sleeveless tops",
        **group,
    )
    _item(
        program,
        laredo,
        "Casa de Misericordia shelter",
        _at(d[3], 12, 0),
        _at(d[3], 13, 30),
        ItemKind.SITE_VISIT,
        ItemStatus.CONFIRMED,
        orgs["Casa de Misericordia"],
        internal_notes="No photos inside the shelter, whatever the consent.",
        **group,
    )
    legal_aid = _item(
        program,
        laredo,
        "Texas RioGrande Legal Aid",
        _at(d[3], 14, 30),
        _at(d[3], 16, 0),
        ItemKind.MEETING,
        ItemStatus.IDEA,  # requested below; the answer is still awaited
        orgs["Texas RioGrande Legal Aid"],
        topic="Legal aid for immigrants and survivors",
        **group,
    )
    _item(
        program,
        laredo,
        "Departure: transfer to Laredo International Airport",
        _at(d[4], 8, 0),
        _at(d[4], 9, 0),
        ItemKind.TRAVEL,
        ItemStatus.CONFIRMED,
        transport_vendor=vendor,
        pickup_at=_at(d[4], 7, 45),
        pickup_location="La Posada Hotel lobby",
    )
    coordinator = program.coordinator
    # Requests sent while the program was planned; one was answered (accepted), the other waits for its answer.
    _request(
        district_attorney,
        sent=_at(arrival - dt.timedelta(days=12), 10),
        deadline=_at(arrival - dt.timedelta(days=5), 17),
        user=coordinator,
        answer=(meeting_requests.Answer.ACCEPT, _at(arrival - dt.timedelta(days=9), 15, 20)),
        note="Glad to host the group. Please send the list of participants 48 hours ahead for security.",
    )
    _request(legal_aid, sent=_at(today, 7, 30), deadline=_at(d[2], 17), user=coordinator)
    _san_antonio_hospitality(program, san_antonio, people, d, now=_at(today, 8))
    return program


def _load_st_louis(council, today):
    sponsor, _ = Sponsor.objects.get_or_create(council=council, name="U.S. Department of State, IVLP")
    existing = Program.objects.filter(council=council, sponsor_reference="E/VRC-2019-0920").first()
    if existing:
        arrival = existing.arrival_date
    else:
        arrival = today + dt.timedelta(days=14)
        arrival += dt.timedelta(days=(5 - arrival.weekday()) % 7)  # arrives late on a Saturday
    program, _ = Program.objects.get_or_create(
        council=council,
        sponsor_reference="E/VRC-2019-0920",
        defaults={
            "title": "Combating Trafficking in Persons",
            "sponsor": sponsor,
            "program_officer_name": "Daniel Ortega",
            "program_officer_email": "daniel.ortega@example.gov",
            "theme": "Combating trafficking in persons",
            "objectives": "Meet the networks that connect survivors to care; see how media and coalitions raise "
            "public awareness.",
            "arrival_date": arrival,
            "departure_date": arrival + dt.timedelta(days=4),
            "status": ProgramStatus.CONFIRMED,
            "has_home_hospitality": True,
            "accepted_on": today - dt.timedelta(days=30),
            "coordinator": council.memberships.first().user,
        },
    )
    hotel, _ = Hotel.objects.get_or_create(
        council=council,
        name="Union Station Hotel",
        defaults={"address": "1820 Market St, St. Louis, MO 63103", "city": "St. Louis", "phone": "+1 314 555 0123"},
    )
    stop, _ = Stop.objects.get_or_create(
        program=program,
        city="St. Louis",
        defaults={
            "region": "Missouri",
            "start_date": arrival,
            "end_date": arrival + dt.timedelta(days=4),
            "time_zone": CENTRAL,
            "hotel": hotel,
        },
    )
    people = _participants(program, ST_LOUIS_PARTICIPANTS)
    interpreter, _ = ProgramStaffMember.objects.get_or_create(
        program=program,
        name="Paulo Mendes",
        defaults={
            "role": ProgramStaffRole.INTERPRETER,
            "languages": "pt,es,en",
            "email": "paulo.mendes@example.com",
            "preferred_language": "pt",
            "phone": "+1 314 555 0177",
        },
    )
    orgs = _directory(council, ST_LOUIS_ORGS)
    d = [arrival + dt.timedelta(days=n) for n in range(5)]
    group = {"interpreter": interpreter}
    _item(
        program,
        stop,
        "Arrival and hotel check-in",
        _at(d[0], 21, 0),
        _at(d[0], 22, 30),
        ItemKind.TRAVEL,
        ItemStatus.CONFIRMED,
        pickup_location="St. Louis Lambert International Airport, Terminal 1",
    )
    _item(
        program,
        stop,
        "The Gateway Arch",
        _at(d[1], 9, 30),
        _at(d[1], 12, 0),
        ItemKind.CULTURAL,
        ItemStatus.CONFIRMED,
        orgs["Gateway Arch National Park"],
        visitor_notes="Tram tickets are reserved for 10:00.",
    )
    _item(
        program,
        stop,
        "Saint Louis Art Museum",
        _at(d[1], 13, 30),
        _at(d[1], 16, 0),
        ItemKind.CULTURAL,
        ItemStatus.CONFIRMED,
        orgs["Saint Louis Art Museum"],
    )
    _item(
        program,
        stop,
        "Human Trafficking Collaborative Network",
        _at(d[2], 9, 0),
        _at(d[2], 11, 30),
        ItemKind.MEETING,
        ItemStatus.CONFIRMED,
        orgs["Washington University Human Trafficking Collaborative Network"],
        topic="Health care, prosecution and hotlines: a university network and its partners",
        **group,
    )
    post_dispatch = _item(
        program,
        stop,
        "Reporting on trafficking at the Post-Dispatch",
        _at(d[2], 14, 0),
        _at(d[2], 15, 30),
        ItemKind.MEETING,
        ItemStatus.IDEA,  # requested below; the newsroom has not answered yet
        orgs["St. Louis Post-Dispatch"],
        **group,
    )
    _item(
        program,
        stop,
        "Gateway Human Trafficking and partners",
        _at(d[3], 9, 0),
        _at(d[3], 11, 30),
        ItemKind.MEETING,
        ItemStatus.CONFIRMED,
        orgs["Gateway Human Trafficking"],
        topic="Connecting victims to resources; U.S. citizens and foreign nationals",
        **group,
    )
    _item(
        program,
        stop,
        "Healing Action Network",
        _at(d[3], 13, 30),
        _at(d[3], 15, 0),
        ItemKind.MEETING,
        ItemStatus.CONFIRMED,
        orgs["Healing Action Network"],
        topic="Community awareness and survivor care",
        **group,
    )

    _request(
        post_dispatch,
        sent=_at(today, 7, 45),
        deadline=_at(arrival - dt.timedelta(days=5), 17),
        user=program.coordinator,
    )
    volunteers = _volunteers(council, ST_LOUIS_VOLUNTEERS, vetted_on=today - dt.timedelta(days=200))
    if not HospitalitySlot.objects.filter(program=program).exists():
        # Invited a week after acceptance; two households accepted, one declined, one has not answered yet.
        slot = _save_slot(
            program,
            stop,
            day=d[1],
            start="18:00",
            end="21:00",
            guests_per_host=3,
            hosts_needed=3,
            meeting_point="Union Station Hotel lobby, 17:40",
            deadline=d[0] - dt.timedelta(days=7),
        )
        invitations = hospitality.invite(slot=slot, volunteers=volunteers[:4])
        answered = _at(today, 7)
        for invitation, guests in zip(invitations[:2], (people[0:3], people[3:6]), strict=True):
            hospitality.accept(invitation=invitation, note="Happy to host!", now=answered)
            hospitality.assign_guests(invitation=invitation, participants=guests)
        hospitality.decline(invitation=invitations[3], note="We are travelling that weekend.", now=answered)
    return program


def _load_past_program(council, today):
    """Last autumn's delegation: completed; the council thanked its hosts (their meetings are thanked) and one host
    answered the feedback survey."""
    existing = Program.objects.filter(council=council, sponsor_reference=PAST_REFERENCE).first()
    if existing:
        return existing
    arrival = dt.date(today.year - 1, 10, 5)
    arrival += dt.timedelta(days=(0 - arrival.weekday()) % 7)  # a Monday of October last year
    sponsor, _ = Sponsor.objects.get_or_create(council=council, name="U.S. Department of State, IVLP")
    coordinator = council.memberships.first().user
    program = Program.objects.create(
        council=council,
        sponsor_reference=PAST_REFERENCE,
        title="Combating Trafficking in Persons: Migration and Transport Routes",
        sponsor=sponsor,
        program_officer_name="Karen Mills",
        program_officer_email="karen.mills@example.gov",
        theme="Combating trafficking in persons",
        objectives="See how a border city's services and the transport industry recognise and help victims.",
        arrival_date=arrival,
        departure_date=arrival + dt.timedelta(days=2),
        status=ProgramStatus.COMPLETED,
        accepted_on=arrival - dt.timedelta(days=45),
        coordinator=coordinator,
    )
    stop = Stop.objects.create(
        program=program,
        city="San Antonio",
        region="Texas",
        start_date=arrival,
        end_date=arrival + dt.timedelta(days=2),
        time_zone=CENTRAL,
    )
    _participants(program, PAST_PARTICIPANTS)
    orgs = _directory(council, PAST_ORGS)
    d = [arrival + dt.timedelta(days=n) for n in range(3)]
    _item(
        program,
        stop,
        "Welcome briefing at the council",
        _at(d[0], 17),
        _at(d[0], 18),
        ItemKind.BRIEFING,
        ItemStatus.CONFIRMED,
    )
    _item(
        program,
        stop,
        "Migrant Resource Center: serving migrants on their way",
        _at(d[1], 9, 30),
        _at(d[1], 11, 0),
        ItemKind.MEETING,
        ItemStatus.CONFIRMED,
        orgs["City of San Antonio, Migrant Resource Center"],
        topic="Coordinating shelter, transport and legal information for migrants passing through the city",
    )
    _item(
        program,
        stop,
        "Truckers Against Trafficking: training drivers to recognise victims",
        _at(d[1], 14, 0),
        _at(d[1], 15, 30),
        ItemKind.MEETING,
        ItemStatus.CONFIRMED,
        orgs["Truckers Against Trafficking"],
        topic="Training transport operators and road inspectors along the routes between Mexico and the U.S.",
    )
    sync_checklist(program)
    # Within three days of departure: the thank-yous (the hosted meetings become thanked) and a host's survey.
    send_thank_yous(program=program, user=coordinator, now=_at(d[2], 17))
    record_feedback(
        program=program,
        respondent_type=RespondentType.CONTACT,
        respondent=Contact.objects.get(organization=orgs["Truckers Against Trafficking"], name="Kaylla Lanier"),
        rating=Rating.EXCELLENT,
        comments="The visitors' questions about cross-border routes were the best we have had. Count us in again.",
        would_host_again=True,
    )
    _tick_tasks(program, until=d[2] + dt.timedelta(days=3))
    return program


def _queue_digest(program):
    """The coordinator's digest of the program, queued now; what it says is rendered again when it is sent."""
    for recipient in digest.coordinators(program):
        digest.queue_digest(program=program, recipient=recipient, dedupe_key=f"demo-digest:{program.pk}")


def _tick_tasks(program, *, until):
    for task in program.tasks.filter(done_at__isnull=True, due_date__lte=until):
        task.done_at = dt.datetime.combine(task.due_date, dt.time(17), tzinfo=zoneinfo.ZoneInfo(CENTRAL))
        task.done_by = program.coordinator
        task.save(update_fields=["done_at", "done_by"])


def _email_personal_links(program):
    """Each visitor of the program gets their personal link, once: the day of the message is the arrival day."""
    sent_on = dt.datetime.combine(program.arrival_date, dt.time(9), tzinfo=zoneinfo.ZoneInfo(CENTRAL))
    for participant in program.participants.order_by("pk"):
        email_personal_link(holder=participant, now=sent_on)


@transaction.atomic
def load_demo(*, today=None):
    today = today or timezone.localdate(timezone=zoneinfo.ZoneInfo(CENTRAL))
    san_antonio = _council("saciv", "San Antonio Council for International Visitors", "San Antonio")
    st_louis = _council("stl-civ", "St. Louis Council for International Visitors", "St. Louis")
    _staff(san_antonio, "coordinator", "Maya", "Lopez", StaffRole.COORDINATOR)
    _staff(san_antonio, "council-admin", "Robert", "Hale", StaffRole.ADMIN)
    _staff(st_louis, "stl-coordinator", "Grace", "Kim", StaffRole.COORDINATOR)
    for council in (san_antonio, st_louis):
        seed_default_template(council)
    programs = [_load_san_antonio(san_antonio, today), _load_st_louis(st_louis, today)]
    for program in programs:
        sync_checklist(program)
        _queue_digest(program)
    past = _load_past_program(san_antonio, today)
    # The council has kept up with its checklist: in San Antonio everything due before arrival is done, in
    # St. Louis what fell due in the three weeks after acceptance.
    _tick_tasks(programs[0], until=programs[0].arrival_date - dt.timedelta(days=1))
    _tick_tasks(programs[1], until=programs[1].accepted_on + dt.timedelta(days=21))
    _email_personal_links(programs[0])
    # One delegation, two councils: the San Antonio program is the first city of an agency's national program.
    load_journey(
        san_antonio_program=programs[0],
        st_louis=st_louis,
        st_louis_user=st_louis.memberships.first().user,
        password=DEMO_PASSWORD,
    )
    # Most rows are saved one by one (their signals move the version) but not all, e.g. a slot's host counter.
    for council in (san_antonio, st_louis):
        note_change(council.pk)
    return ", ".join(f"{p.title} ({p.arrival_date:%Y-%m-%d}, {p.items.count()} items)" for p in [*programs, past])
