#!/usr/bin/env bash
# Drives the facility emulator with NERSC's own Python client, sfapi-client (PyPI), unchanged:
# first with a static bearer token, then with a freshly generated RSA key and client id
# (OAuth client credentials with a private_key_jwt assertion, as against the real facility).
#
#   scripts/sfapi-client-check.sh            # builds teamctl-emulator (debug) if needed
#
# Needs python3 with venv, openssl, and a Swift toolchain. The virtual environment lives in
# scripts/.venv (ignored by git). Exits non-zero if any check fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/scripts/.venv"
work="$(mktemp -d)"
emulator_pid=""
cleanup() {
    if [[ -n "$emulator_pid" ]]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import sfapi_client' 2>/dev/null; then
    "$venv/bin/pip" install --quiet sfapi-client
fi
echo "sfapi-client $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("sfapi-client"))')"

binary="$(cd "$root" && swift build --product teamctl-emulator --show-bin-path)/teamctl-emulator"
if [[ ! -x "$binary" ]]; then
    (cd "$root" && swift build --product teamctl-emulator)
fi

# A new client: 13-character id, RSA key as the Iris download gives it (PKCS#1 PEM), public half in the seed.
client_id="SFAPICHECK001"
openssl genrsa -traditional -out "$work/key.pem" 2048 2>/dev/null || openssl genrsa -out "$work/key.pem" 2048 2>/dev/null
chmod 600 "$work/key.pem"
cp "$root/examples/facility.yaml" "$work/seed.yaml"
{
    echo "  - client_id: $client_id"
    echo "    user: amorales"
    echo "    name: sfapi-client-check"
    echo "    expires_at: '2099-01-01T00:00:00Z'"
    echo "    public_key_pem: |"
    openssl rsa -in "$work/key.pem" -pubout 2>/dev/null | sed 's/^/      /'
} >>"$work/seed.yaml"

"$binary" --seed "$work/seed.yaml" --port 0 >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
for _ in $(seq 1 100); do
    grep -q '^listening on ' "$work/emulator.out" 2>/dev/null && break
    sleep 0.1
done
base="$(sed -n 's/^listening on //p' "$work/emulator.out")"
if [[ -z "$base" ]]; then
    echo "the emulator did not start:" >&2
    cat "$work/emulator.err" >&2
    exit 1
fi
echo "emulator at $base"

"$venv/bin/python" "$root/scripts/sfapi-client-check.py" \
    --api-base "$base/api/v1.2" --token-url "$base/oauth2/token" \
    --client-id "$client_id" --key "$work/key.pem" --static-token demo-pi
