"""Start the test OpenID Connect provider: ``python tests/oidc_provider/run.py`` with the environment

- ``OIDC_PROVIDER_DATA``: an empty folder for its SQLite database and RSA key,
- ``OIDC_PROVIDER_PORT``: the port on 127.0.0.1,
- ``OIDC_PROVIDER_CLIENTS``: JSON, a list of {"client_id", "client_secret", "redirect_uris": [...]},
- ``OIDC_PROVIDER_USERS``: JSON, a list of {"username", "password", "email", "name", "verified": bool}.

It migrates, makes the key, the users and the applications, prints ``READY`` and serves until killed."""

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> None:
    data = Path(os.environ["OIDC_PROVIDER_DATA"])
    port = int(os.environ["OIDC_PROVIDER_PORT"])
    os.environ.setdefault("OIDC_PROVIDER_ISSUER", f"http://127.0.0.1:{port}/o")
    os.environ["DJANGO_SETTINGS_MODULE"] = "provider_settings"
    _write_key(data / "rsa.pem")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    _make_users(json.loads(os.environ.get("OIDC_PROVIDER_USERS", "[]")))
    _make_clients(json.loads(os.environ.get("OIDC_PROVIDER_CLIENTS", "[]")))
    _serve(port)


def _write_key(path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def _make_users(users: list[dict]) -> None:
    from django.contrib.auth.models import User

    for row in users:
        User.objects.create_user(
            username=row["username"], password=row["password"], email=row["email"], first_name=row.get("name", ""),
            last_name="" if row.get("verified", True) else "unverified",
        )


def _make_clients(clients: list[dict]) -> None:
    from oauth2_provider.models import get_application_model

    Application = get_application_model()
    for row in clients:
        Application.objects.create(
            name=row["client_id"], client_id=row["client_id"], client_secret=row["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(row["redirect_uris"]), algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )


def _serve(port: int) -> None:
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = make_server("127.0.0.1", port, get_wsgi_application(), server_class=Server, handler_class=QuietHandler)
    print("READY", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
