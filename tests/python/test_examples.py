# SPDX-License-Identifier: LGPL-2.1-or-later
"""The seed's two examples in C, Python and JavaScript print the same document, byte for byte."""

import json
import os
import subprocess

import pytest

EXAMPLES = os.environ.get("WEBHOOKS_EXAMPLES",
                          os.path.join(os.path.dirname(__file__), "..", "..", "docs", "examples"))


def run(*command):
    result = subprocess.run(command, check=True, capture_output=True)
    assert result.stderr == b""
    return result.stdout


@pytest.mark.parametrize("c_program, python_example, js_example", [
    ("WEBHOOKS_DEMO", "seed.py", "seed.js"),
    ("WEBHOOKS_DEMO_VIEW", "seed_view.py", "seed-view.js"),
])
def test_three_languages_same_bytes(c_program, python_example, js_example):
    if c_program not in os.environ:
        pytest.skip("run by meson test, which builds the C examples")
    # The demo serves unless told to print the document.
    c = run(os.environ[c_program], "--print-openapi") if c_program == "WEBHOOKS_DEMO" else run(os.environ[c_program])
    python = run("/usr/bin/python3", os.path.join(EXAMPLES, "python", python_example))
    js = run("gjs", "-m", os.path.join(EXAMPLES, "js", js_example))
    document = json.loads(c)
    assert document["webhooks"], "the example declares webhooks"
    assert python == c
    assert js == c


def test_view_example_operations():
    output = run("/usr/bin/python3", os.path.join(EXAMPLES, "python", "seed_view.py"))
    webhooks = json.loads(output)["webhooks"]
    assert list(webhooks) == ["new-event", "payments"]
    assert webhooks["new-event"]["post"]["operationId"] == "paymentwebhooknew_event_post"
    assert webhooks["payments"]["post"]["operationId"] == "paymentwebhookpayments_post"
    assert webhooks["payments"]["post"]["summary"] == "New Payment"


@pytest.mark.parametrize("command", [
    ("/usr/bin/python3", os.path.join(EXAMPLES, "python", "deliver.py")),
    ("gjs", "-m", os.path.join(EXAMPLES, "js", "deliver.js")),
])
def test_delivery_examples(command):
    """Each language's delivery example publishes, the receiver verifies the webhook and gets
    the model back, and the dispatcher hears the receiver's 200: one message id throughout."""
    lines = run(*command).decode().splitlines()
    assert len(lines) == 3, lines
    published, received, delivered = lines
    assert published.startswith("Published new-event msg_")
    message_id = published.split()[-1]
    assert received == (f"Received new-event {message_id}, signature verified: "
                        + ("is_paid=True" if command[0].endswith("python3") else "is_paid=true")
                        + " amount=9.99")
    assert delivered == f"Delivered {message_id}: the receiver answered 200"
