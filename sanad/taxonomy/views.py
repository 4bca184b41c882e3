"""The definitions pages: browse (everyone signed in), versions, draft editing, publication,
comparison, import and export (national administrators write). Thin: services and selectors do
the work, the access policy decides."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanad.access.actor import Actor, actor_from_request
from sanad.access.policy import Denied, can, require
from sanad.taxonomy import files, selectors, services
from sanad.taxonomy.checks import Problem, VersionRefused
from sanad.taxonomy.comparison import compare
from sanad.taxonomy.content import RecodeData, content_of
from sanad.taxonomy.forms import CodeForm, DraftForm, ImportForm, MergeForm, RenameForm
from sanad.taxonomy.models import Code, CodeList, DefinitionVersion, VersionStatus
from sanad.taxonomy.reference import GBVIMS_TYPES, ICCS_CODES

View = Callable[..., HttpResponse]


def _denied_is_403(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Denied:
            return render(request, "403.html", status=403)

    return login_required(wrapper)


def _list_param(request: HttpRequest, key: str = "list") -> str:
    value = request.GET.get(key) or CodeList.VIOLENCE_TYPE
    return value if value in CodeList.values else CodeList.VIOLENCE_TYPE


def _managed_draft(actor: Actor, number: int) -> DefinitionVersion:
    require(actor, "definitions.manage")
    version = selectors.version_get(actor=actor, number=number, action="definitions.manage")
    if version.status != VersionStatus.DRAFT:
        raise Http404
    return version


def _draft_url(version: DefinitionVersion, code_list: str) -> str:
    return f"{reverse('definitions-draft', args=[version.number])}?list={code_list}"


def _show_problems(request: HttpRequest, problems: list[Problem]) -> None:
    for problem in problems:
        messages.error(request, f"{problem.where} — {problem.ar} / {problem.en}")


@_denied_is_403
def browse(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "definitions.browse")
    versions = list(selectors.published_versions(actor=actor))
    number = request.GET.get("version")
    version = next((v for v in versions if str(v.number) == number), versions[0] if versions else None)
    code_list = _list_param(request)
    codes = list(selectors.codes_of(version, code_list)) if version is not None else []
    return render(
        request,
        "taxonomy/browse.html",
        {
            "versions": versions,
            "version": version,
            "code_list": code_list,
            "code_list_label": CodeList(code_list).label,
            "lists": CodeList.choices,
            "codes": codes,
            "gbvims": GBVIMS_TYPES,
            "iccs": ICCS_CODES,
            "may_manage": can(actor, "definitions.manage"),
        },
    )


@_denied_is_403
def version_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "definitions.browse")
    may_manage = can(actor, "definitions.manage")
    versions = selectors.version_list(actor=actor, action="definitions.manage" if may_manage else "definitions.browse")
    if not may_manage:
        versions = versions.filter(status=VersionStatus.PUBLISHED)
    return render(
        request,
        "taxonomy/versions.html",
        {"versions": list(versions), "may_manage": may_manage, "draft_form": DraftForm()},
    )


@require_POST
@_denied_is_403
def draft_new(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    form = DraftForm(request.POST)
    if not form.is_valid():
        return redirect("definitions-versions")
    try:
        version = services.draft_create(actor=actor, notes=form.cleaned_data["notes"])
    except VersionRefused as refused:
        _show_problems(request, refused.problems)
        return redirect("definitions-versions")
    messages.success(
        request, _("Draft version %(number)s was created from the current version.") % {"number": version.number}
    )
    return redirect("definitions-draft", number=version.number)


def _codes_choices(version: DefinitionVersion | None, code_list: str) -> list[tuple[str, str]]:
    if version is None:
        return []
    return [(c.code, f"{c.code} · {c.label}") for c in selectors.codes_of(version, code_list)]


def _draft_context(actor: Actor, version: DefinitionVersion, code_list: str, **forms: Any) -> dict[str, Any]:
    codes = _codes_choices(version, code_list)
    earlier = _codes_choices(version.recodes_from, code_list)
    return {
        "version": version,
        "code_list": code_list,
        "code_list_label": CodeList(code_list).label,
        "lists": CodeList.choices,
        "codes": list(selectors.codes_of(version, code_list)),
        "recodes": list(selectors.recodes_of(version)),
        "problems": services.problems_of(version),
        "rename_form": forms.get("rename_form") or RenameForm(codes=codes),
        "merge_form": forms.get("merge_form") or MergeForm(codes=codes, earlier=earlier),
        "import_form": forms.get("import_form") or ImportForm(),
    }


@_denied_is_403
def draft_edit(request: HttpRequest, number: int) -> HttpResponse:
    actor = actor_from_request(request)
    version = _managed_draft(actor, number)
    return render(request, "taxonomy/draft.html", _draft_context(actor, version, _list_param(request)))


@_denied_is_403
def code_form(request: HttpRequest, number: int, code_list: str, code: str | None = None) -> HttpResponse:
    actor = actor_from_request(request)
    version = _managed_draft(actor, number)
    if code_list not in CodeList.values:
        raise Http404
    existing = Code.objects.filter(version=version, list=code_list, code=code).first() if code else None
    if code and existing is None:
        raise Http404
    initial = {"order": 0, "active": True}
    if existing is not None:
        initial = {name: getattr(existing, name) for name in CodeForm.base_fields}
    form = CodeForm(request.POST or None, initial=initial, code_list=code_list)
    if existing is not None:
        # Changing a code is a rename, with a recode; this form changes everything but the code.
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        national = existing.national if existing is not None else True
        try:
            services.code_save(actor=actor, version=version, data=form.to_data(national=national), original=code)
        except VersionRefused as refused:
            _show_problems(request, refused.problems)
        else:
            messages.success(request, _("The code was saved in the draft."))
            return redirect(_draft_url(version, code_list))
    return render(
        request,
        "taxonomy/code_form.html",
        {
            "form": form,
            "version": version,
            "code_list": code_list,
            "code_list_label": CodeList(code_list).label,
            "existing": existing,
        },
    )


@require_POST
@_denied_is_403
def code_active(request: HttpRequest, number: int, code_list: str, code: str) -> HttpResponse:
    actor = actor_from_request(request)
    version = _managed_draft(actor, number)
    active = request.POST.get("active") == "1"
    services.code_set_active(actor=actor, version=version, code_list=code_list, code=code, active=active)
    messages.success(request, _("The code was brought back.") if active else _("The code was retired."))
    return redirect(_draft_url(version, code_list))


@require_POST
@_denied_is_403
def code_rename(request: HttpRequest, number: int, code_list: str) -> HttpResponse:
    actor = actor_from_request(request)
    version = _managed_draft(actor, number)
    form = RenameForm(request.POST, codes=_codes_choices(version, code_list))
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.code_rename(
                actor=actor,
                version=version,
                code_list=code_list,
                code=d["code"],
                new_code=d["new_code"],
                label_ar=d["label_ar"].strip(),
                label_en=d["label_en"].strip(),
            )
        except VersionRefused as refused:
            _show_problems(request, refused.problems)
        else:
            messages.success(
                request, _("The code was renamed; records coded under earlier versions are recoded to it.")
            )
            return redirect(_draft_url(version, code_list))
    context = _draft_context(actor, version, code_list, rename_form=form)
    return render(request, "taxonomy/draft.html", context, status=400)


@require_POST
@_denied_is_403
def code_merge(request: HttpRequest, number: int, code_list: str) -> HttpResponse:
    actor = actor_from_request(request)
    version = _managed_draft(actor, number)
    form = MergeForm(
        request.POST, codes=_codes_choices(version, code_list), earlier=_codes_choices(version.recodes_from, code_list)
    )
    if form.is_valid():
        d = form.cleaned_data
        services.recode_declare(
            actor=actor,
            version=version,
            data=RecodeData(list=code_list, from_code=d["from_code"], to_code=d["to_code"], kind=d["kind"]),
        )
        messages.success(request, _("The recode was declared."))
        return redirect(_draft_url(version, code_list))
    context = _draft_context(actor, version, code_list, merge_form=form)
    return render(request, "taxonomy/draft.html", context, status=400)


@require_POST
@_denied_is_403
def recode_remove(request: HttpRequest, number: int, code_list: str, from_code: str) -> HttpResponse:
    actor = actor_from_request(request)
    version = _managed_draft(actor, number)
    services.recode_remove(actor=actor, version=version, code_list=code_list, from_code=from_code)
    messages.success(request, _("The recode was removed."))
    return redirect(_draft_url(version, code_list))


@require_POST
@_denied_is_403
def draft_import(request: HttpRequest, number: int) -> HttpResponse:
    actor = actor_from_request(request)
    version = _managed_draft(actor, number)
    form = ImportForm(request.POST, request.FILES)
    code_list = _list_param(request)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        reader = files.read_json if upload.name.lower().endswith(".json") else files.read_csv
        content, problems = reader(data, upload.name)
        if problems:
            _show_problems(request, problems)
            messages.error(request, _("The file was refused; the draft is unchanged."))
        else:
            services.draft_replace(actor=actor, version=version, content=content, source=upload.name)
            messages.success(request, _("The file replaced the draft's content; check the problems before publishing."))
            return redirect(_draft_url(version, code_list))
    context = _draft_context(actor, version, code_list, import_form=form)
    return render(request, "taxonomy/draft.html", context, status=400)


@require_POST
@_denied_is_403
def draft_publish(request: HttpRequest, number: int) -> HttpResponse:
    actor = actor_from_request(request)
    version = _managed_draft(actor, number)
    try:
        services.version_publish(actor=actor, version=version)
    except VersionRefused as refused:
        messages.error(
            request,
            _("The version was not published: %(count)s problem(s), listed below.") % {"count": len(refused.problems)},
        )
        return redirect(_draft_url(version, _list_param(request)))
    messages.success(request, _("Version %(number)s is published.") % {"number": version.number})
    compare_url = reverse("definitions-compare")
    previous = version.recodes_from.number if version.recodes_from else version.number
    return redirect(f"{compare_url}?from={previous}&to={version.number}")


@require_POST
@_denied_is_403
def draft_discard(request: HttpRequest, number: int) -> HttpResponse:
    actor = actor_from_request(request)
    version = _managed_draft(actor, number)
    services.draft_discard(actor=actor, version=version)
    messages.success(request, _("The draft was discarded."))
    return redirect("definitions-versions")


def _readable(actor: Actor, number: int) -> DefinitionVersion:
    action = "definitions.manage" if can(actor, "definitions.manage") else "definitions.browse"
    return selectors.version_get(actor=actor, number=number, action=action)


@_denied_is_403
def export(request: HttpRequest, number: int, fmt: str) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "definitions.browse")
    if fmt not in ("csv", "json"):
        raise Http404
    version = _readable(actor, number)
    content = content_of(version)
    name = f"sanad-definitions-{version.country.code}-v{version.number}"
    if fmt == "json":
        response = HttpResponse(files.write_json(version, content), content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(files.write_csv(content), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@_denied_is_403
def compare_versions(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "definitions.browse")
    may_manage = can(actor, "definitions.manage")
    versions = list(
        selectors.version_list(actor=actor, action="definitions.manage" if may_manage else "definitions.browse")
    )
    if not may_manage:
        versions = [v for v in versions if v.status == VersionStatus.PUBLISHED]
    by_number = {str(v.number): v for v in versions}
    older, newer = by_number.get(request.GET.get("from", "")), by_number.get(request.GET.get("to", ""))
    if newer is None and versions:
        newer = versions[0]
    if older is None and newer is not None:
        older = newer.recodes_from or newer
    if older is not None and newer is not None and older.number > newer.number:
        older, newer = newer, older
    result, error = None, ""
    if older is not None and newer is not None:
        try:
            result = compare(older, newer)
        except ValueError:
            error = _("Version %(newer)s does not descend from version %(older)s.") % {
                "newer": newer.number,
                "older": older.number,
            }
    return render(
        request,
        "taxonomy/compare.html",
        {"versions": versions, "older": older, "newer": newer, "result": result, "error": error},
    )
