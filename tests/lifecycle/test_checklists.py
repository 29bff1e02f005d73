import datetime as dt
import zoneinfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lifecycle.defaults import DEFAULT_IVLP_TASKS
from lifecycle.enums import TaskAnchor
from lifecycle.models import ChecklistTemplate, ProgramTask, TemplateTask
from lifecycle.services import complete_task, sync_checklist
from programs.enums import ProgramStatus, ProgramType
from tests.factories import ProgramFactory
from tests.lifecycle.factories import ChecklistTemplateFactory, ProgramTaskFactory, TemplateTaskFactory

pytestmark = pytest.mark.django_db

ARRIVAL = dt.date(2027, 3, 1)


@pytest.fixture
def template(council):
    template = ChecklistTemplateFactory(council=council, program_type=ProgramType.IVLP)
    TemplateTaskFactory(template=template, title="Ask the hotel", anchor=TaskAnchor.ACCEPTANCE, offset_days=0)
    TemplateTaskFactory(template=template, title="Send meeting requests", anchor=TaskAnchor.ARRIVAL, offset_days=-38)
    TemplateTaskFactory(template=template, title="Thank hosts", anchor=TaskAnchor.DEPARTURE, offset_days=3)
    TemplateTaskFactory(
        template=template, title="Bios to dinner hosts", offset_days=-14, only_with_home_hospitality=True
    )
    return template


def _tasks(program):
    return {task.title: task.due_date for task in ProgramTask.objects.filter(program=program)}


def test_new_program_gets_its_types_tasks_with_due_dates_from_its_dates(council, template):
    program = ProgramFactory(
        council=council, arrival_date=ARRIVAL, departure_date=dt.date(2027, 3, 6), accepted_on=dt.date(2027, 1, 4)
    )

    sync_checklist(program)

    assert _tasks(program) == {
        "Ask the hotel": dt.date(2027, 1, 4),
        "Send meeting requests": dt.date(2027, 1, 22),
        "Thank hosts": dt.date(2027, 3, 9),
    }


def test_due_dates_move_when_the_arrival_date_moves(council, template):
    program = ProgramFactory(council=council, arrival_date=ARRIVAL, departure_date=dt.date(2027, 3, 6))
    sync_checklist(program)

    program.arrival_date = dt.date(2027, 3, 8)
    program.departure_date = dt.date(2027, 3, 13)
    program.save()
    sync_checklist(program)

    assert _tasks(program) == {
        "Ask the hotel": None,
        "Send meeting requests": dt.date(2027, 1, 29),
        "Thank hosts": dt.date(2027, 3, 16),
    }


def test_done_tasks_and_tasks_added_by_staff_keep_their_dates(council, template, staff):
    program = ProgramFactory(council=council, arrival_date=ARRIVAL, departure_date=dt.date(2027, 3, 6))
    sync_checklist(program)
    complete_task(task=program.tasks.get(title="Send meeting requests"), user=staff)
    ProgramTaskFactory(program=program, title="Order name badges", due_date=dt.date(2027, 2, 20))

    program.arrival_date = dt.date(2027, 3, 8)
    program.departure_date = dt.date(2027, 3, 13)
    program.save()
    sync_checklist(program)

    tasks = _tasks(program)
    assert tasks["Send meeting requests"] == dt.date(2027, 1, 22)
    assert tasks["Order name badges"] == dt.date(2027, 2, 20)
    assert tasks["Thank hosts"] == dt.date(2027, 3, 16)


@pytest.mark.parametrize(("has_home_hospitality", "expected"), [(True, True), (False, False)])
def test_home_hospitality_tasks_only_when_the_program_has_it(council, template, has_home_hospitality, expected):
    program = ProgramFactory(council=council, has_home_hospitality=has_home_hospitality)

    sync_checklist(program)

    assert ("Bios to dinner hosts" in _tasks(program)) is expected


def test_dropping_home_hospitality_removes_its_open_task(council, template):
    program = ProgramFactory(council=council, has_home_hospitality=True)
    sync_checklist(program)

    program.has_home_hospitality = False
    program.save()
    sync_checklist(program)

    assert "Bios to dinner hosts" not in _tasks(program)


def test_a_program_of_another_type_gets_none_of_these_tasks(council, template):
    program = ProgramFactory(council=council, program_type=ProgramType.OTHER)

    sync_checklist(program)

    assert _tasks(program) == {}


def test_syncing_twice_adds_nothing(council, template):
    program = ProgramFactory(council=council)
    sync_checklist(program)

    sync_checklist(program)

    assert ProgramTask.objects.filter(program=program).count() == 3


def test_seed_command_gives_each_council_the_default_ivlp_checklist(council):
    program = ProgramFactory(council=council, has_home_hospitality=True, accepted_on=dt.date(2027, 1, 4))

    call_command("seed_checklists", council.slug)
    call_command("seed_checklists", council.slug)

    assert TemplateTask.objects.filter(template__council=council).count() == len(DEFAULT_IVLP_TASKS)
    assert program.tasks.count() == len(DEFAULT_IVLP_TASKS)
    assert program.tasks.get(title="Send preliminary meeting requests").due_date == dt.date(2027, 1, 22)


