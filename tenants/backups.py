"""Back up one organisation and restore it, into a fresh platform or under a new address (decision 0060).

A backup is a folder: ``schema.sql`` (pg_dump of the organisation's schema, by a pg_dump of the server's major
version), ``media/`` (its folder under MEDIA_ROOT) and ``manifest.json``: its Organisation and Domain rows, every
table's row count and hash, every file's checksum. A restore loads the schema (renamed when restored under a new
address, file paths inside it rewritten), copies the files, recreates the Organisation and Domain rows, and checks
the result against the manifest.

What lives in the public schema about the organisation and is *not* restored: the exchange's records (deals and
offers between organisations: the other side's too), billing (invoices are the books' records and are never
rewound), usage figures and periodic-run bookkeeping. They stay as they are and refer to the organisation by its row.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django_tenants.utils import quote_schema_name, schema_exists

from .models import Domain, Organisation
from .services import domain_for, schema_name_for

FORMAT = 1
ORGANISATION_FIELDS_NOT_COPIED = {"id", "slug", "schema_name", "organisation_number", "updated_at"}


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Restored:
    organisation: Organisation
    tables: int
    rows: int
    files: int


def backup_organisation(*, slug: str, out: Path) -> dict:
    """Write the organisation's backup into the folder ``out`` (created; must be empty). Returns the manifest."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise BackupError(f"No organisation with the address {slug!r}.")
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise BackupError(f"{out} is not empty.")
    schema = organisation.schema_name
    # One snapshot for the dump and the figures would need pg_dump's exported snapshot; instead the figures are
    # taken right after the dump and the restore checks against them, so a write in between shows as a mismatch.
    _run([_pg_tool("pg_dump"), "--schema", schema, "--no-owner", "--no-privileges", "--file", str(out / "schema.sql"),
          *_connection_arguments()])
    tables = table_figures(schema)
    media = media_folder(schema)
    files = {}
    if media.exists():
        shutil.copytree(media, out / "media")
        files = file_checksums(out / "media")
    manifest = {
        "format": FORMAT,
        "made_at": timezone.now().isoformat(),
        "schema": schema,
        "organisation": {field.attname: _json_value(getattr(organisation, field.attname))
                         for field in Organisation._meta.concrete_fields},
        "domains": list(Domain.objects.filter(tenant=organisation).values("domain", "is_primary")),
        "tables": tables,
        "files": files,
        "dump_sha256": _sha256(out / "schema.sql"),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


def restore_organisation(*, folder: Path, as_slug: str | None = None,
                         organisation_number: str | None = None) -> Restored:
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    if _sha256(folder / "schema.sql") != manifest["dump_sha256"]:
        raise BackupError("schema.sql does not match its checksum in the manifest.")
    source = manifest["schema"]
    row = manifest["organisation"]
    slug = as_slug or row["slug"]
    target = schema_name_for(slug) if as_slug else source
    number = organisation_number or row["organisation_number"]
    if Organisation.objects.filter(slug=slug).exists():
        raise BackupError(f"An organisation with the address {slug!r} exists; restore under another (--as-slug).")
    if Organisation.objects.filter(organisation_number=number).exists():
        raise BackupError(f"An organisation with the number {number} exists; give the copy another "
                          "(--organisation-number).")
    if schema_exists(target):
        raise BackupError(f"The schema {target} exists already.")
    if media_folder(target).exists():
        raise BackupError(f"The media folder {media_folder(target)} exists already.")

    _load_schema(folder / "schema.sql", source=source, target=target)
    try:
        with transaction.atomic():
            if target != source:
                _rewrite_file_paths(source=source, target=target)
            organisation = Organisation(**{key: value for key, value in row.items()
                                           if key not in ORGANISATION_FIELDS_NOT_COPIED},
                                        slug=slug, schema_name=target, organisation_number=number)
            organisation.full_clean(validate_unique=True)
            organisation.save()
            if as_slug:
                Domain.objects.create(domain=domain_for(slug), tenant=organisation, is_primary=True)
            else:
                for domain in manifest["domains"]:
                    Domain.objects.create(tenant=organisation, **domain)
            tables = table_figures(target)
            if tables != manifest["tables"]:
                differing = sorted(name for name in set(tables) | set(manifest["tables"])
                                   if tables.get(name) != manifest["tables"].get(name))
                raise BackupError(f"The restored tables differ from the backup's: {differing}")
        if (folder / "media").exists():
            shutil.copytree(folder / "media", media_folder(target))
        if file_checksums(media_folder(target)) != manifest["files"]:
            raise BackupError("The restored files differ from the backup's.")
    except BaseException:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(target)} CASCADE")
        shutil.rmtree(media_folder(target), ignore_errors=True)
        raise
    return Restored(organisation=organisation, tables=len(tables),
                    rows=sum(figures["rows"] for figures in tables.values()), files=len(manifest["files"]))


