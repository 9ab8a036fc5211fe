"""Reading an uploaded statement file: a raw body or the first file of a multipart form."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP

from fastapi import Request


async def uploaded_file(request: Request) -> bytes:
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return body
    # The stdlib MIME parser is enough for one file field; no extra dependency needed.
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and (part.get_filename() or part.get_param(
                "name", header="content-disposition") == "file"):
            return payload
    return b""
