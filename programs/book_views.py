from django.http import HttpResponse
from django.utils import translation
from django.utils.text import slugify

from councils.access import get_for_council, staff_required
from programs import book
from programs.book_forms import BookOptionsForm
from programs.models import Program


def _program(request, program_id):
    return get_for_council(
        Program.objects.select_related("sponsor", "council", "coordinator"), request.council, pk=program_id
    )


def _language(request):
    form = BookOptionsForm(request.GET)
    if form.is_valid() and form.cleaned_data["language"]:
        return form.cleaned_data["language"]
    return translation.get_language()


@staff_required
def book_html(request, program_id):
    program = _program(request, program_id)
    with translation.override(_language(request)):
        return HttpResponse(book.render_book_html(program, request=request))


@staff_required
def book_pdf(request, program_id):
    program = _program(request, program_id)
    response = HttpResponse(book.render_book_pdf(program, language=_language(request)), content_type="application/pdf")
    filename = f"{slugify(program.title)[:60] or 'program'}-{program.arrival_date:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
