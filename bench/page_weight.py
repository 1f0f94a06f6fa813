"""Benchmark: bytes a phone downloads on the first load of the buyer's pages (issue 18).

The demo city (`seed_demo`, a short history) on SQLite with production settings: DEBUG off,
collectstatic with whitenoise's compressed, fingerprinted files, gunicorn. Debian's chromium at
360x740 opens each page with an empty cache, in a fresh browser context, and the DevTools
protocol counts the bytes that came over the wire (Network.loadingFinished encodedDataLength:
headers and bodies, compressed where the server compresses: whitenoise serves static files
gzip/brotli, the HTML goes as it is) and, for reference, the bytes unpacked (dataReceived).
Product photos are left out, as the budget says; everything else (HTML, CSS, JavaScript,
icons) counts.

Pages: home, search ("keripik"), a product page, the cart with one product and the checkout,
the last two as the demo buyer. Target: each under 100 KB (102,400 bytes). Sizes hardly vary
between runs (a CSRF token); the median of --repeat runs is reported.
"""

from __future__ import annotations

import os
import shutil
import statistics
from pathlib import Path

from bench import harness
from bench.orders_http import Gunicorn, gunicorn_env

NAME = "page_weight"
BUDGET = 100 * 1024
PHOTOS = "/media/"


def add_arguments(parser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument("--weight-chromium", default=shutil.which("chromium") or "chromium")


def _prepare(var_dir: Path, env: dict) -> None:
    for step in (
        ("migrate", "--no-input", "-v", "0"),
        ("load_regions",),
        ("load_agencies",),
        ("load_categories",),
        ("seed_demo", "--history-orders", "20", "--quiet-logins"),
        ("collectstatic", "--no-input", "-v", "0"),
    ):
        # seed_demo refuses production settings; it seeds the same database file, with the
        # same encryption keys, under local ones.
        step_env = dict(env, MALPRO_ENV="local", DEBUG="1") if step[0] == "seed_demo" else env
        harness.checked(harness.run_child(harness.manage(*step), step_env), " ".join(step))


def _weigh(browser, base: str, path: str, login: tuple[str, str] | None, cart: int | None):
    """(bytes on the wire without photos, photo bytes, requests) of one first load of path."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        base_url=base,
        extra_http_headers={"X-Forwarded-Proto": "https"},
    )
    try:
        page = context.new_page()
        if login:
            page.goto("/akun/masuk/")
            page.get_by_label("Nomor HP").fill(login[0])
            page.get_by_label("Kata sandi").fill(login[1])
            page.get_by_role("button", name="Masuk").click()
            page.wait_for_load_state()
            if cart:
                page.goto(f"/produk/{cart}/")
                page.get_by_role("button", name="Tambah ke keranjang").first.click()
                page.wait_for_load_state()
        # A first load: the browser's cache emptied, as on a phone that never opened Malpro.
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        urls: dict[str, str] = {}
        sizes = {"other": 0, "photos": 0, "requests": 0, "unpacked": 0}
        cdp.on(
            "Network.requestWillBeSent",
            lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
        )

        def finished(event):
            kind = "photos" if PHOTOS in urls.get(event["requestId"], "") else "other"
            sizes[kind] += int(event["encodedDataLength"])
            sizes["requests"] += 1

        def received(event):
            if PHOTOS not in urls.get(event["requestId"], ""):
                sizes["unpacked"] += int(event["dataLength"])

        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.dataReceived", received)
        response = page.goto(path, wait_until="networkidle")
        if response is None or response.status != 200:
            raise harness.BenchError(f"{path}: {response.status if response else 'no answer'}")
        return sizes["other"], sizes["photos"], sizes["requests"], page.url, sizes["unpacked"]
    finally:
        context.close()


def run(args) -> int:
    from playwright.sync_api import sync_playwright

    repeat = args.repeat
    with harness.workdir("malpro-weight-", keep=args.keep) as var_dir:
        env = harness.django_env(var_dir=var_dir)
        _prepare(var_dir, env)
        child = harness.run_child(
            harness.manage(
                "shell",
                "-c",
                "from malpro.catalog.models import Product;"
                "p = Product.objects.filter(status='published', stock__gt=0, variants__isnull=True)"
                ".order_by('pk').first(); print(p.pk)",
            ),
            env,
        )
        product = int(harness.checked(child, "find a product").stdout.strip().splitlines()[-1])
        server = Gunicorn(env=gunicorn_env(env), workers=2).start(var_dir)
        buyer = ("0811-0000-0007", "malpro-demo")
        pages = [
            ("home", "/", None, None),
            ("search", "/cari/?q=keripik", None, None),
            ("product", f"/produk/{product}/", None, None),
            ("cart", "/keranjang/", buyer, product),
            ("checkout", "/checkout/", buyer, product),
        ]
        results: dict[str, list] = {name: [] for name, *_ in pages}
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=args.weight_chromium,
                    args=["--headless=new", "--no-sandbox", "--disable-gpu"],
                )
                for _ in range(repeat):
                    for name, path, login, cart in pages:
                        results[name].append(
                            _weigh(browser, f"http://localhost:{server.port}", path, login, cart)
                        )
                browser.close()
        finally:
            server.stop()
    rows, figures, missed = [], {}, []
    for name, runs in results.items():
        other = int(statistics.median(r[0] for r in runs))
        photos = int(statistics.median(r[1] for r in runs))
        requests = int(statistics.median(r[2] for r in runs))
        unpacked = int(statistics.median(r[4] for r in runs))
        figures[name] = {
            "bytes": other,
            "unpacked_bytes": unpacked,
            "photo_bytes": photos,
            "requests": requests,
            "url": runs[0][3],
        }
        met = other < BUDGET
        if not met:
            missed.append(f"{name} {other / 1024:.1f} KB")
        rows.append(
            [
                name,
                f"{other / 1024:.1f}",
                f"{unpacked / 1024:.1f}",
                requests,
                f"{photos / 1024:.1f}",
                "yes" if met else "NO",
            ]
        )
    headers = ["page", "KB on the wire", "KB unpacked", "requests", "photos KB", "< 100 KB"]
    print(harness.table(headers, rows))
    data = {
        "name": NAME,
        "started": harness.now_iso(),
        "machine": harness.machine(),
        "revision": harness.git_revision(),
        "runs": repeat,
        "budget_bytes": BUDGET,
        "pages": figures,
        "chromium": os.path.basename(args.weight_chromium),
    }
    return harness.conclude(NAME, data, missed=missed, problems=[], strict=args.strict)
