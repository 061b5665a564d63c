#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The FastAPI side of the document benchmark (run both with tools/bench/run.sh).

Declares the same 300 models and 1,000 routes as bench-openapi.c, with pydantic and FastAPI
0.92 (Debian's python3-fastapi, which has no webhooks), and times app.openapi() from scratch
plus json.dumps, as many times as asked. A benchmark, not a test: it prints figures.

Run it with /usr/bin/python3: Debian's FastAPI lives in the system interpreter.
"""

import argparse
import datetime
import enum
import json
import statistics
import sys
import time
from typing import List, Optional

import fastapi
from pydantic import Field, conint, confloat, create_model

N_MODELS = 300
N_ROUTES = 1000

ENUMS = [
    enum.Enum("BenchStatus", {v.upper(): v for v in ("pending", "paid", "refunded", "failed")}, type=str),
    enum.Enum("BenchCurrency", {v.upper(): v for v in ("eur", "usd", "gbp")}, type=str),
    enum.Enum("BenchPriority",
              {v.upper(): v for v in ("low", "normal", "high", "urgent", "blocker")}, type=str),
    enum.Enum("BenchChannel", {v.upper(): v for v in ("email", "sms")}, type=str),
]


N_LEAF_MODELS = 30


def model_has_reference(n):
    # Keep in step with model_has_reference() in bench-openapi.c.
    return n >= N_LEAF_MODELS


def model_reference(n):
    # Keep in step with model_reference() in bench-openapi.c.
    return n - N_LEAF_MODELS if n < 2 * N_LEAF_MODELS else N_LEAF_MODELS + n % N_LEAF_MODELS


def make_model(n, models):
    """The pydantic twin of bench_model_class_init() in bench-openapi.c."""
    # The C models carry their pspec blurbs, which the library documents as descriptions.
    fields = {
        "id": (conint(ge=0), Field(..., description="The identifier")),
        "name": (str, Field(..., description="The display name")),
        "is_active": (bool, Field(..., description="Whether it is active")),
        "quantity": (conint(ge=1, le=1000), Field(..., description="How many")),
        "amount": (confloat(ge=0.0), Field(..., description="How much")),
        "status": (ENUMS[n % len(ENUMS)], Field(..., description="Where it stands")),
        "created_at": (datetime.datetime, Field(..., description="When it was made")),
    }
    if model_has_reference(n):
        fields["parent"] = (models[model_reference(n)],
                            Field(..., description="The model it belongs to"))
    fields["note"] = (Optional[str], Field(None, description="A free-form note"))
    fields["priority"] = (conint(ge=0, le=10), Field(5, description="Lower comes first"))
    if n % 2 == 1:
        fields["discount"] = (confloat(ge=0.0, le=1.0), Field(0.0, description="The discount"))
    if n % 3 == 0:
        fields["labels"] = (List[str], Field(..., description="Free-form labels"))
    for k in range(n % 5):
        fields[f"field_{k}"] = ((int, str, bool)[k % 3], ...)
    return create_model(f"BenchModel{n:03d}", **fields)


def make_app():
    models = []
    for n in range(N_MODELS):
        models.append(make_model(n, models))

    app = fastapi.FastAPI(title="Benchmark", version="1.0.0")
    for i in range(N_ROUTES):
        # Keep in step with add_routes() in bench-openapi.c: even routes POST a body and
        # answer a model, odd routes GET a model; every route has an integer path parameter.
        path = f"/items-{i}/{{item_id}}"
        if i % 2 == 0:
            body_model = models[i % N_MODELS]

            def endpoint(item_id: int, body: body_model):
                return None

            endpoint.__name__ = f"items_{i}_item_id"
            app.post(path, response_model=models[(i + 1) % N_MODELS], status_code=201)(endpoint)
        else:
            def endpoint(item_id: int):
                return None

            endpoint.__name__ = f"items_{i}_item_id"
            app.get(path, response_model=models[i % N_MODELS])(endpoint)
    return app


def build_and_serialize(app):
    # app.openapi() caches its result; forget it so that every repetition builds afresh.
    app.openapi_schema = None
    t0 = time.perf_counter()
    document = app.openapi()
    t1 = time.perf_counter()
    text = json.dumps(document, separators=(",", ":"))
    t2 = time.perf_counter()
    return document, text, (t1 - t0) * 1000.0, (t2 - t1) * 1000.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--repetitions", type=int, default=5,
                        help="how many times to build and serialize the document (default 5)")
    parser.add_argument("--results", metavar="FILE",
                        help="also write the figures to FILE as `key value` lines, for run.sh")
    args = parser.parse_args()
    if args.repetitions < 1:
        parser.error("--repetitions must be at least 1")

    t0 = time.perf_counter()
    app = make_app()
    declare_ms = (time.perf_counter() - t0) * 1000.0

    document, text, first_build, first_serialize = build_and_serialize(app)
    n_paths = len(document.get("paths", {}))
    n_schemas = len(document.get("components", {}).get("schemas", {}))
    if n_paths != N_ROUTES or n_schemas < N_MODELS:
        sys.exit(f"bench_fastapi: the document has {n_paths} paths and {n_schemas} schemas; "
                 f"expected {N_ROUTES} and at least {N_MODELS}")

    builds, serials, totals = [], [], []
    for _ in range(args.repetitions):
        _, _, build, serial = build_and_serialize(app)
        builds.append(build)
        serials.append(serial)
        totals.append(build + serial)

    print(f"fastapi {fastapi.__version__}: {N_ROUTES} routes over {N_MODELS} models, "
          f"declared in {declare_ms:.1f} ms; document {len(text)} bytes")
    print(f"fastapi routes only: build {min(builds):.2f} ms, serialize {min(serials):.2f} ms, "
          f"total {min(totals):.2f} ms (best of {args.repetitions}; "
          f"median total {statistics.median(totals):.2f} ms; first build {first_build:.2f} ms)")

    if args.results:
        with open(args.results, "w", encoding="utf-8") as f:
            f.write(f"fastapi_build_ms {min(builds):.3f}\n"
                    f"fastapi_serialize_ms {min(serials):.3f}\n"
                    f"fastapi_total_ms {min(totals):.3f}\n"
                    f"fastapi_total_median_ms {statistics.median(totals):.3f}\n"
                    f"fastapi_first_total_ms {first_build + first_serialize:.3f}\n"
                    f"fastapi_bytes {len(text)}\n")


if __name__ == "__main__":
    main()
