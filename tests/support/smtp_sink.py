"""An SMTP sink for the mail tests: accepts every message on 127.0.0.1:PORT and
appends it to OUT as one JSON line (mail_from, rcpt_tos, subject, message_id, the
decoded plain-text body and the raw data). Prints "ready" once it listens; stops on
SIGTERM or SIGINT. Usage: python3 smtp_sink.py PORT OUT
"""

import email
import email.policy
import json
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        part = message.get_body(preferencelist=("plain",))
        line = json.dumps({
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "subject": str(message.get("subject", "")),
            "message_id": str(message.get("message-id", "")),
            "body": part.get_content() if part is not None else "",
            "data": raw.decode("utf-8", "replace"),
        })
        with self.lock, open(self.out, "a", encoding="utf-8") as f:
            f.write(line + "\n")
        return "250 Message accepted for delivery"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(out), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