def test_staff_tick_off_a_task(staff_client, staff, council, template):
    program = ProgramFactory(council=council)
    sync_checklist(program)
    task = program.tasks.get(title="Thank hosts")

    response = staff_client.post(reverse("lifecycle:complete", kwargs={"task_id": task.pk}))

    task.refresh_from_db()
    assert response.url == reverse("lifecycle:checklist", kwargs={"program_id": program.pk})
    assert task.done_by == staff
    assert task.done_at is not None


def test_staff_reopen_a_done_task(staff_client, staff, council):
    task = ProgramTaskFactory(program=ProgramFactory(council=council))
    complete_task(task=task, user=staff)

    staff_client.post(reverse("lifecycle:reopen", kwargs={"task_id": task.pk}))

    task.refresh_from_db()
    assert (task.done_at, task.done_by) == (None, None)


def test_staff_add_their_own_task(staff_client, council):
    program = ProgramFactory(council=council)

    staff_client.post(
        reverse("lifecycle:checklist", kwargs={"program_id": program.pk}),
        {"title": "Book the River Walk boat", "due_date": "2027-02-20"},
    )

    task = program.tasks.get()
    assert (task.title, task.due_date, task.template_task) == ("Book the River Walk boat", dt.date(2027, 2, 20), None)


def test_adding_a_task_without_a_title_shows_the_error(staff_client, council):
    program = ProgramFactory(council=council)

    response = staff_client.post(reverse("lifecycle:checklist", kwargs={"program_id": program.pk}), {"title": ""})

    assert "This field is required." in response.content.decode()
    assert program.tasks.count() == 0


def test_due_this_week_lists_open_tasks_of_running_programs_only(staff_client, council, other_council):
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(council.time_zone))
    monday = today - dt.timedelta(days=today.weekday())
    running = ProgramFactory(council=council, title="Running")
    completed = ProgramFactory(council=council, title="Completed", status=ProgramStatus.COMPLETED)
    foreign = ProgramFactory(council=other_council, title="Foreign")
    ProgramTaskFactory(program=running, title="Overdue", due_date=monday - dt.timedelta(days=1))
    ProgramTaskFactory(program=running, title="Sunday", due_date=monday + dt.timedelta(days=6))
    ProgramTaskFactory(program=running, title="Next Monday", due_date=monday + dt.timedelta(days=7))
    ProgramTaskFactory(program=running, title="Done", due_date=monday, done_at=timezone.now())
    ProgramTaskFactory(program=completed, title="Of a completed program", due_date=monday)
    ProgramTaskFactory(program=foreign, title="Of another council", due_date=monday)

    response = staff_client.get(reverse("lifecycle:due"))

    assert [task.title for task in response.context["due_tasks"]] == ["Overdue", "Sunday"]
    assert "overdue" in response.content.decode()


@pytest.mark.parametrize("size", [1, 6])
def test_due_this_week_page_keeps_its_query_count(staff_client, council, django_assert_num_queries, size):
    for _ in range(size):
        ProgramTaskFactory.create_batch(2, program=ProgramFactory(council=council), due_date=timezone.localdate())

    # session, user (with council), tasks with their programs
    with django_assert_num_queries(3):
        response = staff_client.get(reverse("lifecycle:due"))

    assert len(response.context["due_tasks"]) == 2 * size


@pytest.mark.parametrize("size", [1, 8])
def test_checklist_page_keeps_its_query_count(staff_client, staff, council, django_assert_num_queries, size):
    program = ProgramFactory(council=council)
    for task in ProgramTaskFactory.create_batch(size, program=program, due_date=dt.date(2027, 2, 1)):
        complete_task(task=task, user=staff)

    # session, user (with council), program, tasks with who ticked them off, the program's stops (whose clock
    # the times are shown on)
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("lifecycle:checklist", kwargs={"program_id": program.pk}))

    assert response.content.decode().count("Done by") == size


def _template_post(formset):
    """The edit form as the browser would send it back unchanged."""
    data = {
        "tasks-TOTAL_FORMS": str(len(formset.forms)),
        "tasks-INITIAL_FORMS": str(formset.initial_form_count()),
        "tasks-MIN_NUM_FORMS": "0",
        "tasks-MAX_NUM_FORMS": "1000",
    }
    for index, form in enumerate(formset.forms):
        task = form.instance
        data.update(
            {
                f"tasks-{index}-id": task.pk or "",
                f"tasks-{index}-title": task.title,
                f"tasks-{index}-anchor": task.anchor,
                f"tasks-{index}-offset_days": task.offset_days,
                f"tasks-{index}-message": task.message,
            }
        )
        if task.only_with_home_hospitality:
            data[f"tasks-{index}-only_with_home_hospitality"] = "on"
    return data


def _form_index(formset, title):
    return next(i for i, form in enumerate(formset.forms) if form.instance.title == title)


