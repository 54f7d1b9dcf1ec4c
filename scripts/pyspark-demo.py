#!/usr/bin/env python3
"""Archive articles with Spark: the `archive` example as a JSON-lines mapper.

    pip install pyspark                      # needs Java 17 on the PATH
    cargo build --release --example archive
    python3 scripts/pyspark-demo.py [INPUT_DIR] [OUT_DIR]

Every file in INPUT_DIR (default: fixtures/) becomes one JSON request
({"id", "bytes_base64", "formats"}); a deliberately broken record is added to
show that a bad line gets an error answer and the job goes on. Spark runs on
a local[2] master and sends each partition through

    target/release/examples/archive --jsonl --jobs 1

with RDD.pipe (one process per partition; --jobs 1 because Spark already
runs one task per core). The answers are decoded back into files in OUT_DIR
(default: target/spark-demo/): <id>.tei.xml, <id>.epub, <id>.pdf.

On a cluster, ship the binary with spark-submit --files (or put it on every
worker) and name it by its path on the workers: the example needs nothing
else, the dictionaries and the PDF font are compiled in.
"""

import base64
import json
import os
import sys

from pyspark.sql import SparkSession

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARCHIVE = os.environ.get("ARCHIVE_BIN", os.path.join(ROOT, "target", "release", "examples", "archive"))


def requests(input_dir):
    """One JSON line per file, plus one broken record."""
    lines = []
    for name in sorted(os.listdir(input_dir)):
        path = os.path.join(input_dir, name)
        if not os.path.isfile(path) or name.startswith("."):
            continue
        with open(path, "rb") as f:
            data = base64.b64encode(f.read()).decode("ascii")
        lines.append(json.dumps({"id": name, "bytes_base64": data, "formats": ["tei", "epub", "pdf"]}))
    lines.append('{"id": "broken", "bytes_base64": "not base64!"}')
    return lines


def main():
    input_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "fixtures")
    out_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "target", "spark-demo")
    if not os.access(ARCHIVE, os.X_OK):
        sys.exit(f"pyspark-demo: error: {ARCHIVE} not found (cargo build --release --example archive)")
    os.makedirs(out_dir, exist_ok=True)

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("zharchive-jsonl")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    rdd = spark.sparkContext.parallelize(requests(input_dir), 2)
    answers = rdd.pipe(f"{ARCHIVE} --jsonl --jobs 1").map(json.loads).collect()
    spark.stop()

    failed = 0
    for a in answers:
        if not a["ok"]:
            failed += 1
            print(f"{a['id']}: error: {a['error']}")
            continue
        stem = os.path.join(out_dir, os.path.splitext(a["id"])[0])
        with open(stem + ".tei.xml", "w", encoding="utf-8") as f:
            f.write(a["tei"])
        for key, ext in (("epub_base64", ".epub"), ("pdf_base64", ".pdf")):
            with open(stem + ext, "wb") as f:
                f.write(base64.b64decode(a[key]))
        s = a["summary"]
        sizes = ", ".join(f"{o['format']} {o['bytes']} B" for o in a["outputs"])
        print(f"{a['id']}: {s['encoding']['name']}, {s['paragraphs']} paragraphs, "
              f"{sum(s['edits'].values())} edits; {sizes}; title {s['title']}")
    print(f"{len(answers) - failed} archived, {failed} failed, outputs in {out_dir}")


if __name__ == "__main__":
    main()
