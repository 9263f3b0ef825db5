"""Schemathesis hooks for scripts/fuzz.sh.

Two values a client cannot make up are left out of the *positive* cases (the requests
the document says are valid): a list's `cursor` is a token the server issued
(`next_cursor`), and a stream's `Last-Event-ID` the id of an event it sent. A random
one is refused with a 422 naming it, as it should be (tests/http/contacts.rs,
imports.rs and notifications.rs prove it); the negative cases still send whatever they like.

And a request called valid gets an Idempotency-Key of its own: a key sent again with
another body is refused (422), which is the point of the key, not a defect.
"""
import uuid

import schemathesis
from schemathesis import GenerationMode


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    if case.query:
        case.query.pop("cursor", None)
    if case.headers:
        case.headers.pop("Last-Event-ID", None)
        if "Idempotency-Key" in case.headers:
            case.headers["Idempotency-Key"] = str(uuid.uuid4())
