"""`python -m ksqlmv.conformance`: run ksqlDB's corpus, report, check and grow the baseline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ksqlmv.conformance.baseline import Baseline
from ksqlmv.conformance.corpus import run_corpus
from ksqlmv.errors import KsqlmvError

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the corpus; exit 1 when a baseline case no longer passes."""
    parser = argparse.ArgumentParser(prog="python -m ksqlmv.conformance", description=__doc__)
    parser.add_argument("--corpus", type=Path, required=True, help="the ksqldb-tests folder")
    parser.add_argument("--report", type=Path, help="write the JSON report here")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=Path("conformance/baseline.txt"),
        help="the committed list of passing cases",
    )
    parser.add_argument(
        "--update-baseline", action="store_true", help="add newly passing cases to the baseline"
    )
    parser.add_argument("--quiet", action="store_true", help="print only the summary lines")
    args = parser.parse_args(argv)
    try:
        run = run_corpus(args.corpus)
    except KsqlmvError as error:
        print(f"Error: {error}", file=sys.stderr)
        return error.exit_code
    if args.report is not None:
        run.write(args.report)
    summary = run.summary
    print(summary.report(show_failures=not args.quiet))
    report = run.report()
    for issue, counts in report["issues"].items():
        rate = counts["pass_rate"]
        shown = "-" if rate is None else f"{100 * rate:.1f}%"
        print(f"{issue}: {counts['passed']} passed, {counts['failed']} failed ({shown})")
    print(f"corpus run in {run.seconds:.1f} s")
    baseline = Baseline.load(args.baseline)
    regressions = baseline.regressions(run.passed_ids, run.ran_ids)
    if args.update_baseline:
        added = baseline.grow(run.passed_ids)
        baseline.save()
        print(f"baseline: {added} case(s) added, {len(baseline.ids)} in all")
    if regressions:
        print(f"{len(regressions)} baseline case(s) no longer pass:", file=sys.stderr)
        for case in regressions:
            print(f"  {case}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
