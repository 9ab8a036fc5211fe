"""The ledgerline benchmark: `make bench` or `python bench/run.py --help`."""
