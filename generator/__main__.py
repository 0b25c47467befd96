"""``python -m generator check`` validates the data and runs every named example;
``python -m generator bundle [PATH]`` also writes the rules bundle ``calc`` reads."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from calc import both
from generator.data import bundle, examples
from generator.data.load import DataError, load_all

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator")
    parser.add_argument("command", choices=["check", "bundle"])
    parser.add_argument("target", nargs="?", default=str(ROOT / "calc" / "rules.json"))
    parser.add_argument("--data", default=str(ROOT / "policy_data"))
    args = parser.parse_args(argv)
    data = Path(args.data)
    try:
        policies = load_all(data)
    except DataError as error:
        # every problem at once: the data's, then the worked examples of the sound measures
        print(error.report(), file=sys.stderr)
        try:
            for line in examples.failures(error.partial, data) if error.partial else []:
                print(line, file=sys.stderr)
        except Exception as failure:  # the partial data may not bundle; the report stands
            print(both("check.examples_unchecked", kind=type(failure).__name__),
                  file=sys.stderr)
        return 2
    failures = examples.failures(policies, data)
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 2
    count = sum(len(p.measures) for p in policies)
    if args.command == "bundle":
        path = bundle.write(policies, Path(args.target))
        print(f"{count} measures → {path}")
    else:
        worked = sum(len(m.examples) for p in policies for m in p.measures)
        print(f"OK: {both('check.ok', count=count, examples=worked)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
