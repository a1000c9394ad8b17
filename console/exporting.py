"""The zip of an organisation's data (decision 0053, docs/console.md): every table of its schema as JSON and CSV,
its photos as they are stored, a manifest and a README of the format.

Read table by table with a server-side cursor and written into the zip as it is read, so memory does not grow with
the organisation's size. Secrets are left out: password hashes, token hashes and sessions would let whoever holds
the file log in, and are of no use outside Delbar. So is the outbox (messages being delivered, with one-time links).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from psycopg import sql

if TYPE_CHECKING:
    from tenants.models import Organisation

# Tables whose rows are secrets or delivery machinery, not the organisation's data.
SKIPPED_TABLES = frozenset({"django_session", "knox_authtoken", "outbox_outboxmessage", "django_migrations"})
# Columns that hold secrets in any table.
SKIPPED_COLUMNS = frozenset({"password", "token_hash", "digest", "salt", "session_key", "session_data", "token_key",
                             "secret"})
BATCH = 2000


class _Encoder(DjangoJSONEncoder):
    """Django's JSON (dates, decimals, UUIDs) and, for what it does not know (ranges, say), the text PostgreSQL
    would show."""

    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


@dataclass(frozen=True)
class Figures:
    tables: int
    rows: int
    photos: int


def tables_of(schema_name: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE' "
            "ORDER BY table_name", [schema_name])
        return [name for (name,) in cursor.fetchall() if name not in SKIPPED_TABLES]


def _columns(schema_name: str, table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
            "ORDER BY ordinal_position", [schema_name, table])
        return [name for (name,) in cursor.fetchall() if name not in SKIPPED_COLUMNS]


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, cls=_Encoder, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (int, float, str)):
        return str(value)
    return _Encoder().default(value)


def _write_table(archive: zipfile.ZipFile, schema_name: str, table: str) -> int:
    columns = _columns(schema_name, table)
    query = sql.SQL("SELECT {} FROM {}.{} ORDER BY 1").format(
        sql.SQL(", ").join(sql.Identifier(column) for column in columns),
        sql.Identifier(schema_name), sql.Identifier(table))
    count = 0
    # The zip takes one open member at a time: the JSON is written into it as it is read, the CSV to a spooled
    # temporary file (memory up to 8 MB, then disk) copied in after.
    with (tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+b") as spooled_csv,
          transaction.atomic(), connection.connection.cursor(name=f"export_{table}"[:60]) as cursor):
        csv_out = io.TextIOWrapper(spooled_csv, encoding="utf-8", newline="")
        writer = csv.writer(csv_out)
        writer.writerow(columns)
        with archive.open(f"data/json/{table}.json", "w") as raw_json:
            json_out = io.TextIOWrapper(raw_json, encoding="utf-8", newline="")
            json_out.write("[")
            cursor.itersize = BATCH
            cursor.execute(query)
            for row in cursor:
                json_out.write(("," if count else "") + "\n" + json.dumps(dict(zip(columns, row, strict=True)),
                                                                            cls=_Encoder, ensure_ascii=False))
                writer.writerow([_csv_value(value) for value in row])
                count += 1
            json_out.write("\n]\n")
            json_out.flush()
            json_out.detach()
        csv_out.flush()
        csv_out.detach()
        spooled_csv.seek(0)
        with archive.open(f"data/csv/{table}.csv", "w") as raw_csv:
            shutil.copyfileobj(spooled_csv, raw_csv, 1 << 20)
    return count


def media_folder(organisation: Organisation) -> Path:
    return Path(settings.MEDIA_ROOT) / organisation.schema_name


def write_zip(*, organisation: Organisation, target: Path) -> Figures:
    """Write the organisation's export to ``target`` (written beside it, then moved: never a half zip)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    manifest = {"organisation": {"id": organisation.pk, "name": organisation.name, "slug": organisation.slug,
                                 "organisation_number": organisation.organisation_number,
                                 "schema": organisation.schema_name},
                "exported_at": timezone.now().isoformat(), "tables": {}, "photos": {}}
    connection.set_schema_to_public()
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables_of(organisation.schema_name):
            manifest["tables"][table] = _write_table(archive, organisation.schema_name, table)
        folder = media_folder(organisation)
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                relative = path.relative_to(folder).as_posix()
                digest = hashlib.sha256()
                with path.open("rb") as source, archive.open(f"photos/{relative}", "w") as out:
                    for chunk in iter(lambda source=source: source.read(1 << 20), b""):
                        digest.update(chunk)
                        out.write(chunk)
                manifest["photos"][relative] = digest.hexdigest()
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        archive.writestr("README.md", render_to_string("console/export_readme.md", {
            "organisation": organisation, "manifest": manifest, "skipped_tables": sorted(SKIPPED_TABLES),
            "skipped_columns": sorted(SKIPPED_COLUMNS)}))
    partial.replace(target)
    return Figures(tables=len(manifest["tables"]), rows=sum(manifest["tables"].values()),
                   photos=len(manifest["photos"]))
