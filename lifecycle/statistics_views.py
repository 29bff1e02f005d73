import zoneinfo

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from councils.access import staff_required
from exchange import csv_safe
from lifecycle.forms import StatisticsFilterForm
from lifecycle.impact import compute, programs_in_year
from programs.models import Program


def _scope(request):
    """(form, file label, programs): one program (``?program=``) or one year (``?year=``, this year by default).

    A program of another council is not a choice of the form: the page is then not found, as for any other
    object of another council.
    """
    form = StatisticsFilterForm(request.GET or None, council=request.council)
    if form.is_bound and not form.is_valid():
        if "program" in form.errors:
            raise Http404
        form = StatisticsFilterForm(council=request.council)
    data = form.cleaned_data if form.is_bound else {}
    if data.get("program"):
        program = data["program"]
        return form, f"program-{program.pk}", Program.objects.filter(pk=program.pk)
    year = data.get("year") or timezone.localdate(timezone=zoneinfo.ZoneInfo(request.council.time_zone)).year
    return form, str(year), programs_in_year(request.council, year)


@staff_required
def statistics(request):
    form, label, programs = _scope(request)
    figures = compute(request.council, programs)
    return render(
        request,
        "lifecycle/statistics.html",
        {
            "figures": figures,
            "label": label,
            "chart_data": figures.chart_data(),
            "form": form,
            "query": request.GET.urlencode(),
            "time_zone": request.council.time_zone,
        },
    )


@staff_required
def statistics_csv(request):
    _form, label, programs = _scope(request)
    figures = compute(request.council, programs)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistics-{label}.csv"'
    writer = csv_safe.writer(response)  # program titles, countries and cities are typed by people: no formulas
    writer.writerow(["figure", "key", "value"])
    writer.writerows(figures.rows())
    return response
