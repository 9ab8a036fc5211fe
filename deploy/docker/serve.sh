#!/bin/sh
# Container entrypoint: run one ledgerline service with uvicorn on its port (all interfaces).
# Usage: ledgerline-serve credit|invoicing|cash-application|collections
set -eu
case "${1:-}" in
  credit) pkg=ledgerline_credit port=${LEDGERLINE_CREDIT_PORT:-8101} ;;
  invoicing) pkg=ledgerline_invoicing port=${LEDGERLINE_INVOICING_PORT:-8102} ;;
  cash-application) pkg=ledgerline_cash port=${LEDGERLINE_CASH_APPLICATION_PORT:-8103} ;;
  collections) pkg=ledgerline_collections port=${LEDGERLINE_COLLECTIONS_PORT:-8104} ;;
  *) echo "usage: ledgerline-serve credit|invoicing|cash-application|collections" >&2; exit 2 ;;
esac
exec uvicorn --factory "$pkg.api.app:create_app" --host 0.0.0.0 --port "$port"
