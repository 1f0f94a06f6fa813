"""The Django side of the `checkout` and `webhooks` benchmarks: runs in its own process, started
by the harness (bench/checkout.py, bench/webhooks.py).

    python -m bench.orders_child setup --spec SPEC.json --out SETUP.json
    python -m bench.orders_child touch-tokens
    python -m bench.orders_child verify-checkout --setup SETUP.json --responses RESP.json
    python -m bench.orders_child profile-checkout --setup SETUP.json --out PREFIX [--count N]
    python -m bench.orders_child payments --out PAYMENTS.json
    python -m bench.orders_child verify-webhooks --plan PLAN.json

Prints one line `BENCH-RESULT {json}` on stdout. `setup` creates the marketplace quickly
(bulk_create): sellers with active shops (pickup), published products with stock, buyers with
API tokens and carts already filled, so that the measured requests are the checkouts alone.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from bench._child import emit, setup_django

VILLAGE = "35.73.05.1003"  # Sumbersari, Lowokwaru
ADDRESS = {
    "village_code": VILLAGE,
    "street": "Jl. Sumbersari Gg. 2 No. 5",
    "contact_phone": "081234500001",
    "contact_name": "Pembeli Benchmark",
}
FOODS = (
    "Keripik Tempe",
    "Sambal Bawang",
    "Kopi Dampit",
    "Bakpia Kacang Hijau",
    "Kerupuk Samiler",
    "Apel Batu",
    "Brem Madiun",
    "Jamu Kunyit Asam",
    "Rengginang",
    "Kue Lumpur",
)


# --- setup ---------------------------------------------------------------------------------------
def _users(prefix: str, count: int, start: int, name: str, password_hash: str):
    from django.utils import timezone

    from malpro.accounts.models import User

    now = timezone.now()
    users = [
        User(
            phone=f"+62{prefix}{start + n:08d}",
            name=f"{name} {start + n}",
            password=password_hash,
            date_joined=now,
            phone_verified_at=now,
        )
        for n in range(count)
    ]
    return User.objects.bulk_create(users, batch_size=1000)


def _tokens(users) -> list[str]:
    """API tokens as api_token_issue makes them; the raw tokens go to the harness."""
    from django.conf import settings
    from django.utils import timezone

    from malpro.accounts.models import ApiToken

    now = timezone.now()
    raws, rows = [], []
    for user in users:
        raw = "mp_" + secrets.token_urlsafe(32)
        raws.append(raw)
        rows.append(
            ApiToken(
                user=user,
                key_hash=ApiToken.hash(raw),
                prefix=raw[:10],
                name="benchmark",
                created_at=now,
                expires_at=now + timezone.timedelta(days=settings.MALPRO_API_TOKEN_DAYS),
                last_used_at=now,
            )
        )
    ApiToken.objects.bulk_create(rows, batch_size=1000)
    return raws


def setup_command(args) -> dict:
    startup_s = setup_django()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from malpro.accounts.models import Role, RoleAssignment
    from malpro.catalog.models import Category, Product, ProductStatus
    from malpro.catalog.search.engine import reindex
    from malpro.orders.models import Cart, CartItem, ShopDelivery
    from malpro.regions.models import Village
    from malpro.umkm.models import Business, Status, name_key
    from malpro.umkm.scale import classify

    spec = json.loads(Path(args.spec).read_text())
    rng = random.Random(spec.get("seed", 35730))
    started = time.perf_counter()
    password = make_password(secrets.token_urlsafe(12))
    village = Village.objects.get(code=VILLAGE)
    categories = list(
        Category.objects.filter(parent__isnull=False, is_active=True).order_by("pk")
    ) or list(Category.objects.order_by("pk"))
    if not categories:
        raise SystemExit("no categories: run load_categories first")
    now = timezone.now()
    n_sellers = spec["sellers"] + (1 if spec.get("race_buyers") else 0)
    per_shop = spec["products_per_seller"]
    with transaction.atomic():
        sellers = _users("811", n_sellers, 1, "Penjual", password)
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=u, role=Role.SELLER) for u in sellers], batch_size=1000
        )
        shops = []
        for n, seller in enumerate(sellers):
            shop_name = f"UMKM {rng.choice(FOODS)} {n + 1}"
            shops.append(
                Business(
                    name=shop_name,
                    name_key=name_key(shop_name),
                    owner=seller,
                    owner_name=seller.name,
                    phone=seller.phone,
                    address=f"Jl. Benchmark {n + 1}",
                    village=village,
                    sector="makanan_minuman",
                    scale=classify(capital=None, annual_sales=None),
                    status=Status.ACTIVE,
                    on_marketplace=True,
                    status_changed_at=now,
                )
            )
        shops = Business.objects.bulk_create(shops, batch_size=1000)
        ShopDelivery.objects.bulk_create(
            [ShopDelivery(business=b, pickup=True, delivery=False) for b in shops], batch_size=1000
        )
        products, initial = [], {}
        race_shop = shops[-1] if spec.get("race_buyers") else None
        pool_shops = shops[:-1] if race_shop else shops
        for shop in pool_shops:
            for k in range(per_shop):
                name = f"{rng.choice(FOODS)} {shop.pk}-{k + 1}"
                products.append(
                    Product(
                        business=shop,
                        name=name,
                        name_key=name_key(name),
                        category=categories[(shop.pk + k) % len(categories)],
                        price=rng.randrange(5, 150) * 1000,
                        stock=spec["product_stock"],
                        status=ProductStatus.PUBLISHED,
                        published_at=now,
                        weight_grams=250,
                    )
                )
        race_product = None
        if race_shop:
            race_product = Product(
                business=race_shop,
                name="Keripik Tempe Edisi Terbatas",
                name_key=name_key("Keripik Tempe Edisi Terbatas"),
                category=categories[0],
                price=25000,
                stock=spec["race_stock"],
                status=ProductStatus.PUBLISHED,
                published_at=now,
                weight_grams=250,
            )
            products.append(race_product)
        products = Product.objects.bulk_create(products, batch_size=1000)
        for product in products:
            initial[product.pk] = product.stock
        reindex([p.pk for p in products])  # search rows exist, so stock_changed has work to do
        by_shop: dict[int, list] = defaultdict(list)
        for product in products:
            if race_product is None or product.pk != race_product.pk:
                by_shop[product.business_id].append(product)
        shop_ids = sorted(by_shop)

        groups = {}
        cart_items = []
        for index, (group, count) in enumerate(spec["buyer_groups"].items()):
            buyers = _users(f"812{index}", count, 1, f"Pembeli {group}", password)
            tokens = _tokens(buyers)
            carts = Cart.objects.bulk_create(
                [Cart(user=b, created_at=now) for b in buyers], batch_size=1000
            )
            entries = []
            for buyer, token, cart in zip(buyers, tokens, carts, strict=True):
                if group == "race":
                    chosen = [(race_product, 1)]
                else:
                    shop_id = rng.choice(shop_ids)
                    lines = min(spec["lines"], len(by_shop[shop_id]))
                    chosen = [
                        (p, rng.randint(1, spec.get("max_quantity", 3)))
                        for p in rng.sample(by_shop[shop_id], lines)
                    ]
                for product, quantity in chosen:
                    cart_items.append(
                        CartItem(
                            cart=cart,
                            product=product,
                            quantity=quantity,
                            price_seen=product.price,
                            added_at=now,
                        )
                    )
                entries.append(
                    {
                        "buyer": buyer.pk,
                        "token": token,
                        "business_id": chosen[0][0].business_id,
                        "items": [[p.pk, q] for p, q in chosen],
                        "total": sum(p.price * q for p, q in chosen),
                    }
                )
            groups[group] = entries
        CartItem.objects.bulk_create(cart_items, batch_size=2000)
    out = {
        "address": ADDRESS,
        "groups": groups,
        "initial_stock": {str(k): v for k, v in initial.items()},
        "race_product": None
        if race_product is None
        else {
            "id": race_product.pk,
            "name": race_product.name,
            "business_id": race_product.business_id,
            "stock": race_product.stock,
        },
        "counts": {
            "sellers": len(sellers),
            "products": len(products),
            "buyers": sum(len(v) for v in groups.values()),
            "cart_items": len(cart_items),
        },
    }
    Path(args.out).write_text(json.dumps(out))
    return {"startup_s": startup_s, "seconds": time.perf_counter() - started, **out["counts"]}


def touch_tokens_command(args) -> dict:
    """Marks every token as used just now, as the buyer's last request (filling the cart) would
    have done, so the checkout does not pay for the once-a-minute last_used_at write."""
    setup_django()
    from django.utils import timezone

    from malpro.accounts.models import ApiToken

    return {"touched": ApiToken.objects.update(last_used_at=timezone.now())}


# --- checks --------------------------------------------------------------------------------------
def verify_checkout_command(args) -> dict:
    """Checks the database against the HTTP answers: stock taken equals what the orders hold
    (for every product), every order has its lines, no stock below zero, the buyers that were
    refused still have their cart, and the race product sold exactly its stock."""
    setup_django()
    from django.db.models import Count, F, Q, Sum

    from malpro.catalog.models import Product, Variant
    from malpro.orders.models import CartItem, Checkout, Order, OrderLine, OrderStatus

    setup = json.loads(Path(args.setup).read_text())
    responses = json.loads(Path(args.responses).read_text())
    problems: list[str] = []
    closed = [OrderStatus.CANCELLED, OrderStatus.REJECTED]

    sold = dict(
        OrderLine.objects.exclude(order__status__in=closed)
        .values_list("product_id")
        .annotate(q=Sum("quantity"))
    )
    stock = dict(Product.objects.values_list("pk", "stock"))
    mismatched = 0
    for pid, first in setup["initial_stock"].items():
        taken = first - stock[int(pid)]
        if taken != sold.get(int(pid), 0):
            mismatched += 1
            if mismatched <= 5:
                problems.append(
                    f"product {pid}: stock went down by {taken} but orders hold "
                    f"{sold.get(int(pid), 0)}"
                )
    if mismatched > 5:
        problems.append(f"... {mismatched} products in all whose stock and orders disagree")
    negative = (
        Product.objects.filter(stock__lt=0).count() + Variant.objects.filter(stock__lt=0).count()
    )
    if negative:
        problems.append(f"{negative} products or variants with negative stock")
    lineless = Order.objects.annotate(n=Count("lines")).filter(n=0).count()
    if lineless:
        problems.append(f"{lineless} orders without lines")
    wrong_total = (
        Order.objects.annotate(s=Sum("lines__line_total")).exclude(items_total=F("s")).count()
    )
    if wrong_total:
        problems.append(f"{wrong_total} orders whose items_total is not the sum of their lines")
    empty_checkouts = Checkout.objects.annotate(n=Count("orders")).filter(n=0).count()
    if empty_checkouts:
        problems.append(f"{empty_checkouts} checkouts without orders")

    ok = [r for r in responses if r["status"] in (200, 201)]
    refused = [r for r in responses if r["status"] == 409]
    answered_orders = {o for r in ok for o in r.get("orders", [])}
    db_orders = dict(Order.objects.values_list("pk", "buyer_id"))
    if set(db_orders) != answered_orders:
        problems.append(
            f"{len(db_orders)} orders in the database, {len(answered_orders)} in 2xx answers "
            f"({len(set(db_orders) - answered_orders)} unanswered, "
            f"{len(answered_orders - set(db_orders))} missing)"
        )
    wrong_buyer = sum(1 for r in ok for o in r.get("orders", []) if db_orders.get(o) != r["buyer"])
    if wrong_buyer:
        problems.append(f"{wrong_buyer} orders belong to another buyer than the one answered")
    checkouts = Checkout.objects.count()
    if checkouts != len(ok):
        problems.append(f"{checkouts} checkouts in the database, {len(ok)} successful answers")
    carts_left = set(
        CartItem.objects.filter(cart__user_id__in=[r["buyer"] for r in responses]).values_list(
            "cart__user_id", flat=True
        )
    )
    kept_after_ok = sum(1 for r in ok if r["buyer"] in carts_left)
    lost_after_409 = sum(1 for r in refused if r["buyer"] not in carts_left)
    if kept_after_ok:
        problems.append(f"{kept_after_ok} buyers still have a cart after a successful checkout")
    if lost_after_409:
        problems.append(f"{lost_after_409} refused buyers lost their cart")

    result = {
        "orders": len(db_orders),
        "checkouts": checkouts,
        "lines": OrderLine.objects.count(),
        "units_sold": sum(sold.values()),
        "products_checked": len(setup["initial_stock"]),
        "negative_stock": negative,
    }
    race = setup.get("race_product")
    if race and args.race:
        pid = race["id"]
        race_sold = sold.get(pid, 0)
        race_orders = (
            Order.objects.exclude(status__in=closed).filter(lines__product_id=pid).distinct()
        )
        buyers = race_orders.values("buyer_id").distinct().count()
        now_stock = stock[pid]
        result["race"] = {
            "units_sold": race_sold,
            "stock_left": now_stock,
            "orders": race_orders.count(),
            "distinct_buyers": buyers,
            "orders_with_two_lines_of_it": OrderLine.objects.filter(product_id=pid)
            .values("order_id")
            .annotate(n=Count("id"))
            .filter(Q(n__gt=1))
            .count(),
        }
        if race_sold != race["stock"]:
            problems.append(f"race: {race_sold} units sold, stock was {race['stock']}")
        if now_stock != 0:
            problems.append(f"race: stock left {now_stock}, expected 0")
        if buyers != race["stock"]:
            problems.append(f"race: {buyers} distinct buyers got it, expected {race['stock']}")
    return {"problems": problems, **result}


# --- profile -------------------------------------------------------------------------------------
class _QueryLog:
    """Times every SQL statement (execute_wrapper works with DEBUG off)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.by_kind: Counter = Counter()
        self.statements: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - start
            self.count += 1
            self.seconds += spent
            self.by_kind[sql.split(None, 1)[0].upper()] += 1
            self.statements.append((spent, sql))


