#!/usr/bin/env bash
# Kills `teamctl refresh` with SIGKILL at varied moments, then checks that the next refresh works and
# that SQLite's integrity check passes. Also runs two refreshes at once to show they never interleave.
#
#   scripts/kill9-refresh.sh [ROUNDS]        (after `swift build`; uses .build/debug)
set -euo pipefail

rounds=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.build/debug"
for tool in teamctl teamctl-emulator; do
    [[ -x "$bin/$tool" ]] || { echo "kill9-refresh: build first: swift build (missing $bin/$tool)" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'kill "$emulator_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# A facility with one user in 300 groups, so each snapshot write is a few thousand rows.
{
    echo "users: [{name: alice, uid: 1001}, {name: bob, uid: 1002}]"
    echo "projects: [{id: 1, repo_name: m1234, description: crash test, members: [{user: alice, role: PI}, {user: bob, role: Member}]}]"
    echo "groups:"
    for i in $(seq 0 299); do echo "  - {name: g$i, gid: $((61000 + i)), repo_name: m1234, members: [alice, bob]}"; done
    echo "tokens: [{token: dev-alice, user: alice}]"
    echo "systems: [{name: iris, status: active}]"
} > "$work/seed.yaml"

port=$((20000 + RANDOM % 20000))
"$bin/teamctl-emulator" --seed "$work/seed.yaml" --port "$port" > "$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 50); do
    curl -fsS "http://127.0.0.1:$port/api/v1.2/status" > /dev/null 2>&1 && break
    sleep 0.1
done

export TEAMCTL_API_URL="http://127.0.0.1:$port/api/v1.2" TEAMCTL_TOKEN_URL="http://127.0.0.1:$port/oauth2/token"
export TEAMCTL_ACCESS_TOKEN=dev-alice TEAMCTL_CACHE="$work/cache.sqlite" XDG_CONFIG_HOME="$work"

integrity() {
    python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$1"
}

killed=0
for round in $(seq 1 "$rounds"); do
    "$bin/teamctl" refresh > /dev/null 2>&1 &
    pid=$!
    sleep "0.$(printf "%03d" $((RANDOM % 150)))"
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null || true
done
"$bin/teamctl" refresh
echo "killed $killed of $rounds refreshes; integrity_check: $(integrity "$TEAMCTL_CACHE")"

"$bin/teamctl" refresh > "$work/a.out" 2>&1 & a=$!
"$bin/teamctl" refresh > "$work/b.out" 2>&1 & b=$!
wait "$a" && wait "$b" || { cat "$work/a.out" "$work/b.out" >&2; exit 1; }
echo "two concurrent refreshes: ok; integrity_check: $(integrity "$TEAMCTL_CACHE")"
[[ $(integrity "$TEAMCTL_CACHE") == ok ]]
