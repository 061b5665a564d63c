# SPDX-License-Identifier: LGPL-2.1-or-later
"""The README's demo, as a user runs it: start it, create payments over HTTP, see each one
delivered to its receiver and verified, stop it with SIGTERM. Prints TAP.

Usage: test-demo.py PATH-TO-webhooks-demo
"""

import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

TIMEOUT = 20  # seconds; generous, the delivery is immediate on an idle machine

PAYMENTS = [
    {"is_paid": True, "amount": 12.34, "paid_at": "2024-05-01T12:00:00Z"},
    {"is_paid": False, "amount": 0.5, "paid_at": "2023-12-31T23:59:59Z"},
]

results = []


def check(ok, description, diagnostic=None):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {description}", flush=True)
    if not ok and diagnostic:
        for line in str(diagnostic).splitlines():
            print(f"# {line}", flush=True)
    return ok


class Output:
    """The demo's standard output, read line by line without blocking the test."""

    def __init__(self, stream):
        self.lines = []
        self._next = 0
        self._ended = False
        self._queue = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, pattern):
        """The next line that matches, waiting up to TIMEOUT for it, or None. Lines before
        it are skipped for good, so that a line is never matched twice."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + TIMEOUT
        while True:
            while self._next < len(self.lines):
                line = self.lines[self._next]
                self._next += 1
                match = regex.search(line)
                if match:
                    return match
            if self._ended:
                return None
            try:
                line = self._queue.get(timeout=max(0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if line is None:
                self._ended = True
            else:
                self.lines.append(line)


def post_payment(port, payment):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/create",
        data=json.dumps(payment).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def expected_members(payment):
    """How the demo prints a payment's members."""
    return (f"is_paid={'true' if payment['is_paid'] else 'false'} "
            f"amount={payment['amount']:g} paid_at={payment['paid_at']}")


def main():
    print(f"1..{5 + 3 * len(PAYMENTS)}", flush=True)
    demo = subprocess.Popen([sys.argv[1], "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    errors = []
    stderr_reader = threading.Thread(target=lambda: errors.extend(demo.stderr), daemon=True)
    stderr_reader.start()
    output = Output(demo.stdout)

    try:
        serving = output.wait_for(r"^Serving Payments on http://127\.0\.0\.1:(\d+) ")
        if not check(serving is not None, "the demo prints the URL it serves on",
                     "\n".join(output.lines + errors)):
            return
        port = int(serving.group(1))
        check(port != 0, "--port 0 serves on a free port")

        receiver = output.wait_for(r"receiver at (http://[^\s;,]+)")
        check(receiver is not None and
              receiver.group(1) == f"http://127.0.0.1:{port}/receiver",
              "the startup lines show the receiver's URL", "\n".join(output.lines))

        seen_ids = set()
        for payment in PAYMENTS:
            status, body = post_payment(port, payment)
            check(status == 201 and body == payment,
                  f"POST /create answers 201 with the payment of {payment['amount']:g}",
                  f"{status} {body}")

            published = output.wait_for(r"^Published new-event (msg_\w+)$")
            if not check(published is not None and published.group(1) not in seen_ids,
                         "each created payment is published as a new message",
                         "\n".join(output.lines + errors)):
                continue
            message_id = published.group(1)
            seen_ids.add(message_id)

            received = output.wait_for(r"^Received new-event " + re.escape(message_id) +
                                       r", signature verified: (.*)$")
            check(received is not None and received.group(1) == expected_members(payment),
                  f"the receiver prints the verified delivery of {message_id} with the "
                  "payment's members", "\n".join(output.lines + errors))
    finally:
        demo.send_signal(signal.SIGTERM)
        try:
            returncode = demo.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            demo.kill()
            returncode = demo.wait()
        stderr_reader.join(timeout=TIMEOUT)

    # Nothing failed on the way (a failed attempt, a warning, a critical) and SIGTERM is
    # a clean stop.
    check(returncode == 0, "SIGTERM stops the demo with exit status 0",
          f"exit status {returncode}\n" + "".join(errors))
    check(not errors, "the demo printed nothing on its standard error", "".join(errors))


if __name__ == "__main__":
    main()
    sys.exit(0 if results and all(results) else 1)
