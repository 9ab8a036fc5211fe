"""Invoicing's pure business rules: no I/O, no clock; dates come in as arguments."""
