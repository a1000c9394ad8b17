"""The organisation's admin pages, "Administrera", on its own host (decision 0039).

For its organisation admins only: anyone else logged in gets 403, and a department or person of another
organisation is simply not in this schema (404). Every write goes through a service; a refusal is shown beside the
field it names, in the person's language, and the page answers 400 (or 409 for a conflict) with the form again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import selectors as people
from accounts import services as accounts
from accounts.errors import AccountError
from catalog import selectors as listing_selectors
from catalog import services as catalog
from catalog.errors import CatalogError
from outbox import selectors as outbox
from outbox.selectors import MessageState
from platform_.decorators import org_admin_required
from platform_.errors import DomainError
from taxonomy import selectors as taxonomy
from tenants.selectors import organisation_base_url

from . import forms, services

PEOPLE_PER_PAGE = 50
MESSAGES_PER_PAGE = 50
# The saved places page (another part of issue 9) is linked from the hub when it exists under one of these names.
SAVED_PLACES_URL_NAMES = ("saved_places", "places", "organisation_places")




def _department_or_404(pk: int):
    department = people.department(pk=pk)
    if department is None:
        raise Http404
    return department


def _person_or_404(uuid):
    person = people.person(uuid=uuid)
    if person is None:
        raise Http404
    return person


def _saved_places_url() -> str:
    for name in SAVED_PLACES_URL_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


# ---------------------------------------------------------------------------------------------- the hub


@org_admin_required
def hub(request):
    return render(request, "orgadmin/hub.html", {
        "saved_places_url": _saved_places_url(),
        "people_count": people.people().count(),
        "department_count": people.departments().filter(is_active=True).count(),
        "invitation_count": people.open_invitations().count(),
    })


# ---------------------------------------------------------------------------------------------- departments


@org_admin_required
def departments(request):
    form = forms.DepartmentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            parent = people.department(pk=form.cleaned_data["parent"]) if form.cleaned_data["parent"] else None
            try:
                department = accounts.create_department(by=request.user, name=form.cleaned_data["name"],
                                                        parent=parent)
            except AccountError as refusal:
                forms.add_refusal(form, refusal)
            else:
                messages.success(request, _("“%(name)s” has been created.") % {"name": department.name})
                return redirect("orgadmin_departments")
        status = 400
    listing_counts = listing_selectors.open_listing_counts_by_department()
    tree = [(row, listing_counts.get(row.department.pk, 0)) for row in people.department_tree()]
    return render(request, "orgadmin/departments.html", {
        "form": form, "tree": tree, "wound_up": people.department_tree(active=False),
    }, status=status)


def _department_forms(department, data=None, action: str = ""):
    def bound(name):
        return data if action == name else None

    return {
        "rename": forms.RenameForm(bound("rename"), initial={"name": department.name}, prefix="rename"),
        "move": forms.MoveForm(bound("move"), department=department, initial={"parent": department.parent_id},
                               prefix="move"),
        "merge": forms.MergeForm(bound("merge"), department=department, prefix="merge"),
        "wind_up": forms.WindUpForm(bound("wind_up"), department=department, prefix="wind_up"),
    }


@org_admin_required
def department_detail(request, pk: int):
    department = _department_or_404(pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    page_forms = _department_forms(department, request.POST if action else None, action)
    status = 200
    if action in page_forms and department.is_active:
        form = page_forms[action]
        if form.is_valid():
            try:
                done = _department_action(request, department, action, form.cleaned_data)
            except DomainError as refusal:
                forms.add_refusal(form, refusal)
                status = getattr(refusal, "http_status", 400)
            else:
                messages.success(request, done)
                return redirect("orgadmin_department", pk=department.pk) if action in ("rename", "move") \
                    else redirect("orgadmin_departments")
        else:
            status = 400
    elif action:
        status = 400
    every, open_listings = listing_selectors.listing_count_of_department(department=department)
    return render(request, "orgadmin/department.html", {
        "department": department, "forms": page_forms, "action": action,
        "members": people.people(department_id=department.pk).filter(department=department)[:20],
        "member_count": people.people(department_id=department.pk).filter(department=department).count(),
        "units": [row for row in people.department_tree() if row.department.parent_id == department.pk],
        "every_listing": every, "open_listings": open_listings,
    }, status=status)


def _department_action(request, department, action: str, data: dict) -> str:
    by = request.user
    if action == "rename":
        renamed = accounts.rename_department(by=by, department=department, name=data["name"])
        return _("The department is now called “%(name)s”.") % {"name": renamed.name}
    if action == "move":
        parent = people.department(pk=data["parent"]) if data["parent"] else None
        accounts.move_department(by=by, department=department, parent=parent)
        if parent is None:
            return _("“%(name)s” is now an administration (förvaltning).") % {"name": department.name}
        return _("“%(name)s” is now a unit under %(parent)s.") % {"name": department.name, "parent": parent.name}
    if action == "merge":
        target = people.department(pk=data["target"])
        outcome = services.merge_departments(by=by, source=department, target=target)
        return _("“%(name)s” has been merged into %(target)s: %(people)s people and %(listings)s listings moved.") % {
            "name": department.name, "target": target.name, "people": outcome.people, "listings": outcome.listings}
    move_to = people.department(pk=data["move_to"]) if data.get("move_to") else None
    outcome = services.wind_up_department(by=by, department=department, listings=data["listings"], move_to=move_to)
    if data["listings"] == services.MOVE:
        return ngettext("“%(name)s” has been wound up; %(count)s listing moved to %(target)s.",
                        "“%(name)s” has been wound up; %(count)s listings moved to %(target)s.", outcome.listings) % {
            "name": department.name, "count": outcome.listings, "target": move_to.name}
    return ngettext("“%(name)s” has been wound up; %(count)s listing withdrawn.",
                    "“%(name)s” has been wound up; %(count)s listings withdrawn.", outcome.listings) % {
        "name": department.name, "count": outcome.listings}


# ---------------------------------------------------------------------------------------------- people


@org_admin_required
def people_list(request):
    form = forms.PeopleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    queryset = people.people(
        query=filters.get("q") or "", department_id=filters.get("avdelning"), role=filters.get("roll") or "",
        active=not filters.get("inaktiva"),
    )
    page = Paginator(queryset, PEOPLE_PER_PAGE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(request, "orgadmin/people.html", {
        "form": form, "page": page, "query": query.urlencode(), "invitations": people.open_invitations(),
    })


@org_admin_required
def invite(request):
    form = forms.InviteForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            department = people.department(pk=data["department"]) if data["department"] else None
            try:
                rows = accounts.rows_from_text(data["addresses"])
                if data["file"]:
                    rows += accounts.rows_from_file(name=data["file"].name, content=data["file"].read())
                report = accounts.check_rows(rows=rows, default_role=data["role"], default_department=department)
                if report.is_valid:
                    invitations = accounts.invite_many(
                        invited_by=request.user, rows=rows, default_role=data["role"],
                        default_department=department,
                        accept_url_for=lambda token: organisation_base_url(organisation=request.tenant)
                        + reverse("accept_invitation", args=[token]),
                    )
                else:
                    form.add_error(None, _("Nothing was imported: %(count)s of %(total)s rows have problems. "
                                           "Correct them and send the whole list again.")
                                   % {"count": report.error_count, "total": len(report.rows)})
            except AccountError as refusal:
                forms.add_refusal(form, refusal)
                report = None
            else:
                if report.is_valid:
                    messages.success(request, ngettext(
                        "%(count)s invitation has been sent.", "%(count)s invitations have been sent.",
                        len(invitations)) % {"count": len(invitations)})
                    return redirect("orgadmin_people")
    return render(request, "orgadmin/invite.html", {"form": form, "report": report}, status=status)


@org_admin_required
def person_detail(request, uuid):
    person = _person_or_404(uuid)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    change = forms.PersonForm(request.POST if action == "change" else None, prefix="change",
                              initial={"role": person.role, "department": person.department_id,
                                       "full_name": person.full_name, "email": person.email})
    deactivate = forms.DeactivateForm(request.POST if action == "deactivate" else None, person=person,
                                      prefix="deactivate")
    status = 200
    if action == "change" and change.is_valid():
        try:
            accounts.change_person(by=request.user, person=person, role=change.cleaned_data["role"],
                                   department=people.department(pk=change.cleaned_data["department"]),
                                   full_name=change.cleaned_data["full_name"], email=change.cleaned_data["email"])
        except AccountError as refusal:
            forms.add_refusal(change, refusal)
            status = refusal.http_status
        else:
            messages.success(request, _("%(name)s has been updated.") % {"name": person.get_full_name()})
            return redirect("orgadmin_person", uuid=person.uuid)
    elif action == "deactivate" and deactivate.is_valid():
        colleague_pk = deactivate.cleaned_data["colleague"]
        colleague = people.person_by_pk(pk=colleague_pk) if colleague_pk else None
        try:
            outcome = services.deactivate_person(by=request.user, person=person, colleague=colleague)
        except DomainError as refusal:
            forms.add_refusal(deactivate, refusal)
            status = getattr(refusal, "http_status", 400)
        else:
            if colleague is not None:
                messages.success(request, _(
                    "%(name)s has been deactivated. %(colleague)s took over %(listings)s listings and %(bookings)s "
                    "bookings.") % {"name": person.get_full_name(), "colleague": colleague.get_full_name(),
                                    "listings": outcome.listings, "bookings": outcome.bookings})
            else:
                messages.success(request, _("%(name)s has been deactivated.") % {"name": person.get_full_name()})
            return redirect("orgadmin_person", uuid=person.uuid)
    elif action == "reactivate":
        accounts.reactivate_person(by=request.user, person=person)
        messages.success(request, _("%(name)s can log in again.") % {"name": person.get_full_name()})
        return redirect("orgadmin_person", uuid=person.uuid)
    elif action:
        status = 400
    return render(request, "orgadmin/person.html", {
        "person": person, "change": change, "deactivate": deactivate, "action": action,
        "has": services.what_a_leaver_has(person=person),
    }, status=status)


@org_admin_required
@require_POST
def withdraw_invitation(request, pk: int):
    invitation = people.open_invitations().filter(pk=pk).first()
    if invitation is None:
        raise Http404
    accounts.revoke_invitation(invitation=invitation, revoked_by=request.user)
    messages.success(request, _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email})
    return redirect("orgadmin_people")


# ---------------------------------------------------------------------------------------------- categories


def _category_rows():
    """The tree in order (one query), each node with its path label, level and platform category's label."""
    nodes = listing_selectors.categories()
    labels = taxonomy.labels()
    rows = []
    for node in nodes:
        path = listing_selectors.category_path(node)
        rows.append({"category": node, "depth": len(path), "path": " › ".join(step.name for step in path),
                     "platform": labels.get(node.platform_key, node.platform_key)})
    return nodes, rows


