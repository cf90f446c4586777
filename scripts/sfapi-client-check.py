"""Checks that sfapi-client works against the teamctl facility emulator, unchanged.

Run by scripts/sfapi-client-check.sh, which starts the emulator and makes the key.
"""
import argparse
import sys

from sfapi_client import Client

failures = []


def check(label, condition, shown):
    print(f"{'ok  ' if condition else 'FAIL'} {label}: {shown}")
    if not condition:
        failures.append(label)


def drive(client, how):
    print(f"-- {how}")
    user = client.user()
    check("user", user.name == "amorales", f"{user.name} uid={user.uid} email={user.email}")
    projects = user.projects()
    names = sorted(p.repo_name for p in projects)
    check("projects", names == ["m4812", "m4999"], names)
    m4812 = next(p for p in projects if p.repo_name == "m4812")
    check("project share", m4812.cpu_project_hours_given == 250000.0,
          f"m4812 role={m4812.iris_role} cpu {m4812.cpu_hours_used}/{m4812.cpu_hours_given} "
          f"(project {m4812.cpu_project_hours_used}/{m4812.cpu_project_hours_given})")
    roles = user.roles()
    check("roles", sorted((r.repo_name, r.iris_role) for r in roles) == [("m4812", "PI"), ("m4999", "PI")],
          [(r.repo_name, r.iris_role) for r in roles])
    groups = user.groups()
    check("groups", "lumcal" in [g.name for g in groups], sorted(g.name for g in groups))
    return m4812


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api-base", required=True)
    parser.add_argument("--token-url", required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--static-token", required=True)
    args = parser.parse_args()

    with Client(api_base_url=args.api_base, token_url=args.token_url, access_token=args.static_token) as client:
        m4812 = drive(client, "static bearer token")
        lumcal = client.group("lumcal")
        before = sorted(m.name for m in lumcal.members)
        lumcal.add(["hkim", "zlindqvist"])
        after_add = sorted(m.name for m in lumcal.members)
        check("group add", {"hkim", "zlindqvist"} <= set(after_add), f"lumcal {len(before)} -> {len(after_add)} members")
        lumcal.remove(["jlarsen"])
        after_remove = sorted(m.name for m in lumcal.members)
        check("group remove", "jlarsen" not in after_remove, f"lumcal now {after_remove}")
        lumsim = m4812.create_group("lumsim")
        check("create group", lumsim.name == "lumsim", f"{lumsim.name} gid={lumsim.gid}")
        try:
            lumcal.add(["tjones"])  # in m4999, not in m4812
            check("add outsider refused", False, "accepted")
        except Exception as error:  # sfapi-client raises httpx.HTTPStatusError for 4xx
            check("add outsider refused", "422" in str(error), str(error).splitlines()[0])
        status = client.resources.status("perlmutter")
        check("status", status.status.value == "active", f"perlmutter {status.status.value}")
        planned = client.resources.planned_outages()
        check("planned outages", "perlmutter" in planned, {k: len(v) for k, v in planned.items()})

    with Client(client_id=args.client_id, secret=open(args.key).read(), api_base_url=args.api_base,
                token_url=args.token_url) as client:
        drive(client, f"client credentials (private_key_jwt, client {args.client_id})")
        clients = client.user().clients()
        check("clients", args.client_id in [c.clientId for c in clients], [(c.clientId, c.name) for c in clients])
        group = client.group("lumcal")
        group.remove(["hkim"])
        check("group remove via OAuth token", "hkim" not in [m.name for m in group.members], "hkim removed")

    print(f"{'all checks passed' if not failures else 'FAILED: ' + ', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
