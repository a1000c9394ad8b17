#!/bin/sh
# A stand-in for python:3.11-slim-bookworm made from Debian's own packages, for a build host that reaches a Debian
# mirror but no container registry. Usage, as root, with debootstrap and a running Docker daemon:
#   sh deploy/local-base-image.sh [tag]        (default tag: delbar-local/python:3.11-slim-bookworm)
#   docker build -f deploy/Dockerfile --build-arg PYTHON_IMAGE=<tag> --network host -t delbar:local .
# Behind a TLS-inspecting proxy, set EXTRA_CA_CERTS_DIR to a folder of its *.crt (e.g. /usr/local/share/ca-certificates)
# so that pip in the builder stage reaches PyPI; those certificates then stay in the image's trust store.
# Differences from the official image, none of which the Dockerfile relies on: Python is Debian's 3.11 in /usr/bin
# (the official one builds its own into /usr/local), and the image is a single layer.
set -eu

TAG="${1:-delbar-local/python:3.11-slim-bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ROOTFS="$(mktemp -d /tmp/delbar-base.XXXXXX)" && chmod 755 "$ROOTFS"
trap 'rm -rf "$ROOTFS"' EXIT

debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR"
# The point releases and security updates too, as the official image has them.
printf "deb %s bookworm-updates main\ndeb http://deb.debian.org/debian-security bookworm-security main\n" "$MIRROR" \
  >> "$ROOTFS/etc/apt/sources.list"
chroot "$ROOTFS" sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -y upgrade \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       python3 python3-venv python3-pip python-is-python3 ca-certificates \
  && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin'
if [ -n "${EXTRA_CA_CERTS_DIR:-}" ]; then
  cp "$EXTRA_CA_CERTS_DIR"/*.crt "$ROOTFS/usr/local/share/ca-certificates/"
  chroot "$ROOTFS" update-ca-certificates
fi
# As in the official image, pip may install into the system Python: no PEP 668 "externally managed" marker.
rm -f "$ROOTFS"/usr/lib/python3*/EXTERNALLY-MANAGED
rm -rf "$ROOTFS"/tmp/* "$ROOTFS"/var/log/*.log

tar -C "$ROOTFS" --numeric-owner -c . \
  | docker import --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' - "$TAG"
docker run --rm "$TAG" sh -c 'python --version && pip --version'
