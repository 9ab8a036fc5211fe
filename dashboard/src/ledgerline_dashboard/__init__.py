"""ledgerline dashboard: read-only finance pages built from the services' read APIs."""