def _category_form(data, rows, **kwargs):
    tree = [(row["category"].pk, row["path"]) for row in rows]
    return forms.CategoryForm(data, tree=tree, platform_choices=taxonomy.choices(), **kwargs)


def _details(data: dict, nodes) -> catalog.CategoryDetails:
    by_pk = {node.pk: node for node in nodes}
    return catalog.CategoryDetails(
        name=data["name"] or "", name_en=data["name_en"] or "", parent=by_pk.get(data["parent"]),
        position=data["position"] or 0, platform_key=data["platform_key"] or "",
    )


@org_admin_required
def categories(request):
    nodes, rows = _category_rows()
    form = _category_form(request.POST or None, rows, initial={"position": 0})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                category = catalog.create_category(by=request.user, details=_details(form.cleaned_data, nodes))
            except CatalogError as refusal:
                forms.add_refusal(form, refusal)
                status = refusal.http_status
            else:
                messages.success(request, _("“%(name)s” has been created.") % {"name": category.name})
                return redirect("orgadmin_categories")
    return render(request, "orgadmin/categories.html", {"form": form, "rows": rows}, status=status)


@org_admin_required
def category_detail(request, pk: int):
    nodes, rows = _category_rows()
    category = next((node for node in nodes if node.pk == pk), None)
    if category is None:
        raise Http404
    form = _category_form(request.POST or None, rows, initial={
        "name": category.name, "name_en": category.name_en, "parent": category.parent_id,
        "position": category.position, "platform_key": category.platform_key,
    })
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = catalog.update_category(category=category, by=request.user,
                                                details=_details(form.cleaned_data, nodes))
            except CatalogError as refusal:
                forms.add_refusal(form, refusal)
                status = refusal.http_status
            else:
                messages.success(request, _("“%(name)s” has been saved.") % {"name": saved.name})
                return redirect("orgadmin_categories")
    row = next(row for row in rows if row["category"].pk == pk)
    return render(request, "orgadmin/category.html", {"form": form, "category": category, "row": row},
                  status=status)


# ---------------------------------------------------------------------------------------------- outgoing e-mail


@org_admin_required
def outgoing_email(request):
    form = forms.OutboxFilterForm(request.GET or None, states=MessageState.choices)
    state = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    page = Paginator(outbox.messages(state=state or None), MESSAGES_PER_PAGE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    rows = [{
        "message": message, "state": MessageState(message.state),
        "to": ", ".join(message.payload.get("to", [])), "subject": message.payload.get("subject", ""),
    } for message in page]
    return render(request, "orgadmin/outgoing_email.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(),
    })
