"""Inviting many colleagues at once: addresses pasted, or a CSV or XLSX file, read into rows and checked together.

Nothing is half-imported (decision 0039): ``check_rows`` reads the whole list and reports every problem of every
row — a bad address, an address twice, someone already in the organisation, an address outside the organisation's
e-mail domains, an unknown role or department — and ``accounts.services.invite_many`` invites all rows or none.

A file has one row per person: the e-mail address, and optionally the role and the department, in columns named
by a header row (``e-post``/``email``, ``roll``/``role``, ``enhet``/``avdelning``/``förvaltning``/``department``)
or, without a header, in that order. A role or department left empty takes the one chosen on the page. A
department is named as in Delbar; where an enhet's name is used under two förvaltningar, as
``Förvaltning > Enhet``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from email.utils import getaddresses

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from . import errors, selectors
from .models import Department, Invitation, Role, User

MAX_ROWS = 1000
MAX_FILE_BYTES = 2 * 1024 * 1024

EMAIL_HEADERS = {"e-post", "epost", "e-postadress", "epostadress", "email", "e-mail", "mail", "adress"}
ROLE_HEADERS = {"roll", "role"}
DEPARTMENT_HEADERS = {"enhet", "avdelning", "förvaltning", "forvaltning", "department", "unit"}
PATH_SEPARATORS = re.compile(r"\s*(?:>|›|/|»)\s*")


@dataclass(frozen=True)
class RawRow:
    """One person as given: the line (or row) number in what was pasted or uploaded, and the texts."""

    line: int
    email: str
    role: str = ""
    department: str = ""


@dataclass
class CheckedRow:
    line: int
    email: str
    role: str = ""
    department: Department | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else ""


@dataclass
class ImportReport:
    rows: list[CheckedRow]

    @property
    def error_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if row.problems]

    @property
    def error_count(self) -> int:
        return len(self.error_rows)

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.error_rows


# ---------------------------------------------------------------------------------------------- reading


def rows_from_text(text: str) -> list[RawRow]:
    """Addresses pasted one a line, or separated by commas or semicolons, with or without names
    (``Anna Andersson <anna@ystad.se>``, as copied from an e-mail program)."""
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.replace(";", ",").strip()
        if not line:
            continue
        for name, address in getaddresses([line]):
            address = address.strip() or name.strip()
            if address:
                rows.append(RawRow(line=number, email=address))
    return rows


def _cell(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def _table_rows(table: list[list[str]]) -> list[RawRow]:
    """Rows of a sheet or CSV: columns by a header row if the first row has one, else e-mail, role, department."""
    columns = {"email": 0, "role": 1, "department": 2}
    start = 0
    for index, first in enumerate(table):
        if any(first):
            header = [cell.lower().rstrip(":") for cell in first]
            if any(cell in EMAIL_HEADERS for cell in header):
                columns = {"email": None, "role": None, "department": None}
                for position, cell in enumerate(header):
                    for key, names in (("email", EMAIL_HEADERS), ("role", ROLE_HEADERS),
                                       ("department", DEPARTMENT_HEADERS)):
                        if cell in names and columns[key] is None:
                            columns[key] = position
                start = index + 1
            else:
                start = index
            break

    def pick(cells: list[str], key: str) -> str:
        position = columns[key]
        return cells[position] if position is not None and position < len(cells) else ""

    rows = []
    for number, cells in enumerate(table[start:], start=start + 1):
        if not any(cells):
            continue
        rows.append(RawRow(line=number, email=pick(cells, "email"), role=pick(cells, "role"),
                           department=pick(cells, "department")))
    return rows


def rows_from_file(*, name: str, content: bytes) -> list[RawRow]:
    """The rows of an uploaded CSV or XLSX file (by its content: an XLSX is a zip archive)."""
    if len(content) > MAX_FILE_BYTES:
        errors.raise_error(errors.IMPORT_UNREADABLE, field="file")
    if content[:4] == b"PK\x03\x04":
        return _table_rows(_xlsx_table(content))
    return _table_rows(_csv_table(content))


def _xlsx_table(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        errors.raise_error(errors.IMPORT_UNREADABLE, field="file")
    try:
        sheet = workbook.worksheets[0]
        table = []
        for values in sheet.iter_rows(values_only=True):
            table.append([_cell(value) for value in values])
            if len(table) > MAX_ROWS + 50:  # a header and some empty rows, then stop reading: too many anyway
                break
        return table
    finally:
        workbook.close()


def _csv_table(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        errors.raise_error(errors.IMPORT_UNREADABLE, field="file")
    if "\x00" in text:
        errors.raise_error(errors.IMPORT_UNREADABLE, field="file")
    first = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first.count)
    return [[_cell(cell) for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


# ---------------------------------------------------------------------------------------------- checking


def _role_names() -> dict[str, str]:
    names = {value: value for value in Role.values}
    for language in ("sv", "en"):
        with translation.override(language):
            for value, label in Role.choices:
                names[str(label).lower()] = value
    names.update({
        "medarbetare": Role.MEMBER, "personal": Role.MEMBER, "member": Role.MEMBER,
        "chef": Role.DEPARTMENT_MANAGER, "avdelningschef": Role.DEPARTMENT_MANAGER,
        "enhetschef": Role.DEPARTMENT_MANAGER, "manager": Role.DEPARTMENT_MANAGER,
        "operatör": Role.OPERATOR, "operator": Role.OPERATOR, "arbetsmarknadsenheten": Role.OPERATOR,
        "admin": Role.ORG_ADMIN, "administratör": Role.ORG_ADMIN, "organisationsadministratör": Role.ORG_ADMIN,
    })
    return names


class _Departments:
    """Every department, read once, looked up by name or by ``Förvaltning > Enhet``."""

    def __init__(self) -> None:
        self.all = list(Department.objects.select_related("parent").order_by("pk"))
        self.by_name: dict[str, list[Department]] = {}
        self.by_path: dict[tuple[str, str], Department] = {}
        for department in self.all:
            self.by_name.setdefault(department.name.lower(), []).append(department)
            if department.parent is not None:
                self.by_path[(department.parent.name.lower(), department.name.lower())] = department

    def find(self, text: str) -> tuple[Department | None, str]:
        parts = [part.lower() for part in PATH_SEPARATORS.split(text.strip()) if part]
        if len(parts) == 2 and tuple(parts) in self.by_path:
            found = [self.by_path[tuple(parts)]]
        else:
            found = self.by_name.get(text.strip().lower(), [])
        active = [department for department in found if department.is_active]
        if len(active) == 1:
            return active[0], ""
        if len(active) > 1:
            paths = ", ".join(f"{d.parent.name} > {d.name}" if d.parent else d.name for d in active)
            return None, _("“%(name)s” is the name of several departments: write one of %(paths)s.") % {
                "name": text, "paths": paths}
        if found:
            return None, _("The department “%(name)s” has been wound up.") % {"name": text}
        return None, _("There is no department called “%(name)s”.") % {"name": text}


def check_rows(*, rows: list[RawRow], default_role: str = "", default_department: Department | None = None
               ) -> ImportReport:
    """Check every row against the organisation as it is now, in a fixed number of queries however long the list."""
    if not rows:
        errors.raise_error(errors.IMPORT_EMPTY, field="addresses")
    if len(rows) > MAX_ROWS:
        errors.raise_error(errors.IMPORT_TOO_MANY, field="addresses", limit=MAX_ROWS, count=len(rows))
    addresses = {User.objects.normalize_email(row.email.strip()).lower() for row in rows if row.email.strip()}
    members = set(User.objects.filter(email__in=addresses).values_list("email", flat=True))
    invited = set(
        Invitation.objects.filter(email__in=addresses, accepted_at__isnull=True, revoked_at__isnull=True)
        .values_list("email", flat=True)
    )
    domains = selectors.email_domains()
    roles = _role_names()
    departments = _Departments()
    seen: dict[str, int] = {}
    checked = []
    for row in rows:
        email = User.objects.normalize_email(row.email.strip()).lower()
        result = CheckedRow(line=row.line, email=email)
        try:
            validate_email(email)
        except ValidationError:
            result.problems.append(
                _("“%(email)s” is not an e-mail address.") % {"email": row.email} if row.email.strip()
                else _("The e-mail address is missing.")
            )
        else:
            if email in seen:
                result.problems.append(_("The address is also on row %(line)s.") % {"line": seen[email]})
            seen.setdefault(email, row.line)
            if email in members:
                result.problems.append(str(errors.ALREADY_MEMBER[1] % {"email": email}))
            elif domains and not selectors.is_at_own_domain(email=email, domains=domains):
                result.problems.append(str(errors.EMAIL_DOMAIN_NOT_ALLOWED[1] % {"domains": ", ".join(domains)}))
            if email in invited:
                result.notes.append(_("An open invitation to this address is replaced."))
        if row.role.strip():
            result.role = roles.get(row.role.strip().lower(), "")
            if not result.role:
                result.problems.append(_("There is no role called “%(role)s”.") % {"role": row.role})
        elif default_role in Role.values:
            result.role = default_role
        else:
            result.problems.append(_("The role is missing: give it in the list or choose one above."))
        if row.department.strip():
            result.department, problem = departments.find(row.department)
            if problem:
                result.problems.append(problem)
        elif default_department is not None and default_department.is_active:
            result.department = default_department
        else:
            result.problems.append(_("The department is missing: give it in the list or choose one above."))
        checked.append(result)
    return ImportReport(rows=checked)
