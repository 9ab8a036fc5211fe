"""Personal data in the log, sealed so that it can be erased without rewriting history
("crypto-shredding"): a contact's name, e-mail and phone travel encrypted with a key of their
customer's (AES-256-GCM, the customer id bound in as associated data). The log keeps the
financial facts for the legal retention period; erasing the customer's key makes the personal
fields unreadable everywhere at once: live tables, replays, exports and documents."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel, ConfigDict, Field

from .values import ValuePolicy

KEY_BYTES = 32


class Sealed(BaseModel):
    """One encrypted value; `subject` names whose key opens it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    subject: str = Field(min_length=1, max_length=64)
    nonce: str = Field(min_length=16, max_length=16, description="base64 of 12 random bytes")
    text: str = Field(min_length=1, max_length=8000, description="base64 ciphertext and tag")


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def seal(plain: str, subject: str, key: bytes) -> Sealed:
    ValuePolicy.text(plain, "personal data")  # the event store cannot check inside a seal
    nonce = os.urandom(12)
    text = AESGCM(key).encrypt(nonce, plain.encode(), subject.encode())
    return Sealed(subject=subject, nonce=base64.b64encode(nonce).decode(),
                  text=base64.b64encode(text).decode())


def unseal(sealed: Sealed | None, key: bytes | None) -> str | None:
    """The plain value; None when there is none or its key was erased."""
    if sealed is None or key is None:
        return None
    try:
        return AESGCM(key).decrypt(base64.b64decode(sealed.nonce), base64.b64decode(sealed.text),
                                   sealed.subject.encode()).decode()
    except InvalidTag as wrong:
        raise ValueError(f"a sealed value of {sealed.subject} does not open with its key") from wrong
