"""psycopg2 against psycopg 3 (with and without Django's connection pool) on the same data.

    .venv/bin/python bench/drivers.py [--requests 2000] [--orm 2000] [--rounds 2] [--no-record]

Needs both drivers in the virtualenv (`pip install psycopg2-binary` beside the locked psycopg): each configuration
runs in a fresh process; psycopg2 is chosen by hiding psycopg 3 from Django (its backend takes psycopg 3 when it can
import it). Data: the demo (`load_demo`) in PostgreSQL database lp_bench_drivers (BENCH_DATABASE_URL names the
server), created and loaded once. Measured per configuration:
- pages: REQUESTS requests through Django's test client, as demo_leader, over a few pages (start page, 工作台 JSON,
  plan list, organisation API, health); every request ends by closing or returning its connection, as in gunicorn;
- ORM: ORM iterations of three small queries (a get by code, a slice of 20 rows, a count) on one connection.
The configurations run in turn, ROUNDS times, and the fastest round of each is kept (the least disturbed).
Results go to bench/RESULTS.md.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {
    "psycopg2": {"driver": "psycopg2", "DATABASE_POOL": "false", "CONN_MAX_AGE": "0"},
    "psycopg2, CONN_MAX_AGE=600": {"driver": "psycopg2", "DATABASE_POOL": "false", "CONN_MAX_AGE": "600"},
    "psycopg 3": {"driver": "psycopg", "DATABASE_POOL": "false", "CONN_MAX_AGE": "0"},
    "psycopg 3 + pool": {"driver": "psycopg", "DATABASE_POOL": "true", "CONN_MAX_AGE": "0"},
}
PAGES = ["/", "/dashboard/{code}/charts/lights.json", "/plans/", "/api/v1/organizations/?page_size=20",
         "/healthz/ready"]


def base_env(database_url):
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    env.update({"DEBUG": "false", "SECRET_KEY": "bench-only-key-0f2c7d", "ALLOWED_HOSTS": "testserver",
                "DATABASE_URL": database_url, "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "WARNING",
                "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
                "DJANGO_SETTINGS_MODULE": "league_portal.settings"})
    return env


def prepare(database_url):
    server, name = database_url.rsplit("/", 1)
    exists = subprocess.run(["psql", f"{server}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
                            capture_output=True, text=True, check=True).stdout.strip()
    if not exists:
        subprocess.run(["psql", f"{server}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)
        env = base_env(database_url)
        for command in (["migrate", "--noinput"], ["load_demo"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)


def child(config, requests, orm):
    if CONFIGS[config]["driver"] == "psycopg2":
        sys.modules["psycopg"] = None  # Django's backend then imports psycopg2
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection, reset_queries
    from django.test import Client

    from orgs.models import Organization

    user = User.objects.get(username="demo_leader")
    code = user.role_assignments.first().organization.code
    pages = [page.format(code=code) for page in PAGES]
    client = Client()
    client.force_login(user)
    connection.close()
    for page in pages:  # warm up: templates, URL resolver, caches
        assert client.get(page).status_code == 200, page
    started = time.perf_counter()
    for number in range(requests):
        response = client.get(pages[number % len(pages)])
        assert response.status_code == 200
    pages_seconds = time.perf_counter() - started

    codes = list(Organization.objects.values_list("code", flat=True)[:50])
    started = time.perf_counter()
    for number in range(orm):
        Organization.objects.get(code=codes[number % len(codes)])
        list(Organization.objects.filter(depth__lte=3).order_by("path")[:20])
        Organization.objects.filter(depth=3).count()
        reset_queries()
    orm_seconds = time.perf_counter() - started
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    driver = f"psycopg {'3' if is_psycopg3 else '2'}"
    pooled = bool(connection.settings_dict.get("OPTIONS", {}).get("pool"))
    print(json.dumps({"config": config, "driver": driver, "pool": pooled, "pages_seconds": pages_seconds,
                      "orm_seconds": orm_seconds}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--orm", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.requests, args.orm)

    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    database_url = f"{server}/lp_bench_drivers"
    prepare(database_url)
    runs = {config: [] for config in CONFIGS}
    for round_number in range(args.rounds):
        for config, values in CONFIGS.items():
            env = {**base_env(database_url), **{k: v for k, v in values.items() if k != "driver"}}
            result = subprocess.run([sys.executable, __file__, "--child", config, "--requests", str(args.requests),
                                     "--orm", str(args.orm)], cwd=ROOT, env=env, capture_output=True, text=True)
            if result.returncode != 0:
                sys.exit(f"{config} failed:\n{result.stderr[-3000:]}")
            measured = json.loads(result.stdout.strip().splitlines()[-1])
            runs[config].append(measured)
            print(f"round {round_number + 1} {config:28} ({measured['driver']}, pool {measured['pool']}): "
                  f"pages {measured['pages_seconds']:.2f} s, ORM {measured['orm_seconds']:.2f} s", flush=True)

    lines = [
        f"\n### Database drivers ({date.today().isoformat()}, `bench/drivers.py`)\n",
        f"{os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL on 127.0.0.1, the demo data; "
        f"{args.requests} requests through the test client over {len(PAGES)} pages ({', '.join(PAGES)}) as "
        f"demo_leader, and {args.orm} ORM iterations of 3 queries on one connection; best of {args.rounds} rounds "
        "(each configuration in its own process, in turn).\n",
        "| configuration | pages: total | per request | ORM: total | per query | rounds (pages s) |",
        "|---|---|---|---|---|---|",
    ]
    for config, measured in runs.items():
        pages = min(run["pages_seconds"] for run in measured)
        orm = min(run["orm_seconds"] for run in measured)
        spread = ", ".join(f"{run['pages_seconds']:.2f}" for run in measured)
        lines.append(f"| {config} | {pages:.2f} s | {pages / args.requests * 1000:.2f} ms | {orm:.2f} s | "
                     f"{orm / (3 * args.orm) * 1000:.3f} ms | {spread} |")
    text = "\n".join(lines) + "\n"
    print(text)
    print("median pages s:", {c: round(statistics.median(r["pages_seconds"] for r in m), 2) for c, m in runs.items()})
    if not args.no_record:
        with open(ROOT / "bench" / "RESULTS.md", "a") as results:
            results.write(text)


if __name__ == "__main__":
    main()
