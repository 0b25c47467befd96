"""Command line for editors and integrators.

    python -m calc list [--json]
    python -m calc describe ID [--json]
    python -m calc estimate ID name=value … [--on YYYY-MM-DD] [--json] [--lang zh|en]
    python -m calc assess profile.json [--on YYYY-MM-DD] [--json] [--lang zh|en]

Bad input prints a bilingual message and exits with status 2; output that cannot be written
(a full disk) says so and exits 1; a reader that stops early (``| head``) ends it quietly with 1.
Never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os
import sys
from decimal import Decimal
from typing import Any, NoReturn

from . import catalog, describe, estimate, measures, use_bundle
from .catalog import read_bundles
from .errors import CalcError
from .inputs import MAX_DEPTH
from .messages import both, render
from .provenance import used

LANGS = ("zh", "en")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{both('cli.usage_error')}: {message}", file=sys.stderr)
        sys.exit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m calc", description=both("cli.description"))
    parser.add_argument("--rules", action="append", metavar="FILE",
                        help="compute with these rules bundles (data/<document>/rules.json, "
                             "repeatable: amending documents are merged) instead of the packaged")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    listing = sub.add_parser("list", help="list the measures")
    listing.add_argument("--json", action="store_true")
    desc = sub.add_parser("describe", help="the inputs a measure asks for")
    desc.add_argument("measure")
    desc.add_argument("--json", action="store_true")
    est = sub.add_parser("estimate", help="estimate one measure's award")
    est.add_argument("measure")
    est.add_argument("values", nargs="*", metavar="name=value")
    for command in (est, sub.add_parser("assess", help="every measure for one profile")):
        command.add_argument("--on", default=None, help="as-of date YYYY-MM-DD (default today)")
        command.add_argument("--json", action="store_true")
        command.add_argument("--lang", choices=LANGS, default=None, help="one language only")
    sub.choices["assess"].add_argument("profile", help="profile JSON file (- for stdin)")
    return parser


def _pairs(values: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CalcError("error.bad_argument", None, raw=item)
        if name.strip() in result:  # `fee=6万 fee=7万`: which one was meant? (the API refuses too)
            raise CalcError("error.duplicate_argument", name.strip(), name=name.strip())
        result[name.strip()] = value
    return result


def _langs(choice: str | None) -> tuple[str, ...]:
    return (choice,) if choice else LANGS


def _print_estimate(result: dict[str, Any], langs: tuple[str, ...]) -> None:
    shown = result["shown"]
    # "up to" as calc wrote it: on the award by its parts' bounds (both shares when mixed), on
    # the shares only when all of the award is a ceiling.
    upper = Decimal(result["up_to"]) > 0 and Decimal(result["entitled"]) == 0
    for lang in langs:
        print(f"{render('example.award', lang)}: {shown['headline'][lang]}")
        for key in ("city", "county"):
            upto = render("label.up_to", lang) + " " if upper else ""
            print(f"{render(f'sc.col.{key}', lang)}: {upto}{shown[key][lang]}")
        for step in result["steps"]:
            ref = step["ref_en"] if lang == "en" else step["ref"]
            print(f"  - {render('cli.step', lang, step=step[lang], ref=ref)}")
        for note in result["warnings"]:
            print(f"  ! {note[lang]}")
        if result["reasons"]:  # under a positive award: the parts that pay nothing, and why
            title = "calc.reasons_partial" if result["eligible"] else "example.why"
            print(f"  {render(title, lang)}:")
            for reason in result["reasons"]:
                print(f"    · {reason[lang]}")
        for other in (a for a in result["alternatives"] if a["differs"]):
            print(f"  ~ {render('cli.step', lang, step=other[lang], ref=other['ref'])}")
        for hint in result["hints"]:
            print(f"  > {hint[lang]}")


def _print_documents(measure: str, on: str, langs: tuple[str, ...]) -> None:
    """When an amending document is in force, the documents the estimate applied."""
    documents = used(catalog(), [catalog().get(measure)], dt.date.fromisoformat(on))
    if len(documents) < 2:
        return
    for lang in langs:
        listed = render("list.sep", lang).join(
            render("print.document_item", lang, number=d["number"], title=d["title"][lang])
            for d in documents)
        print(f"{render('print.documents', lang)}: {listed}")


def _run(args: argparse.Namespace) -> None:
    if args.rules:
        use_bundle(read_bundles(args.rules))
    if args.command == "list":
        rows = measures()
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        for row in [] if args.json else rows:
            print(f"{row['id']:>4}  {row['end']}  {row['title']['zh']} / {row['title']['en']}")
    elif args.command == "describe":
        info = describe(args.measure)
        if args.json:
            print(json.dumps(info, ensure_ascii=False, indent=2))
            return
        print(f"{info['id']} {info['title']['zh']} / {info['title']['en']}")
        for item in info["inputs"]:
            choices = ",".join(c["value"] for c in item.get("choices", []))
            print(f"  {item['name']} ({item['type']}{': ' + choices if choices else ''})"
                  f"  {item['label']['zh']} / {item['label']['en']}")
    elif args.command == "estimate":
        result = estimate(args.measure, _pairs(args.values), args.on).as_dict()
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            _print_estimate(result, _langs(args.lang))
            _print_documents(args.measure, result["on"], _langs(args.lang))
    else:
        from . import assess
        from .selfcheck import load_profile, print_assessment

        report = assess(load_profile(args.profile), args.on)
        if args.json:
            print(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            print_assessment(report, _langs(args.lang))


def _report(code: str, langs: tuple[str, ...], **values: object) -> None:
    error = CalcError(code, None, **values)
    for lang in langs:
        print(f"{render('label.error', lang)}: {getattr(error, lang)}", file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is no file (captured in a test): nothing to flush
        pass


def _main(argv: list[str] | None) -> int:
    parser = _parser()
    # name=value pairs may follow options (``estimate 4.1 --on … level=L3``)
    args, extra = parser.parse_known_args(argv)
    pairs = [x for x in extra if "=" in x and not x.startswith("-")]
    if len(pairs) != len(extra) or (pairs and args.command != "estimate"):
        parser.error(f"unrecognized arguments: {' '.join(x for x in extra if x not in pairs)}"
                     if len(pairs) != len(extra) else f"unrecognized arguments: {' '.join(extra)}")
    if pairs:
        args.values += pairs
    langs = _langs(getattr(args, "lang", None))
    try:
        _run(args)
    except CalcError as error:
        for lang in langs:
            print(f"{render('label.error', lang)}: {getattr(error, lang)}", file=sys.stderr)
        return 2
    except RecursionError:
        _report("error.too_deep", langs, depth=MAX_DEPTH)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; every outcome is an exit status and, on failure, a bilingual line per
    language on stderr — a closed pipe (``| head -1``) or a full disk included."""
    try:
        try:
            code = _main(argv)
        except SystemExit as stop:  # argparse: --help, usage errors
            code = stop.code if isinstance(stop.code, int) else 2
        sys.stdout.flush()  # a full disk shows here, while we can still say so
        return code
    except BrokenPipeError:  # the reader stopped reading (``| head -1``): not worth a message
        _silence_stdout()
        return 1
    except OSError as error:
        _silence_stdout()
        _report("error.output", LANGS, reason=errno.errorcode.get(error.errno or 0, "OSError"))
        return 1
    except Exception as error:  # a bug must still not print a traceback
        _report("error.internal", LANGS, kind=type(error).__name__)
        return 1


if __name__ == "__main__":
    sys.exit(main())