def test_council_admin_edits_the_template_and_running_programs_follow(council_admin_client, council, template):
    program = ProgramFactory(council=council)
    sync_checklist(program)
    url = reverse("lifecycle:edit_template", kwargs={"program_type": "ivlp"})
    formset = council_admin_client.get(url).context["formset"]
    data = _template_post(formset)
    data[f"tasks-{_form_index(formset, 'Send meeting requests')}-offset_days"] = "-42"
    new = formset.initial_form_count()
    data.update(
        {f"tasks-{new}-title": "Order welcome kits", f"tasks-{new}-anchor": "arrival", f"tasks-{new}-offset_days": "-7"}
    )

    response = council_admin_client.post(url, data)

    assert response.url == reverse("lifecycle:templates")
    assert _tasks(program)["Send meeting requests"] == dt.date(2027, 1, 18)
    assert _tasks(program)["Order welcome kits"] == dt.date(2027, 2, 22)


def test_deleting_a_template_task_removes_its_open_tasks_but_keeps_done_ones(council_admin_client, council, template):
    open_program, done_program = ProgramFactory(council=council), ProgramFactory(council=council)
    for program in (open_program, done_program):
        sync_checklist(program)
    complete_task(task=done_program.tasks.get(title="Thank hosts"), user=None)
    url = reverse("lifecycle:edit_template", kwargs={"program_type": "ivlp"})
    formset = council_admin_client.get(url).context["formset"]
    data = _template_post(formset)
    data[f"tasks-{_form_index(formset, 'Thank hosts')}-DELETE"] = "on"

    council_admin_client.post(url, data)

    assert "Thank hosts" not in _tasks(open_program)
    assert "Thank hosts" in _tasks(done_program)


def test_a_coordinator_cannot_edit_templates(staff_client):
    response = staff_client.get(reverse("lifecycle:edit_template", kwargs={"program_type": "ivlp"}))

    assert response.status_code == 403


def test_saving_a_program_in_the_admin_syncs_its_checklist(admin_client, council, template):
    program = ProgramFactory(council=council, arrival_date=ARRIVAL, departure_date=dt.date(2027, 3, 6))
    url = reverse("admin:programs_program_change", args=[program.pk])
    data = {
        "council": council.pk,
        "title": program.title,
        "program_type": "ivlp",
        "sponsor": program.sponsor_id,
        "arrival_date": "2027-03-08",
        "departure_date": "2027-03-13",
        "status": program.status,
        "stops-TOTAL_FORMS": "0",
        "stops-INITIAL_FORMS": "0",
        "stops-MIN_NUM_FORMS": "0",
        "stops-MAX_NUM_FORMS": "1000",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert _tasks(program)["Send meeting requests"] == dt.date(2027, 1, 29)


@pytest.mark.parametrize("size", [2, 10])
def test_template_edit_page_keeps_its_query_count(council_admin_client, council, django_assert_num_queries, size):
    template = ChecklistTemplateFactory(council=council)
    TemplateTaskFactory.create_batch(size, template=template)

    # session, user (with council), template, its tasks
    with django_assert_num_queries(4):
        response = council_admin_client.get(reverse("lifecycle:edit_template", kwargs={"program_type": "ivlp"}))

    assert len(response.context["formset"].forms) == size + 2


def _program_post(**changes):
    data = {
        "title": "Combating Trafficking in Persons",
        "program_type": "ivlp",
        "status": "planning",
        "arrival_date": "2027-03-01",
        "departure_date": "2027-03-06",
        "stops-TOTAL_FORMS": "0",
        "stops-INITIAL_FORMS": "0",
        "stops-MIN_NUM_FORMS": "0",
        "stops-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def test_a_program_created_and_moved_on_the_program_pages_follows_its_checklist(staff_client, council, template):
    staff_client.post(reverse("programs:program_new"), _program_post())
    program = council.programs.get()
    created = _tasks(program)

    staff_client.post(
        reverse("programs:program_edit", kwargs={"program_id": program.pk}),
        _program_post(arrival_date="2027-03-08", departure_date="2027-03-13"),
    )

    assert created["Send meeting requests"] == dt.date(2027, 1, 22)
    assert _tasks(program)["Send meeting requests"] == dt.date(2027, 1, 29)


def test_a_council_admin_writes_the_first_checklist_of_a_program_type(council_admin_client, council):
    url = reverse("lifecycle:edit_template", kwargs={"program_type": "other"})
    page = council_admin_client.get(url)
    data = _template_post(page.context["formset"])
    data.update({"tasks-0-title": "Book the welcome dinner", "tasks-0-anchor": "arrival", "tasks-0-offset_days": "-10"})

    council_admin_client.post(url, data)

    assert list(TemplateTask.objects.filter(template__council=council).values_list("title", "offset_days")) == [
        ("Book the welcome dinner", -10)
    ]
    assert not ChecklistTemplate.objects.filter(council=council, program_type="ivlp").exists()
