"""The coordinators' import page: upload a CSV or Excel sheet of challenges or organisations,
see every row checked (a dry run that is rolled back), then import all of them or none.

Between preview and import the rows travel signed (``django.core.signing``) in the form, so
the import runs on exactly the rows that were previewed and nothing is stored meanwhile."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from core import organisation_import
from core import permissions as network_permissions
from core.exceptions import DomainError
from core.sheets import read_rows

from . import challenge_import, permissions

KINDS = {
    "challenges": (challenge_import.COLUMNS, challenge_import.challenges_import),
    "organisations": (organisation_import.COLUMNS, organisation_import.organisations_import),
}
SALT = "workflows.import"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the sheet lists"),
        choices=[("challenges", gettext_lazy("Challenges")),
                 ("organisations", gettext_lazy("Organisations"))],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=gettext_lazy("CSV or Excel file (.csv, .xlsx)"),
        help_text=gettext_lazy("The first row names the columns; see the list below."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_sheet(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (permissions.can_import_challenges(user)
            and network_permissions.can_admit_organisation(user)):
        raise Http404()
    report, payload, kind, status = None, "", None, 200
    form = UploadForm()
    if request.method == "POST" and request.POST.get("payload"):
        try:
            data = signing.loads(request.POST["payload"], salt=SALT, max_age=3600)
            kind, rows = data["kind"], data["rows"]
            _columns, run = KINDS[kind]
        except (signing.BadSignature, KeyError, TypeError):
            messages.error(request, _("The preview has expired. Please upload the file again."))
            return redirect("import-sheet")
        try:
            report = run(actor=user, rows=rows, commit=True)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("import-sheet")
        if report.committed:
            n = len(report.rows)
            messages.success(
                request, ngettext("%(n)d row imported.", "%(n)d rows imported.", n) % {"n": n}
            )
            return redirect("import-sheet")
        payload, status = request.POST["payload"], 400
        messages.error(request, _("Nothing was imported: some rows have errors."))
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            columns, run = KINDS[kind]
            upload = form.cleaned_data["file"]
            try:
                rows = read_rows(upload.name, upload.read(), columns)
                report = run(actor=user, rows=rows, commit=False)
            except DomainError as exc:
                for error in exc.fields.get("file", [exc.message]):
                    form.add_error("file", error)
                status = 400
            else:
                if not report.error_count:
                    payload = signing.dumps({"kind": kind, "rows": rows}, salt=SALT, compress=True)
                else:
                    status = 400
        else:
            status = 400
    columns = {name: list(KINDS[name][0]) for name in KINDS}
    return render(
        request,
        "workflows/import.html",
        {"form": form, "report": report, "payload": payload, "kind": kind,
         "columns": columns, "header": list(KINDS[kind][0]) if kind else []},
        status=status,
    )
