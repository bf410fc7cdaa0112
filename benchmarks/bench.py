"""Benchmark `atmp batch` and start-up against their floors. Standard library plus the installed atmp.

Run with the interpreter of the environment atmp is installed in:

    .venv/bin/python benchmarks/bench.py            # 100k records, start-up, memory 10k vs 1M
    .venv/bin/python benchmarks/bench.py --quick    # skip the 1M-record memory run

(a) throughput: `atmp batch` on N JSONL records vs. plain Python reading the file and json.loads-ing each line;
(b) start-up: `atmp --version` and `atmp classify --answers x.json --format json` vs. a minimal one-command
    typer app run by the same interpreter (typer imports pydantic, so that is the floor);
(c) peak memory (max RSS) of `atmp batch` on 10k vs 1M records: streaming keeps it flat.

Prints a table of figures, ratios and targets. Generated files go to a temporary folder that is removed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from atmp_cli import bank
from atmp_cli.sampling import random_document

PYTHON = sys.executable
ATMP = str(Path(PYTHON).parent / "atmp")
# The floor reads each line, json.loads it and writes a line as long as atmp's average output line.
FLOOR_READ = (
    "import json, sys\nline_out = 'x' * int(sys.argv[2]) + '\\n'\n"
    "with open(sys.argv[3], 'w') as out:\n"
    "    for line in open(sys.argv[1], 'rb'):\n        json.loads(line)\n        out.write(line_out)\n"
)
MINIMAL_TYPER = '''import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")


app()
'''


def generate(path: Path, count: int, *, pool: int, seed: int) -> None:
    """`count` random valid records: a pool of random walks down the bank, drawn with fresh product names."""
    ruleset = bank.load("eu")
    rng = random.Random(seed)
    documents = [random_document(ruleset, rng) for _ in range(min(pool, count))]
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            document = {"product": f"product {index}", "answers": rng.choice(documents)["answers"]}
            out.write(json.dumps(document, separators=(",", ":")) + "\n")


def replicate(source: Path, target: Path, times: int) -> None:
    data = source.read_bytes()
    with target.open("wb") as out:
        for _ in range(times):
            out.write(data)


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_wall(command: list[str], runs: int) -> float:
    wall(command)  # warm the file cache
    return statistics.median(wall(command) for _ in range(runs))


def peak_rss_mb(command: list[str]) -> float:
    """Maximum resident set size of one child process, from wait4's rusage (kilobytes on Linux)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    return usage.ru_maxrss / 1024


def batch_command(path: Path) -> list[str]:
    return [ATMP, "batch", str(path), "--format", "jsonl", "--quiet", "--output", os.devnull]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000, help="records for the throughput run (default 100000)")
    parser.add_argument("--big", type=int, default=1_000_000, help="records for the large memory run (default 1000000)")
    parser.add_argument("--small", type=int, default=10_000, help="records for the small memory run (default 10000)")
    parser.add_argument("--runs", type=int, default=10, help="runs per start-up figure (median; default 10)")
    parser.add_argument("--pool", type=int, default=5_000, help="distinct random walks to draw records from")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="skip the large memory run")
    args = parser.parse_args()
    if not Path(ATMP).exists():
        parser.error(f"{ATMP} not found: run this with the python of the environment atmp is installed in")

    rows: list[tuple[str, str, str, str]] = []  # measure, figure, ratio, target
    with tempfile.TemporaryDirectory(prefix="atmp-bench-") as tmp:
        folder = Path(tmp)
        records = folder / "records.jsonl"
        print(f"generating {args.records} records ...", file=sys.stderr)
        generate(records, args.records, pool=args.pool, seed=args.seed)

        # (a) throughput
        print("(a) throughput ...", file=sys.stderr)
        sample, sample_out = folder / "sample.jsonl", folder / "sample.out.jsonl"
        with records.open(encoding="utf-8") as source, sample.open("w", encoding="utf-8") as target:
            for _, line in zip(range(2000), source):
                target.write(line)
        subprocess.run([ATMP, "batch", str(sample), "--format", "jsonl", "--quiet", "--output", str(sample_out)], check=False)
        with sample_out.open(encoding="utf-8") as produced:
            lengths = [len(line) - 1 for line in produced]
        average = sum(lengths) // max(len(lengths), 1)
        floor = wall([PYTHON, "-c", FLOOR_READ, str(records), str(average), os.devnull])
        took = wall(batch_command(records))
        rows.append((f"read + json.loads + write {average} B, {args.records} lines", f"{floor:.2f} s", "", ""))
        rows.append((f"atmp batch, {args.records} records", f"{took:.2f} s ({took / args.records * 1e6:.0f} µs/record)", f"{took / floor:.1f}x", "<= 8x"))

        # (b) start-up
        print("(b) start-up ...", file=sys.stderr)
        app = folder / "minimal_typer.py"
        app.write_text(MINIMAL_TYPER)
        answers = folder / "x.json"
        answers.write_text(records.open(encoding="utf-8").readline())
        bare = median_wall([PYTHON, "-c", "pass"], args.runs)
        typer_floor = median_wall([PYTHON, str(app)], args.runs)
        version = median_wall([ATMP, "--version"], args.runs)
        classify = median_wall([ATMP, "classify", "--answers", str(answers), "--format", "json"], args.runs)
        rows.append(("python -c pass", f"{bare * 1000:.0f} ms", "", ""))
        rows.append(("minimal typer app (floor)", f"{typer_floor * 1000:.0f} ms", f"{typer_floor / bare:.1f}x bare", ""))
        rows.append(("atmp --version", f"{version * 1000:.0f} ms", f"{version / typer_floor:.2f}x", "<= 1.3x"))
        rows.append(("atmp classify --format json", f"{classify * 1000:.0f} ms", f"{classify / typer_floor:.2f}x", "<= 2x"))

        # (c) memory
        print("(c) memory ...", file=sys.stderr)
        small = folder / "small.jsonl"
        with records.open("rb") as source, small.open("wb") as out:
            for _, line in zip(range(args.small), source):
                out.write(line)
        small_mb = peak_rss_mb(batch_command(small))
        rows.append((f"peak RSS, {args.small} records", f"{small_mb:.0f} MB", "", ""))
        if not args.quick:
            big = folder / "big.jsonl"
            replicate(records, big, max(1, args.big // args.records))
            count = max(1, args.big // args.records) * args.records
            print(f"    {count} records (this takes a while) ...", file=sys.stderr)
            big_mb = peak_rss_mb(batch_command(big))
            rows.append((f"peak RSS, {count} records", f"{big_mb:.0f} MB", f"{big_mb / small_mb:.2f}x", "flat (~1x)"))

    print(f"atmp benchmark, {time.strftime('%Y-%m-%d')}, {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}")
    widths = [max(len(row[i]) for row in rows + [("measure", "figure", "ratio", "target")]) for i in range(4)]
    for row in [("measure", "figure", "ratio", "target")] + rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
