"""Benchmark: webhook handling throughput on PostgreSQL (work in progress)."""

NAME = "webhooks"


def add_arguments(parser) -> None:
    pass


def run(args) -> int:
    return 2
