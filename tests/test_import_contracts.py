"""The import contracts of pyproject.toml ([tool.importlinter], run by `make lint`) bite: each rule of
docs/architecture.md is broken by the import that breaks it, for the apps of today and for an app added later.

The contracts are checked here on the real import graph with one import added at a time, through import-linter's
own contract classes; `lint-imports` checks the graph as it is.
"""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

import grimp
import pytest
from django.apps import apps
from django.conf import settings
from importlinter.api import read_configuration
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.contracts.protected import ProtectedContract

CONFIG = read_configuration(str(Path(settings.BASE_DIR) / "pyproject.toml"))
CONTRACT_TYPES = {"forbidden": ForbiddenContract, "protected": ProtectedContract, "layers": LayersContract}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*CONFIG["session_options"]["root_packages"], exclude_type_checking_imports=True,
                             cache_dir=None)


def broken(graph: grimp.ImportGraph, *, new_app: str | None = None) -> set[str]:
    """The ids of the contracts the graph breaks (with ``new_app`` added to root_packages, as it would be)."""
    session = dict(CONFIG["session_options"])
    if new_app:
        session["root_packages"] = [*session["root_packages"], new_app]
    ids = set()
    for options in CONFIG["contracts_options"]:
        contract = CONTRACT_TYPES[options["type"]](options["name"], session, options)
        if not contract.check(deepcopy(graph), verbose=False).kept:
            ids.add(options["id"])
    return ids


def with_import(graph: grimp.ImportGraph, importer: str, imported: str) -> grimp.ImportGraph:
    changed = deepcopy(graph)
    for module in (importer, imported):
        parts = module.split(".")
        for depth in range(1, len(parts) + 1):  # a new module's packages too, as a new app would have them
            if ".".join(parts[:depth]) not in changed.modules:
                changed.add_module(".".join(parts[:depth]))
    changed.add_import(importer=importer, imported=imported, line_number=1, line_contents=f"import {imported}")
    return changed


def test_every_package_of_ours_is_a_root_of_the_import_graph():
    # given: our Django apps (platform_ is one) are the packages in this repository
    # (installed packages are not ours, even when the virtualenv sits inside the checkout)
    ours = {app.name.split(".")[0] for app in apps.get_app_configs()
            if Path(app.path).resolve().is_relative_to(Path(settings.BASE_DIR).resolve())
            and "site-packages" not in Path(app.path).parts}
    # then: a new app is either added to root_packages or its imports go unchecked
    assert ours == set(CONFIG["session_options"]["root_packages"])


def test_the_code_as_it_is_keeps_every_contract(graph):
    assert broken(graph) == set()


@pytest.mark.parametrize(
    ("importer", "imported", "contracts"),
    [
        # another app's models, to query them
        ("catalog.views", "accounts.models", {"no-foreign-models"}),
        ("accounts.services", "tenants.models", {"no-foreign-models"}),
        # what the demo did before it asked accounts.services.ensure_superuser (and catalog.services.backdate_listing)
        ("demo.world", "accounts.models", {"no-foreign-models"}),
        ("demo.listings", "catalog.models", {"no-foreign-models"}),
        # the API's error handler knowing an app (before platform_.errors.DomainError)
        ("platform_.api_errors", "catalog.errors", {"platform-imports-no-app"}),
        # another app's internals rather than its services, selectors or errors
        ("catalog.views", "accounts.forms", {"apps-meet-through-services"}),
        ("catalog.api.views", "accounts.token_views", {"apps-meet-through-services"}),
        # the demo reaching into an app (before bookings.services.backdate_booking)
        ("demo.loans", "bookings.lifecycle", {"apps-meet-through-services"}),
        # an app reaching into the project package's wiring
        # (the console composes the console app, which sits above catalog: the layers break too, decision 0053)
        ("catalog.views", "platform_.console", {"apps-meet-through-services", "apps-depend-downwards"}),
        # the project package composing the demo (before the demo was an app of its own)
        ("platform_.middleware", "demo.world", {"platform-imports-no-app"}),
        ("platform_.demo_ready", "demo.listings", {"platform-imports-no-app"}),  # it may read the logins, no more
        # an app depending on the demo: it sits above every app, and only its command and make demo run it
        ("catalog.services", "demo.listings", {"apps-meet-through-services", "apps-depend-downwards"}),
        ("tenants.services", "demo.world", {"apps-meet-through-services", "apps-depend-downwards"}),
        # ... which may use every app's services and selectors
        ("demo.world", "outbox.services", set()),
        # a lower app depending on a higher one
        ("accounts.services", "catalog.services", {"apps-depend-downwards"}),
        ("tenants.services", "accounts.selectors", {"apps-depend-downwards"}),
    ],
)
def test_an_import_across_a_boundary_breaks_its_contract(graph, importer, imported, contracts):
    # when
    found = broken(with_import(graph, importer, imported))
    # then
    assert found == contracts


@pytest.mark.parametrize(
    ("importer", "imported", "contracts"),
    [
        ("bookings.services", "catalog.models", {"no-foreign-models"}),
        ("bookings.views", "catalog.forms", {"apps-meet-through-services"}),
        ("catalog.views", "bookings.notices", {"apps-meet-through-services"}),
        ("platform_.middleware", "bookings.selectors", {"platform-imports-no-app"}),
        ("bookings.services", "catalog.services", set()),
        ("bookings.errors", "platform_.errors", set()),
    ],
)
def test_the_contracts_cover_an_app_that_does_not_exist_yet(graph, importer, imported, contracts):
    # given: an app "bookings" that no contract names (the wildcards cover it)
    # when
    found = broken(with_import(graph, importer, imported), new_app="bookings")
    # then
    assert found == contracts