def profile_checkout_command(args) -> dict:
    """One checkout at a time through Django's test Client (the whole request: middleware, auth,
    ninja, the service), the first few as a warm-up, then `count` under cProfile, every SQL
    statement timed."""
    startup_s = setup_django()
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from malpro.accounts.models import ApiToken

    setup = json.loads(Path(args.setup).read_text())
    buyers = setup["groups"]["profile"]
    # As touch-tokens before the HTTP runs: the buyer used the token a moment ago.
    ApiToken.objects.filter(user_id__in=[b["buyer"] for b in buyers]).update(
        last_used_at=timezone.now()
    )
    warm, measured = buyers[: args.warmup], buyers[args.warmup : args.warmup + args.count]
    client = Client(HTTP_HOST="localhost")

    def checkout(entry, n):
        body = {
            "address": setup["address"],
            "sellers": [{"business_id": entry["business_id"], "delivery": "pickup"}],
            "payment_method": "cod",
        }
        response = client.post(
            "/api/v1/checkout",
            json.dumps(body),
            content_type="application/json",
            secure=True,
            headers={"Authorization": f"Bearer {entry['token']}", "Idempotency-Key": f"p-{n}"},
        )
        if response.status_code not in (200, 201):
            raise SystemExit(f"profile checkout failed: {response.status_code} {response.content}")

    for n, entry in enumerate(warm):
        checkout(entry, n)
    # COMMIT does not pass through execute_wrapper: time it where Django sends it.
    commits = {"n": 0, "s": 0.0}
    real_commit = connection._commit

    def timed_commit():
        start = time.perf_counter()
        try:
            return real_commit()
        finally:
            commits["n"] += 1
            commits["s"] += time.perf_counter() - start

    connection._commit = timed_commit
    log = _QueryLog()
    profiler = cProfile.Profile()
    walls = []
    with connection.execute_wrapper(log):
        for n, entry in enumerate(measured):
            start = time.perf_counter()
            profiler.enable()
            checkout(entry, 1000 + n)
            profiler.disable()
            walls.append(time.perf_counter() - start)
    # Plain timings (no profiler) of the same requests, for the overhead of cProfile.
    plain = []
    log_plain = _QueryLog()
    rest = buyers[args.warmup + args.count : args.warmup + 2 * args.count]
    commits.update(n=0, s=0.0)
    with connection.execute_wrapper(log_plain):
        for n, entry in enumerate(rest):
            start = time.perf_counter()
            checkout(entry, 2000 + n)
            plain.append(time.perf_counter() - start)
    prof = Path(args.out + ".prof")
    profiler.dump_stats(str(prof))
    text = Path(args.out + ".txt")
    count = len(measured)
    with open(text, "w") as handle:
        handle.write(
            f"{count} checkouts (POST /api/v1/checkout, {len(measured[0]['items'])} lines each) "
            f"through django.test.Client under cProfile: {sum(walls) / count * 1000:.1f} ms each; "
            f"{log.count / count:.1f} SQL statements each, {log.seconds / count * 1000:.1f} ms "
            f"in SQL\n\nStatements of one checkout (the last), in order, with their time:\n"
        )
        per = log.count // count
        for spent, sql in log.statements[-per:]:
            handle.write(f"  {spent * 1000:7.2f} ms  {sql[:160]}\n")
        handle.write("\n")
        stats = pstats.Stats(str(prof), stream=handle)
        stats.sort_stats("cumulative").print_stats(50)
        stats.sort_stats("tottime").print_stats(30)
    n_plain = max(len(plain), 1)
    return {
        "startup_s": startup_s,
        "count": count,
        "profiled_ms": sum(walls) / count * 1000,
        "plain_ms": sum(plain) / n_plain * 1000,
        "queries_per_checkout": log_plain.count / n_plain,
        "sql_ms_per_checkout": log_plain.seconds / n_plain * 1000,
        "commit_ms_per_checkout": commits["s"] / n_plain * 1000,
        "commits_per_checkout": commits["n"] / n_plain,
        "python_ms_per_checkout": (sum(plain) - log_plain.seconds - commits["s"]) / n_plain * 1000,
        "statement_kinds": {k: v / n_plain for k, v in log_plain.by_kind.items()},
        "files": [str(prof), str(text)],
    }


