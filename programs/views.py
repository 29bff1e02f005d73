from django.shortcuts import render

from councils.access import staff_required
from programs.queries import programs_for_council


@staff_required
def home(request):
    programs = programs_for_council(request.council)
    return render(request, "programs/home.html", {"programs": programs})
