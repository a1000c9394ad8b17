"""Backing up one organisation and restoring it, as a copy beside the original and into a platform without it.

pg_dump and psql are separate processes: they see only committed data, and what they write is committed. So these
tests work on the committed demo world (read only) and on an organisation they provision themselves, and remove
whatever they add.
"""

from __future__ import annotations

import json
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import quote_schema_name, schema_context, schema_exists
from stdnum import luhn

from catalog.models import ListingPhoto
from tenants.backups import file_checksums, media_folder, table_figures
from tenants.models import Organisation, OrganisationKind
from tenants.selectors import organisation_for_host
from tenants.services import OrganisationDetails, domain_for, provision_organisation


def _organisation_number(prefix: str) -> str:
    return prefix + luhn.calc_check_digit(prefix)


def _remove(slug: str) -> None:
    connection.set_schema_to_public()
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        return
    schema = organisation.schema_name
    organisation.delete()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(schema)} CASCADE")
    shutil.rmtree(media_folder(schema), ignore_errors=True)


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield


def test_a_copy_under_a_new_address_holds_every_row_and_file_of_the_original(committed, tmp_path):
    # given Ystad of the demo world, with its listings' photos
    ystad = Organisation.objects.get(slug="ystad")
    original_tables = table_figures(ystad.schema_name)
    original_files = file_checksums(media_folder(ystad.schema_name))
    assert original_files, "the demo world's photos are the files this test compares"
    try:
        # when it is backed up and restored beside itself as ystad-kopia
        call_command("backup_organisation", "ystad", "--out", str(tmp_path / "ystad"))
        call_command("restore_organisation", str(tmp_path / "ystad"), "--as-slug", "ystad-kopia",
                     "--organisation-number", _organisation_number("212000999"))

        # then every table has the same rows (paths under the new folder) and every file the same bytes
        copy = Organisation.objects.get(slug="ystad-kopia")
        assert copy.schema_name != ystad.schema_name
        assert (copy.name, copy.kind, copy.status, copy.email_domains) == (
            ystad.name, ystad.kind, ystad.status, ystad.email_domains)
        copy_tables = table_figures(copy.schema_name)
        assert len(copy_tables) == len(original_tables) > 20
        assert copy_tables == original_tables
        assert file_checksums(media_folder(copy.schema_name)) == original_files
        with schema_context(copy.schema_name):
            photo = ListingPhoto.objects.order_by("pk").first()
            assert photo.image.name.startswith(f"{copy.schema_name}/")
            assert photo.image.storage.exists(photo.image.name)
        assert organisation_for_host(host=domain_for("ystad-kopia")) == copy
        # and the original is untouched
        assert table_figures(ystad.schema_name) == original_tables
        manifest = json.loads((tmp_path / "ystad" / "manifest.json").read_text())
        assert manifest["tables"] == original_tables and manifest["files"] == original_files
    finally:
        _remove("ystad-kopia")


def test_an_organisation_deleted_from_the_platform_comes_back_from_its_backup(committed, tmp_path):
    # given an organisation of its own with data and a file, backed up, then deleted with its schema and files
    details = OrganisationDetails(name="Backupby kommun", slug="backupby", kind=OrganisationKind.MUNICIPALITY,
                                  organisation_number=_organisation_number("212000998"))
    try:
        organisation = provision_organisation(details=details)
        (media_folder(organisation.schema_name) / "listings").mkdir(parents=True)
        (media_folder(organisation.schema_name) / "listings" / "a.jpg").write_bytes(b"\xff\xd8 a photo")
        before = table_figures(organisation.schema_name)
        call_command("backup_organisation", "backupby", "--out", str(tmp_path / "backupby"))
        _remove("backupby")
        assert not schema_exists(organisation.schema_name)

        # when it is restored under its own address
        call_command("restore_organisation", str(tmp_path / "backupby"))

        # then it is back as it was: row, domain, every table and file
        restored = Organisation.objects.get(slug="backupby")
        assert restored.schema_name == organisation.schema_name
        assert restored.organisation_number == organisation.organisation_number
        assert organisation_for_host(host=domain_for("backupby")) == restored
        assert table_figures(restored.schema_name) == before
        assert file_checksums(media_folder(restored.schema_name)) == {"listings/a.jpg": file_checksums(
            tmp_path / "backupby" / "media")["listings/a.jpg"]}

        # and restoring it again over itself is refused, leaving it as it is
        with pytest.raises(CommandError, match="exists"):
            call_command("restore_organisation", str(tmp_path / "backupby"))
        assert table_figures(restored.schema_name) == before
    finally:
        _remove("backupby")


def test_a_backup_whose_dump_was_altered_is_refused(committed, tmp_path):
    # given a backup of Skurup whose dump changed after it was made
    call_command("backup_organisation", "skurup", "--out", str(tmp_path / "skurup"))
    with (tmp_path / "skurup" / "schema.sql").open("a") as dump:
        dump.write("-- changed\n")

    # when it is restored, then it is refused and nothing is created
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore_organisation", str(tmp_path / "skurup"), "--as-slug", "skurup-kopia",
                     "--organisation-number", _organisation_number("212000997"))
    assert not Organisation.objects.filter(slug="skurup-kopia").exists()
