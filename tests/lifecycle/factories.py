import factory

from lifecycle.enums import TaskAnchor
from lifecycle.models import ChecklistTemplate, ProgramTask, TemplateTask
from programs.enums import ProgramType
from tests.factories import CouncilFactory, ProgramFactory


class ChecklistTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistTemplate
        django_get_or_create = ("council", "program_type")

    council = factory.SubFactory(CouncilFactory)
    program_type = ProgramType.IVLP


class TemplateTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateTask

    template = factory.SubFactory(ChecklistTemplateFactory)
    title = factory.Sequence(lambda n: f"Template task {n}")
    anchor = TaskAnchor.ARRIVAL
    offset_days = -14


class ProgramTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramTask

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Task {n}")
