from django.http import HttpResponse
from django.utils.text import slugify

from councils.access import get_for_council, staff_required
from programs import book
from programs.models import Program


def _program(request, program_id):
    return get_for_council(
        Program.objects.select_related("sponsor", "council", "coordinator"), request.council, pk=program_id
    )


@staff_required
def book_html(request, program_id):
    program = _program(request, program_id)
    return HttpResponse(book.render_book_html(program, request=request))


@staff_required
def book_pdf(request, program_id):
    program = _program(request, program_id)
    response = HttpResponse(book.render_book_pdf(program), content_type="application/pdf")
    filename = f"{slugify(program.title)[:60] or 'program'}-{program.arrival_date:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
