from django import forms
from django.utils.translation import gettext_lazy as _

from lifecycle.enums import Rating
from lifecycle.models import ChecklistTemplate, TemplateTask, WeeklySponsorUpdate
from programs.models import Program


class TaskForm(forms.Form):
    """A task staff add to one program by hand."""

    title = forms.CharField(label=_("Task"), max_length=200)
    due_date = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class TemplateTaskForm(forms.ModelForm):
    class Meta:
        model = TemplateTask
        fields = ["title", "anchor", "offset_days", "only_with_home_hospitality", "message"]


TemplateTaskFormSet = forms.inlineformset_factory(
    ChecklistTemplate,
    TemplateTask,
    form=TemplateTaskForm,
    extra=2,
    can_delete=True,
)


class NoteForm(forms.Form):
    """A personal note added on top of a prepared message."""

    note = forms.CharField(
        label=_("Personal note (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PublishForm(NoteForm):
    note = forms.CharField(
        label=_("Note to the program officer (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WeeklyUpdateForm(forms.ModelForm):
    class Meta:
        model = WeeklySponsorUpdate
        fields = ["active", "weekday"]
        labels = {"active": _("Send the program officer a weekly update")}


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comments"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did it go?"), choices=Rating.choices, coerce=int, widget=forms.RadioSelect
    )
    comments = forms.CharField(
        label=_("Anything we should know?"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    would_host_again = forms.BooleanField(label=_("I would host visitors again"), required=False, initial=True)


class StatisticsFilterForm(forms.Form):
    """One program, or one year of the council's programs (this year when neither is given)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none(), required=False)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(council=council).order_by("-arrival_date")
