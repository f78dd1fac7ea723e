"""`make bench`: every key page at 150 participants, as a ratio to a hello view.

Builds the bench cohort (tools/bench_data.py) in the database of DATABASE_URL (PostgreSQL when
set; a SQLite file under .bench/ otherwise), serves it with gunicorn as production does
(DJANGO_DEBUG=false, collected static files, whitenoise), logs in through the real login form,
then measures each page with wrk at 50 connections, interleaved with the reference, an
anonymous hello view of the same server: hello, page, hello, page, ... so that both see the
same machine. Each page's figure is the median over the rounds of its req/s divided by the
hello req/s measured just before it.

    python tools/bench.py [--rounds 3] [--seconds 5] [--connections 50] [--workers 2]
                          [--pages home,schedule,...] [--json results.json]

It never touches another cohort; still, point DATABASE_URL at a database you can throw away.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.bench_http import (
    BASE_DIR,
    PYTHON,
    WORK_DIR,
    WRK_SCRIPT,
    fetch,
    log_in,
    settle,
    start_server,
    wrk,
)

SLUG = "bench"
PASSWORD = "bench-password"  # noqa: S105 - a throwaway cohort's login
LOGINS = {
    "participant": "p001@bench.test",
    "ta": "ta1@bench.test",
    "mentor": "mentor@bench.test",
    "operations": "ops@bench.test",
}


@dataclass
class Page:
    key: str
    label: str
    path: str
    who: str
    # The issue's figures before any speedup (ratio to hello, p95 ms, KB), for comparison.
    issue: tuple = ()


PAGES = [
    Page("hello", "hello, anonymous (the reference)", "/bench/hello", "anonymous"),
    Page(
        "hello_session",
        "hello with a session cookie",
        "/bench/hello",
        "participant",
        (0.247, 95, None),
    ),
    Page("healthz", "/healthz", "/healthz", "anonymous"),
    Page("home", "home", f"/c/{SLUG}/", "participant", (0.027, 693, 11.8)),
    Page("schedule", "schedule", f"/c/{SLUG}/schedule/", "participant", (0.017, 1189, 38.8)),
    Page("budget", "budget (ledger)", f"/c/{SLUG}/compute/", "participant"),
    Page("ta", "TA dashboard", f"/c/{SLUG}/ta/", "ta", (0.015, 1504, 25.9)),
    Page("partners", "partner board", f"/c/{SLUG}/partners/", "participant", (0.015, 1782, 111.5)),
    Page(
        "suggestions",
        "partner suggestions",
        f"/c/{SLUG}/overview/partners/",
        "mentor",
        (0.012, 2012, 14.3),
    ),
    Page(
        "slideshow", "slideshow", f"/c/{SLUG}/people/slideshow/", "participant", (0.011, 1906, 178)
    ),
    Page("gallery", "gallery", f"/c/{SLUG}/people/", "participant", (0.010, 1416, 161)),
    Page("overview", "mentor overview", f"/c/{SLUG}/overview/", "mentor", (0.011, 1937, 24.1)),
    Page(
        "announcements",
        "announcements",
        f"/c/{SLUG}/announcements/",
        "participant",
        (0.009, 1831, 24.6),
    ),
    Page("admin_pairs", "admin pairs", "/admin/sprints/pair/", "mentor", (0.009, 2353, 61)),
    Page("admin_claims", "admin claims", "/admin/compute/claim/", "mentor", (0.008, 1728, 85)),
    Page(
        "review",
        "claims review (operations)",
        f"/c/{SLUG}/compute/review/",
        "operations",
        (0.006, 3167, 117),
    ),
]


@dataclass
class Result:
    ratios: list = field(default_factory=list)
    rates: list = field(default_factory=list)
    hello_rates: list = field(default_factory=list)
    p95s: list = field(default_factory=list)
    problems: list = field(default_factory=list)


def server_env(args) -> dict:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{WORK_DIR / 'bench.sqlite3'}")
    env.update(
        {
            "DJANGO_DEBUG": "false",
            "SECRET_KEY": env.get("BENCH_SECRET_KEY", "bench-only-key-" + "x" * 40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_HTTPS": "false",
            "BENCH_ENDPOINTS": "true",
            "MEDIA_ROOT": str(WORK_DIR / "media"),
            "PRIVATE_MEDIA_ROOT": str(WORK_DIR / "private"),
            "STATIC_ROOT": str(WORK_DIR / "static"),
            "LOG_LEVEL": "WARNING",
            # As in production: each worker keeps its database connection between requests.
            "DATABASE_CONN_MAX_AGE": "60",
            "DJANGO_SETTINGS_MODULE": "cohort.settings",
        }
    )
    return env


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, env=env, cwd=BASE_DIR, check=True, **kwargs)  # noqa: S603


def prepare(env) -> dict:
    """Migrate, collect static files and build the cohort; return its figures."""
    WORK_DIR.mkdir(exist_ok=True)
    run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env)
    run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"], env)
    # Building runs the apps' services: with REDIS_URL their tasks would wait in the broker
    # for a worker; without it they run in-process and write to the log.
    build_env = {k: v for k, v in env.items() if k != "REDIS_URL"}
    out = run([PYTHON, __file__, "build"], build_env, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def build_command() -> None:
    import django

    django.setup()
    from tools import bench_data

    print(json.dumps(bench_data.build()))


def fmt(value, pattern="{:.3f}"):
    return "-" if value is None else pattern.format(value)


def compare_workers(args, env, pages, counts: list[int]) -> None:
    """The same pages on one gunicorn per worker count, measured in turn within each round, so
    that every count sees the same machine; prints each page's median req/s and p95 per count."""
    servers = {}
    try:
        for count in counts:
            servers[count] = start_server(env, count)
        first = servers[counts[0]][1]
        # One database and one secret key: a session made on one server is valid on all.
        cookies = {who: log_in(first, email, PASSWORD) for who, email in LOGINS.items()}
        cookies["anonymous"] = ""
        for _process, base in servers.values():
            for page in pages:
                for _ in range(2 * max(counts)):
                    fetch(base, page.path, cookies[page.who], "")
        rates = {(page.key, count): [] for page in pages for count in counts}
        p95s = {key: [] for key in rates}
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        for _ in range(args.rounds):
            for page in pages:
                for count in counts:
                    base = servers[count][1]
                    settle(base)
                    result = wrk(
                        base + page.path, cookies[page.who], args.seconds, args.connections,
                        script.name,
                    )  # fmt: skip
                    rates[(page.key, count)].append(result["rate"])
                    p95s[(page.key, count)].append(result["p95_us"] / 1000)
        os.unlink(script.name)
    finally:
        for process, _base in servers.values():
            process.terminate()
            process.wait(timeout=30)
    load = os.getloadavg()
    print()
    print(
        f"gunicorn worker counts {counts}, measured in turn; wrk -c {args.connections}, "
        f"{args.rounds} rounds of {args.seconds} s; {os.cpu_count()} CPUs, load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print()
    print("| page | " + " | ".join(f"{n} workers: req/s (p95 ms)" for n in counts) + " |")
    print("| --- |" + " --- |" * len(counts))
    for page in pages:
        cells = [
            f"{statistics.median(rates[(page.key, n)]):.1f} "
            f"({statistics.median(p95s[(page.key, n)]):.0f})"
            for n in counts
        ]
        print(f"| {page.label} | " + " | ".join(cells) + " |")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", default="", help="comma-separated keys; all when empty")
    parser.add_argument("--json", default="", help="also write the results to this file")
    parser.add_argument(
        "--compare-workers",
        default="",
        help="e.g. 2,3,4: one gunicorn per count, pages measured on each in turn (req/s)",
    )
    args = parser.parse_args(argv)

    # A `kill` of the benchmark still stops the gunicorn it started (the `finally` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `make bench` installs it (apt-get install wrk).")
    env = server_env(args)
    database = env["DATABASE_URL"].split("://")[0]
    figures = prepare(env)
    pages = PAGES
    if args.pages:
        wanted = ["hello", *args.pages.split(",")]
        pages = [page for page in PAGES if page.key in wanted]
    if args.compare_workers:
        compare_workers(args, env, pages, [int(n) for n in args.compare_workers.split(",")])
        return
    process, base = start_server(env, args.workers)
    try:
        cookies = {who: log_in(base, email, PASSWORD) for who, email in LOGINS.items()}
        cookies["anonymous"] = ""
        sizes = {}
        for page in pages:
            for _ in range(2 * args.workers):  # every worker renders each page once first
                plain = fetch(base, page.path, cookies[page.who], "")
            sent = fetch(base, page.path, cookies[page.who], "gzip, deflate, br")
            sizes[page.key] = (plain, sent)
            if plain["status"] != 200:
                raise SystemExit(f"{page.path} as {page.who} answered {plain['status']}")
        results = {page.key: Result() for page in pages}
        hello = next(page for page in pages if page.key == "hello")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        for _ in range(args.rounds):
            for page in pages:
                if page is hello:
                    continue
                settle(base)
                before = wrk(
                    base + hello.path, cookies[hello.who], args.seconds, args.connections,
                    script.name,
                )  # fmt: skip
                settle(base)
                after = wrk(
                    base + page.path, cookies[page.who], args.seconds, args.connections,
                    script.name,
                )  # fmt: skip
                for key, figures_ in ((hello.key, before), (page.key, after)):
                    result = results[key]
                    result.rates.append(figures_["rate"])
                    result.p95s.append(figures_["p95_us"] / 1000)
                    if figures_["bad_status"] or figures_["errors"]:
                        result.problems.append(figures_)
                results[page.key].hello_rates.append(before["rate"])
                results[page.key].ratios.append(after["rate"] / before["rate"])
        os.unlink(script.name)
    finally:
        process.terminate()
        process.wait(timeout=30)

    load = os.getloadavg()
    print()
    print(
        f"bench: {figures['participants']} participants, {figures['photos']} photos, "
        f"{figures['claims']} claims ({figures['submitted claims']} submitted), "
        f"{figures['events']} events, {figures['announcements']} announcements, "
        f"{figures['partner board entries']} on the partner board"
    )
    print(
        f"gunicorn --workers {args.workers} on {database}; wrk -c {args.connections}, "
        f"{args.rounds} rounds of {args.seconds:g} s per page, each after a hello run; "
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print()
    header = (
        "| page | who | ratio to hello (median) | ratios per round | req/s | p95 ms | queries "
        "| KB | KB sent | issue: ratio | issue: p95 ms | issue: KB |"
    )
    print(header)
    print("|" + " --- |" * 12)
    rows = []
    for page in pages:
        result = results[page.key]
        plain, sent = sizes[page.key]
        ratio = statistics.median(result.ratios) if result.ratios else None
        if page is hello:  # the reference: its spread over all runs
            hello_all = result.rates
            ratio_text = "1"
            rounds_text = (
                f"{len(hello_all)} runs, {min(hello_all):.0f} to {max(hello_all):.0f} req/s"
            )
        else:
            ratio_text = fmt(ratio)
            rounds_text = " / ".join(f"{r:.3f}" for r in result.ratios)
        issue = page.issue or (None, None, None)
        encoding = f" ({sent['encoding']})" if sent["encoding"] else ""
        row = {
            "page": page.label,
            "who": page.who,
            "ratio": ratio,
            "ratios": result.ratios,
            "rate": statistics.median(result.rates),
            "p95_ms": statistics.median(result.p95s),
            "queries": plain["queries"],
            "kb": plain["bytes"] / 1000,
            "kb_sent": sent["bytes"] / 1000,
            "encoding": sent["encoding"],
            "problems": result.problems,
        }
        rows.append(row)
        print(
            f"| {page.label} | {page.who} | {ratio_text} | {rounds_text} | {row['rate']:.1f} "
            f"| {row['p95_ms']:.0f} | {plain['queries']} | {row['kb']:.1f} "
            f"| {row['kb_sent']:.1f}{encoding} | {fmt(issue[0])} | {fmt(issue[1], '{:.0f}')} "
            f"| {fmt(issue[2], '{:g}')} |"
        )
    for row in rows:
        for problem in row["problems"]:
            print(f"warning: {row['page']}: {problem['bad_status']} bad statuses, "
                  f"{problem['errors']} socket errors in one run")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps({"figures": figures, "rows": rows}, indent=2))


if __name__ == "__main__":
    if sys.argv[1:2] == ["build"]:
        build_command()
    else:
        main()
