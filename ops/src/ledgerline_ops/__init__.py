"""Operator tooling for ledgerline: replay, audit, export, month-end close, simulator."""