# --- webhooks ------------------------------------------------------------------------------------
def payments_command(args) -> dict:
    setup_django()
    from malpro.payments.models import Payment

    rows = list(
        Payment.objects.order_by("pk").values(
            "reference",
            "amount",
            "status",
            "provider",
            "method",
            "provider_txn_id",
            "checkout_id",
            "charge_error",
        )
    )
    for row in rows:
        row["checkout_id"] = str(row["checkout_id"])
    Path(args.out).write_text(json.dumps(rows))
    return {
        "payments": len(rows),
        "by_status": dict(Counter(r["status"] for r in rows)),
        "charge_errors": sum(1 for r in rows if r["charge_error"]),
    }


def verify_webhooks_command(args) -> dict:
    """Each payment ends where the plan says (paid, or still pending: forged notifications changed
    nothing), each paid checkout captured exactly once in the ledger for its amount, its orders
    placed, the others still awaiting payment, and the ledger's own checks pass."""
    setup_django()
    from django.db.models import Count, Sum

    from malpro.ledger.checks import problems as ledger_problems
    from malpro.ledger.models import EntryKind, JournalEntry, JournalLine
    from malpro.orders.models import Order, OrderStatus
    from malpro.payments.models import Notification, Payment

    plan = json.loads(Path(args.plan).read_text())
    problems: list[str] = []
    payments = {p.reference: p for p in Payment.objects.all()}
    captures = dict(
        JournalEntry.objects.filter(kind=EntryKind.CAPTURE)
        .values_list("checkout_id")
        .annotate(n=Count("id"))
    )
    capture_amounts = dict(
        JournalLine.objects.filter(entry__kind=EntryKind.CAPTURE, amount__gt=0)
        .values_list("entry__checkout_id")
        .annotate(s=Sum("amount"))
    )
    order_status = defaultdict(Counter)
    for checkout_id, status in Order.objects.values_list("checkout_id", "status"):
        order_status[checkout_id][status] += 1
    wrong = Counter()
    for reference, want in plan["final"].items():
        payment = payments.get(reference)
        if payment is None:
            wrong["missing payment"] += 1
            continue
        n = captures.get(payment.checkout_id, 0)
        statuses = order_status[payment.checkout_id]
        if want == "paid":
            if payment.status != "paid":
                wrong[f"should be paid, is {payment.status}"] += 1
            if n != 1:
                wrong[f"paid but captured {n} times"] += 1
            elif capture_amounts.get(payment.checkout_id) != payment.amount:
                wrong["captured another amount"] += 1
            if set(statuses) != {OrderStatus.PLACED}:
                wrong[f"paid but orders {dict(statuses)}"] += 1
        else:
            if payment.status != want:
                wrong[f"should be {want}, is {payment.status}"] += 1
            if n:
                wrong["unpaid but captured"] += 1
            if set(statuses) != {OrderStatus.PENDING_PAYMENT}:
                wrong[f"unpaid but orders {dict(statuses)}"] += 1
    for what, n in sorted(wrong.items()):
        problems.append(f"{n} payments: {what}")
    double = sum(1 for n in captures.values() if n > 1)
    results = dict(Counter(Notification.objects.values_list("result", flat=True)))
    for key, want in plan["expected_results"].items():
        if results.get(key, 0) != want:
            problems.append(f"notifications with result {key}: {results.get(key, 0)}, want {want}")
    ledger = ledger_problems()
    problems += [f"ledger: {p}" for p in ledger]
    paid = sum(1 for p in payments.values() if p.status == "paid")
    return {
        "problems": problems,
        "paid": paid,
        "captures": sum(captures.values()),
        "double_counts": double,
        "notification_results": results,
        "ledger_problems": len(ledger),
        "escrow_total": sum(capture_amounts.values()),
        "paid_amount_total": sum(p.amount for p in payments.values() if p.status == "paid"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.orders_child")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("setup")
    p.add_argument("--spec", required=True)
    p.add_argument("--out", required=True)
    sub.add_parser("touch-tokens")
    p = sub.add_parser("verify-checkout")
    p.add_argument("--setup", required=True)
    p.add_argument("--responses", required=True)
    p.add_argument("--race", action="store_true")
    p = sub.add_parser("profile-checkout")
    p.add_argument("--setup", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--count", type=int, default=20)
    p.add_argument("--warmup", type=int, default=5)
    p = sub.add_parser("payments")
    p.add_argument("--out", required=True)
    p = sub.add_parser("verify-webhooks")
    p.add_argument("--plan", required=True)
    args = parser.parse_args(argv)
    commands = {
        "setup": setup_command,
        "touch-tokens": touch_tokens_command,
        "verify-checkout": verify_checkout_command,
        "profile-checkout": profile_checkout_command,
        "payments": payments_command,
        "verify-webhooks": verify_webhooks_command,
    }
    emit(commands[args.command](args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
