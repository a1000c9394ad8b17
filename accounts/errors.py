from django.utils.translation import gettext_lazy as _

from platform_.errors import DomainError


class AccountError(DomainError):
    """A business rule said no. ``message`` is for the person, ``code`` for programs."""


# (code, message[, HTTP status for the API; 400 when left out])
ALREADY_MEMBER = ("already_member", _("%(email)s already has an account in this organisation."), 409)
INVITATION_INVALID = ("invitation_invalid", _("This invitation link is not valid. Ask for a new invitation."))
INVITATION_EXPIRED = ("invitation_expired", _("This invitation has expired. Ask for a new invitation."))
INVITATION_USED = ("invitation_used", _("This invitation has already been used. Log in instead."), 409)
NOT_ALLOWED = ("not_allowed", _("Only organisation admins can invite colleagues."), 403)
EMAIL_DOMAIN_NOT_ALLOWED = (
    "email_domain_not_allowed",
    _("The address must be at the organisation's own e-mail domain: %(domains)s."),
)
EMAIL_DOMAINS_NOT_SET = (
    "email_domains_not_set",
    _("Your organisation has not set its own e-mail domains yet, so addresses cannot be added here. "
      "Ask your organisation's administrator."),
)


def raise_error(error: tuple, *, field: str = "", **params) -> None:
    """Raise ``error`` with its message filled in; with ``field``, the message is also given for that input."""
    code, message, *http_status = error
    text = message % params if params else message
    raise AccountError(code, text, *(http_status or [None]), fields={field: [text]} if field else None)

# Departments and people, managed by the organisation's admins (decision 0039). Each names the field it is about, so
# a page shows it beside that field; none is ever a database constraint's name.
NOT_ADMIN = ("not_allowed", _("Only organisation admins can manage departments and people."), 403)
DEPARTMENT_NAME_REQUIRED = ("department_name_required", _("Give the department a name."))
DEPARTMENT_NAME_TOO_LONG = ("department_name_too_long", _("The name can be at most %(limit)s characters."))
DEPARTMENT_NAME_TAKEN = (
    "department_name_taken", _("There is already a department called “%(name)s” %(where)s. Choose another name."), 409,
)
DEPARTMENT_NAME_TAKEN_INACTIVE = (
    "department_name_taken",
    _("A wound-up department called “%(name)s” %(where)s still carries that name in the history. Choose another "
      "name."),
    409,
)
DEPARTMENT_PARENT_NOT_TOP = (
    "department_parent_not_top",
    _("A unit (enhet) can only be placed under an administration (förvaltning), not under another unit."),
)
DEPARTMENT_HAS_UNITS = (
    "department_has_units",
    _("“%(name)s” has units of its own, so it cannot become a unit under another administration. Move its units "
      "first."),
)
DEPARTMENT_UNDER_ITSELF = ("department_under_itself", _("A department cannot be placed under itself."))
DEPARTMENT_INACTIVE = ("department_inactive", _("“%(name)s” has been wound up. Choose an active department."))
DEPARTMENT_MERGE_SAME = ("department_merge_same", _("Choose another department to merge into."))
DEPARTMENT_MERGE_INTO_OWN_UNIT = (
    "department_merge_into_own_unit", _("A department cannot be merged into one of its own units."),
)
DEPARTMENT_MERGE_UNITS_NEED_TOP = (
    "department_merge_units_need_top",
    _("“%(name)s” has units: merge it into another administration (förvaltning), which takes over its units, or "
      "move its units first."),
)
DEPARTMENT_HAS_PEOPLE = (
    "department_has_people",
    _("%(count)s people still belong to “%(name)s”. Move them to another department first, or merge the "
      "department into another instead."),
    409,
)
DEPARTMENT_HAS_ACTIVE_UNITS = (
    "department_has_active_units",
    _("“%(name)s” still has active units. Move, merge or wind them up first."),
    409,
)
DEPARTMENT_REQUIRED = ("department_required", _("Choose a department."))
LAST_ADMIN = (
    "last_admin",
    _("%(name)s is the organisation's only admin. Make someone else an admin first."),
    409,
)
NOT_YOURSELF = ("not_yourself", _("You cannot deactivate your own account. Ask another admin."), 409)
ROLE_INVALID = ("role_invalid", _("Choose one of the roles."))
PERSON_INACTIVE = ("person_inactive", _("%(name)s has been deactivated. Choose an active colleague."))
HANDOVER_TO_SELF = ("handover_to_self", _("Choose a colleague other than the person leaving."))
IMPORT_HAS_ERRORS = (
    "import_has_errors",
    _("Nothing was imported: %(count)s rows have problems. Correct them and import the whole list again."),
)
IMPORT_EMPTY = ("import_empty", _("There are no addresses to invite. Paste addresses or choose a file."))
IMPORT_TOO_MANY = ("import_too_many", _("At most %(limit)s people can be invited at once; the list has %(count)s."))
IMPORT_UNREADABLE = (
    "import_unreadable",
    _("The file could not be read. Use a CSV file (UTF-8, comma or semicolon) or an Excel file (.xlsx)."),
)
HANDOVER_REQUIRED = (
    "handover_required",
    _("Choose a colleague to take over %(listings)s listings and %(bookings)s open bookings before deactivating."),
    409,
)
