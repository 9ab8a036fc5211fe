"""`ledgerline token`: a bearer token for local use, signed with LEDGERLINE_AUTH_JWT_SECRET
(`make up` keeps it in .local/secrets.env)."""

from __future__ import annotations

import argparse
import os
import sys

from ledgerline_events.runtime.auth import ROLES, mint_token


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    t = sub.add_parser("token", help="print a bearer token signed with the local secret")
    t.add_argument("--roles", required=True,
                   help=f"comma-separated: {', '.join(sorted(ROLES))}")
    t.add_argument("--sub", default=os.environ.get("USER", "operator"), help="caller name")
    t.add_argument("--approval-limit", help="write-off limit: 5000.00 (any currency) or "
                                            "5000.00:EUR")
    t.add_argument("--ttl", type=int, default=8 * 3600, help="seconds valid (default 8 h)")


def print_token(args: argparse.Namespace) -> int:
    secret = os.environ.get("LEDGERLINE_AUTH_JWT_SECRET")
    if not secret:
        print("LEDGERLINE_AUTH_JWT_SECRET is not set (locally: source .local/secrets.env)",
              file=sys.stderr)
        return 2
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    unknown = set(roles) - ROLES
    if not roles or unknown:
        print(f"unknown roles {sorted(unknown)}; known: {sorted(ROLES)}", file=sys.stderr)
        return 2
    limit: str | dict[str, str] | None = args.approval_limit
    if args.approval_limit and ":" in args.approval_limit:
        amount, currency = args.approval_limit.split(":", 1)
        limit = {"amount": amount, "currency": currency.upper()}
    print(mint_token(secret, args.sub, roles, ttl_s=args.ttl, approval_limit=limit))
    return 0