def media_folder(schema: str) -> Path:
    return Path(settings.MEDIA_ROOT) / schema


def table_figures(schema: str) -> dict:
    """Every table's row count and a hash of its rows (order-free), with the schema's own name in file paths left
    out so that a copy restored under another name compares equal."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind IN ('r', 'p') "
                       "ORDER BY relname", [schema])
        tables = [name for (name,) in cursor.fetchall()]
        figures = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') FROM "
                f"(SELECT md5(replace(t::text, %s, '')) AS h FROM {quote_schema_name(schema)}.{_quote(table)} t) rows",
                [f"{schema}/"],
            )
            count, digest = cursor.fetchone()
            figures[table] = {"rows": count, "hash": digest}
    return figures


def file_checksums(folder: Path) -> dict:
    if not folder.exists():
        return {}
    return {str(path.relative_to(folder)): _sha256(path) for path in sorted(folder.rglob("*")) if path.is_file()}


def _load_schema(dump: Path, *, source: str, target: str) -> None:
    """Load the dump in one transaction. Under a new name: the dump creates ``source``, renamed at once to
    ``target``; a live schema of that name (the original, when restoring a copy beside it) is moved aside for the
    transaction's length and back."""
    q_source, q_target = quote_schema_name(source), quote_schema_name(target)
    aside = quote_schema_name(f"{source[:48]}__restore_aside")
    before, after = [], []
    if target != source:
        if schema_exists(source):
            before.append(f"ALTER SCHEMA {q_source} RENAME TO {aside};")
            after.append(f"ALTER SCHEMA {q_source} RENAME TO {q_target};")
            after.append(f"ALTER SCHEMA {aside} RENAME TO {q_source};")
        else:
            after.append(f"ALTER SCHEMA {q_source} RENAME TO {q_target};")
    script = dump.with_name("restore.sql")
    script.write_text("".join(f"{line}\n" for line in before) + f"\\i {dump}\n" + "".join(
        f"{line}\n" for line in after))
    try:
        _run([_pg_tool("psql"), "--quiet", "--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--single-transaction",
              "--file", str(script), *_connection_arguments()])
    finally:
        script.unlink(missing_ok=True)


def _rewrite_file_paths(*, source: str, target: str) -> None:
    """File fields hold paths under the schema's folder (``<schema>/listings/…``): point them at the new one. The
    tables' triggers (history) are off meanwhile: a restore is not a change anyone made."""
    tenant_apps = {app.split(".")[-1] for app in settings.TENANT_APPS}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.app_label not in tenant_apps:
                continue
            columns = [field.column for field in model._meta.concrete_fields if isinstance(field, models.FileField)]
            if not columns:
                continue
            table = f"{quote_schema_name(target)}.{_quote(model._meta.db_table)}"
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for column in columns:
                cursor.execute(f"UPDATE {table} SET {_quote(column)} = %s || substr({_quote(column)}, %s) "
                               f"WHERE {_quote(column)} LIKE %s",
                               [f"{target}/", len(source) + 2, f"{_like_escape(source)}/%"])
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # a table with checks pending cannot be altered
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _pg_tool(name: str) -> str:
    """pg_dump/psql of the server's major version: POSTGRES_BIN_DIR (the embedded server's own), then Debian's
    /usr/lib/postgresql/<major>/bin, then PATH if new enough."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    for folder in filter(None, [settings.POSTGRES_BIN_DIR, f"/usr/lib/postgresql/{major}/bin"]):
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (postgresql-client-{major}).")
    # "pg_dump (PostgreSQL) 15.19 (Debian 15.19-0+deb12u1)": the first number after "(PostgreSQL)".
    version = subprocess.run([found, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"\)\s*(\d+)", version)
    if match is None or int(match.group(1)) < major:
        raise BackupError(f"{found} is older than the server (PostgreSQL {major}): install postgresql-client-{major}.")
    return found


def _connection_arguments() -> list[str]:
    database = connection.settings_dict
    arguments = ["--dbname", database["NAME"], "--username", database.get("USER") or "postgres"]
    # A socket folder may come in OPTIONS (postgresql://…@/delbar?host=/path, as the embedded server's URL does).
    host = database.get("HOST") or (database.get("OPTIONS") or {}).get("host")
    if host:
        arguments += ["--host", str(host)]
    if database.get("PORT"):
        arguments += ["--port", str(database["PORT"])]
    return arguments


def _run(command: list[str]) -> None:
    environment = {**os.environ}
    if connection.settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _json_value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)
