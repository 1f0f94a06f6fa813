"""Malpro's benchmarks (`make bench`, or `.venv/bin/python -m bench [NAME ...]`).

Each benchmark is a module exposing NAME, a docstring, add_arguments(parser) and run(args) ->
exit status; it measures in child processes (bench._child) so that the figures are those of the
measured work, prints a table and writes var/bench/NAME.json. See docs/benchmarks.md.
"""

BENCHMARKS = {
    "umkm_import": "bench.umkm_import",
    "search": "bench.search",
    "checkout": "bench.checkout",
    "webhooks": "bench.webhooks",
    "asn_report": "bench.asn_report",
    "nik_lookup": "bench.nik_lookup",
    "messages": "bench.messages",
    "dashboard": "bench.dashboard",
    "equity": "bench.equity",
    "books": "bench.books",
    "page_weight": "bench.page_weight",
}
