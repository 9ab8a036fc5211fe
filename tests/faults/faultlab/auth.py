"""Bearer tokens for every request, so the suite keeps working once authentication lands:
HS256 JWTs signed with the secret the services read from LEDGERLINE_AUTH_JWT_SECRET."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

SECRET = "faults-suite-secret-not-for-production"
ENV = {"LEDGERLINE_AUTH_JWT_SECRET": SECRET}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


ROLES = ("admin",)  # admin may do everything


def token(sub: str = "faults-suite", roles: tuple[str, ...] = ROLES) -> str:
    claims = {"sub": sub, "roles": list(roles), "iat": int(time.time()),
              "exp": int(time.time()) + 24 * 3600, "approval_limit": "100000000"}
    try:
        import jwt  # PyJWT, once it is in the workspace's dependencies
    except ImportError:  # the same HS256 token, by hand
        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = _b64(json.dumps(claims).encode())
        sig = hmac.new(SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(sig)}"
    return str(jwt.encode(claims, SECRET, "HS256"))


def headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {token()}", "X-Role": "admin"}
