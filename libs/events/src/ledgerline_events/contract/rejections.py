"""What a publisher hears back: every event it put on the inbound sales topic that one of our
consumers refused or could not read is answered on the rejections topic (`Topics
.sales_rejections`), keyed as its message was, naming the event, the order and the reason. The
same message refused by two consumers is answered twice, once per consumer."""

from __future__ import annotations

from pydantic import Field

from .base import Event


class InboundEventRejected(Event):
    """One inbound message a consumer did not apply. What could not be read from it is None
    (a message that is not JSON names no event id)."""

    event_type = "sales.InboundEventRejected"
    rejection_id: str = Field(min_length=1, max_length=300)  # topic:partition:offset:consumer
    rejected_event_id: str | None = Field(default=None, max_length=100)
    rejected_event_type: str | None = Field(default=None, max_length=100)
    order_id: str | None = Field(default=None, max_length=100)
    customer_id: str | None = Field(default=None, max_length=100)
    consumer: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=4000)
    source_topic: str = Field(min_length=1, max_length=249)
    source_partition: int = Field(ge=0)
    source_offset: int = Field(ge=0)


REJECTION_EVENTS: tuple[type[Event], ...] = (InboundEventRejected,)
