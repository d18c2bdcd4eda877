"""Load the main pages as a phone on emulated 3G and write the times to bench/results/pages.json.

A production-like server (DEBUG off, static files collected and pre-compressed by WhiteNoise, pages
compressed by the middleware) runs on the demo data; Debian's chromium opens each page at 360 x 740
through Playwright with the Chrome DevTools Protocol's network emulation (DevTools' "Fast 3G":
562.5 ms round trip, 1.44 Mbit/s down, 675 kbit/s up). Each page is loaded cold (cache disabled: a
first visit) and warm (cache on: the next page of a visit), five times each; the medians are kept,
with the bytes transferred.

    .venv/bin/python bench/bench_pages.py            # builds var/bench/pages.sqlite3 once (demo data)
    .venv/bin/python bench/bench_pages.py --port 8642 --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH_DIR = REPO / "var" / "bench"
RESULTS = REPO / "bench" / "results" / "pages.json"
PYTHON = str(REPO / ".venv" / "bin" / "python")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FAST_3G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1_600_000 * 0.9 / 8,
    "uploadThroughput": 750_000 * 0.9 / 8,
}
DEMO_PASSWORD = "hoctap-demo-2026"


def environment() -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{BENCH_DIR / 'pages.sqlite3'}",
            "HOCTAP_VAR_DIR": str(BENCH_DIR / "pages-var"),
            "STATIC_ROOT": str(BENCH_DIR / "pages-static"),
            # DEBUG is off: a throwaway key for this run (the public development key is refused).
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "SECURE_COOKIES": "0",  # plain http on 127.0.0.1
            "LOG_LEVEL": "WARNING",
            "DEBUG": "0",
        }
    )
    return env


def manage(env: dict, *args: str, debug: bool = False) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=REPO,
        check=True,
        env={**env, "DEBUG": "1" if debug else "0"},
        stdout=subprocess.DEVNULL,
    )


def prepare(env: dict) -> None:
    """The demo database (once) and the static files, collected and compressed as in production."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if not (BENCH_DIR / "pages.sqlite3").exists():
        for step in (("migrate", "--noinput"), ("load_territories",), ("ensure_dev_keys",), ("load_demo",)):
            print("·", " ".join(step), flush=True)
            manage(env, *step, debug=True)
    manage(env, "collectstatic", "--noinput", "--clear")


def journeys(env: dict) -> dict[str, list[str]]:
    """The main pages of each demo role, with the ids of the demo database."""
    code = (
        "import django, json; django.setup()\n"
        "from hoctap.accounts.models import RoleAssignment as R\n"
        "unit = lambda u: R.objects.filter(user__username=u).values_list('unit_id', 'unit__code')[0]\n"
        "print(json.dumps({u: unit(u) for u in ('canboxa', 'canbotinh')}))\n"
    )
    out = subprocess.run(
        [PYTHON, "-c", code],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "hoctap.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    units = json.loads(out.strip().splitlines()[-1])
    commune_id, province_id = units["canboxa"][0], units["canbotinh"][0]
    province_code = units["canbotinh"][1]
    return {
        "": ["/", "/login/", "/signup/", "/verify/", f"/public/province/{province_code}/"],
        "congdan": ["/", "/my/"],
        "canboxa": ["/", "/registry/households/", "/assessments/", f"/stats/units/{commune_id}/", "/reports/"],
        "canbotinh": ["/", f"/stats/units/{province_id}/"],
    }


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def measure(base: str, pages: dict[str, list[str]], runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for username, urls in pages.items():
            context = browser.new_context(
                viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="vi-VN"
            )
            page = context.new_page()
            if username:
                page.goto(f"{base}/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", DEMO_PASSWORD)
                page.keyboard.press("Enter")
                page.wait_for_url(f"{base}/")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", FAST_3G)
            for url in urls:
                row = {"user": username or "(khách)", "url": url}
                for mode, disabled in (("cold", True), ("warm", False)):
                    cdp.send("Network.setCacheDisabled", {"cacheDisabled": disabled})
                    times, sizes = [], []
                    for _ in range(runs):
                        page.goto(f"{base}{url}", wait_until="load")
                        timing = page.evaluate(
                            "() => { const n = performance.getEntriesByType('navigation')[0];"
                            " const r = performance.getEntriesByType('resource');"
                            " return [n.loadEventEnd, n.transferSize + r.reduce((s, e) => s + e.transferSize, 0)]; }"
                        )
                        times.append(timing[0])
                        sizes.append(timing[1])
                    row[f"{mode}_ms"] = round(statistics.median(times))
                    row[f"{mode}_bytes"] = round(statistics.median(sizes))
                print(
                    f"{row['user']:>10} {url:<32} cold {row['cold_ms']:>5} ms {row['cold_bytes']:>7} B"
                    f" · warm {row['warm_ms']:>5} ms {row['warm_bytes']:>7} B",
                    flush=True,
                )
                rows.append(row)
            context.close()
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8642)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = environment()
    prepare(env)
    pages = journeys(env)
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{args.port}", "--noreload"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{args.port}"
        wait_for(f"{base}/login/")
        rows = measure(base, pages, args.runs)
    finally:
        server.terminate()
        server.wait(10)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "network": "DevTools Fast 3G (562.5 ms RTT, 1.44 Mbit/s down, 675 kbit/s up)",
                "viewport": "360x740",
                "runs": args.runs,
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "when": time.strftime("%Y-%m-%d"),
                "pages": rows,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n"
    )
    print(f"→ {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
