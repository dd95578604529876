"""The ``privauction`` command: list, run and validate the papers' claims.

::

    privauction list                         # the registered claims
    privauction run prop3-spa-n --seed 1     # one claim, its table and report
    privauction validate                     # every claim at its default sizes
    privauction validate --quick             # every claim, small sizes (1-2 minutes)
    privauction run --module examples/user_scenario.py user-rounded-spa
    privauction audit --data usfs            # recover values from real bids, audit the rules

``validate`` writes ``results.csv`` (and ``results.parquet`` when pyarrow is installed),
``report.html`` and, for crash safety, ``store/`` (one verified file per finished claim) under
``--out`` (default ``./privauction-results``); ``run NAME`` writes the same under
``./privauction-results/runs/NAME`` so it never replaces validate's results. Exit status: 0 when
every check passes, 1 when a check fails (or a claim raises, or a scenario module cannot be
imported), 2 for bad usage, 3 when nothing failed but some check is still inconclusive at its
sample budget.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
from pathlib import Path

__all__ = ["main", "build_parser"]

_EXAMPLES = """\
examples:
  privauction list
  privauction validate --quick              # every claim, small sizes (1-2 minutes)
  privauction validate                      # every claim, default sizes (6-10 minutes)
  privauction run prop3-spa-n --seed 1      # one claim; its checks are printed
  privauction run theorem1-mps -r 10 -j 2   # one claim over 10 seed streams: pass rates
  privauction run --module examples/user_scenario.py user-rounded-spa

"""

_EPILOG = """\
exit status: 0 every check passed, 1 a check failed (or a claim raised, or a scenario module
did not import), 2 bad usage, 3 no check failed but some stayed inconclusive at their budget.
Each check is decided at the run's level (family-wise 0.1 % in each direction, split over claims,
checks and looks); an inconclusive one is re-run with more samples, up to a budget.
Results go to --out (validate: ./privauction-results; run NAME: ./privauction-results/runs/NAME):
results.csv, results.parquet (with pyarrow), report.html (self-contained) and store/ (one
verified file per finished claim; --resume re-uses those that verify and re-runs the others).
"""


class _Usage(Exception):
    """Bad command-line usage: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clean line and status 2, as argparse does, plus a hint
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _out_dir(text: str) -> Path:
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"must be a directory; {text!r} is a file")
    return path


def _writable(out: Path, flag: str = "--out") -> Path:
    """Create ``out`` and check that a file can be written there (one-line usage error if not)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".privauction-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise _Usage(f"{flag} {out}: cannot write there ({exc.strerror or exc})") from None
    return out


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1; got {value}")
    return value


#: Most auctions a command simulates per claim, cell or mechanism (10**8: at the package's
#: simulation speed already many minutes and several GiB; the library's budgets refuse more).
_MAX_AUCTIONS = 10**8


def _auction_count(text: str) -> int:
    """``--n-auctions``: an integer in [1, 10**8], refused up front (argparse type)."""
    value = _positive_int(text)
    if value > _MAX_AUCTIONS:
        raise argparse.ArgumentTypeError(
            f"must be an integer <= {_MAX_AUCTIONS:_}; got {value:.3g} (simulate less, or use "
            "the Python API, whose budgets say what a size costs)")
    return value


def _as_usage(exc: Exception, flags: dict[str, str]) -> _Usage:
    """A library error as a one-line usage error naming the command's flags, not parameters.

    ``flags`` maps library parameter names to the flags that set them; a work budget's advice
    (which names the library's override parameter) is replaced by the flag to lower.
    """
    from ._validation import WorkBudgetError

    text = str(exc)
    if isinstance(exc, WorkBudgetError):
        named = [flag for name, flag in flags.items() if f"`{name}`" in text]
        text = text.split("; ")[0] + (f"; lower {' or '.join(named)}" if named else "")
    for name, flag in flags.items():
        text = text.replace(f"`{name}`", flag)
    return _Usage(text)


_RUN_FLAGS = {"n_auctions": "--n-auctions", "n_replications": "--replications",
              "seed": "--seed", "n_jobs": "--jobs"}
_FRONTIER_FLAGS = {"n_auctions": "--n-auctions", "n_bidders": "--n-bidders", "prior": "--prior",
                   "n_jobs": "--jobs", "audience": "--audience", "rng": "--seed",
                   "step": "--disclosures rounded(step)", "scale": "--disclosures noisy(scale)",
                   "K": "--mechanisms zero-k(K)", "k": "--mechanisms k-price(k)",
                   "reserve": "--mechanisms reserve(r)", "mechanisms": "--mechanisms",
                   "disclosures": "--disclosures", "mechanism": "--mechanisms",
                   "disclosure": "--disclosures"}
_AUDIT_FLAGS = {"bid": "--bid", "auction": "--auction-id", "covariates": "--covariates",
                "categorical": "--categorical", "source": "BIDS", "bids": "BIDS",
                "n_auctions": "--n-auctions", "n_bootstrap": "--n-bootstrap", "n_jobs": "--jobs",
                "rng": "--seed", "drop_invalid": "--drop-invalid"}


def _dpi(text: str) -> int:
    value = _positive_int(text)
    if not 50 <= value <= 1200:
        raise argparse.ArgumentTypeError(f"must be an integer in [50, 1200]; got {value}")
    return value


def _add_figure_arguments(p, what: str) -> None:
    """``--figures DIR --format {png,pdf,svg} --dpi N`` of every command that draws."""
    p.add_argument("--figures", type=_out_dir, default=None, metavar="DIR",
                   help=f"also write {what} as files in DIR (one file per figure, named for "
                        "what it shows)")
    p.add_argument("--format", choices=("png", "pdf", "svg"), default="png",
                   help="file format of --figures (default png)")
    p.add_argument("--dpi", type=_dpi, default=150, metavar="N",
                   help="resolution of PNG figures (default 150)")


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer; got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer; got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = _Parser(
        prog="privauction",
        description="Bayesian privacy in auctions: check the claims of 'Privacy Preserving "
                    "Auctions' (and registered screening/market claims) by Monte Carlo, against "
                    "their analytical values, and write a table and an HTML report.",
        epilog=_EXAMPLES + _EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"privauction {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    plugin_help = ("a Python file that registers extra scenarios with "
                   "privauction.scenarios.register (repeatable); see examples/user_scenario.py")

    p = sub.add_parser("list", help="list the registered claims",
                       description="List every registered claim: name, paper label, what it "
                                   "checks, and its quick/default sizes.")
    p.add_argument("--module", "--plugin", dest="plugins", action="append", default=[],
                   metavar="FILE", help=plugin_help)

    common = _Parser(add_help=False)
    common.add_argument("--seed", type=_seed, default=0, metavar="S",
                        help="root seed; each claim gets its own SeedSequence stream (default 0)")
    common.add_argument("--out", type=_out_dir, default=None, metavar="DIR",
                        help="output directory (default ./privauction-results for validate, "
                             "./privauction-results/runs/NAME for run NAME)")
    common.add_argument("--module", "--plugin", dest="plugins", action="append", default=[],
                        metavar="FILE", help=plugin_help)
    common.add_argument("--no-report", action="store_true", help="skip report.html")
    common.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bar on stderr (default: when stderr is a terminal)")
    _add_figure_arguments(common, "the report's figures")

    p = sub.add_parser(
        "run", parents=[common], help="run one claim",
        description="Run one registered claim at its default sizes (or --quick ones) and print "
                    "its checks.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("name", metavar="NAME", help="a claim name from `privauction list`")
    p.add_argument("--n-auctions", type=_auction_count, default=None, metavar="N",
                   help="auctions per cell (default: the claim's registered size)")
    p.add_argument("--quick", action="store_true", help="use the claim's quick sizes")
    p.add_argument("--replications", "-r", type=_positive_int, default=1, metavar="R",
                   help="run the claim R times with independent seed streams (via "
                        "privauction.sweep, store in DIR/store, resumable) and print how often "
                        "each check passes (default 1)")
    p.add_argument("--jobs", "-j", type=_positive_int, default=1, metavar="J",
                   help="worker processes for --replications (default 1)")

    p = sub.add_parser(
        "validate", parents=[common], help="run every claim and report",
        description="Run every registered claim (or --only some), write the results table and "
                    "the HTML report, and exit 1 if any check fails (3 if some check stays "
                    "inconclusive at its budget). On 2 cores the default sizes took 6-10 minutes "
                    "and --quick 1-2 minutes (validation/results/validate_seeds_*.txt).",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true", help="small sizes: 1-2 minutes on 2 cores")
    p.add_argument("--only", nargs="+", default=None, metavar="NAME",
                   help="run only these claims")
    p.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="J",
                   help="parallel worker processes (default: min(2, CPU count))")
    p.add_argument("--resume", action="store_true",
                   help="re-use finished claims in DIR/store that verify (same seed, sizes and "
                        "code); re-run and name the others")
    _add_frontier_parser(sub)
    _add_audit_parser(sub)
    return parser


def _add_audit_parser(sub) -> None:
    """``privauction audit``: recover values from first-price bids and audit rules and
    disclosures."""
    p = sub.add_parser(
        "audit", help="audit a market from its first-price bids",
        description="Recover the bidders' values from published first-price bids (GPV), then "
                    "audit mechanisms x disclosures: revenue, welfare and the privacy loss of "
                    "the winner, the runner-up and a bidder. Prints the table, writes "
                    "audit.csv and report.html to --out. Default sizes: about 3 minutes on 2 "
                    "cores for the Forest Service data; --quick well under a minute.",
        epilog="examples:\n  privauction audit --data usfs\n  privauction audit bids.csv "
               "--auction-id auction --bid bid --covariates appraisal --quick\n\nexit status: "
               "0 done, 2 bad usage or bad input (missing column, invalid bid, single-bid "
               "auction, not a table).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("bids", nargs="?", default=None, metavar="BIDS",
                   help="CSV or Parquet file, one row per bid")
    p.add_argument("--data", choices=["usfs"], default=None,
                   help="a built-in data set instead of BIDS: usfs, the US Forest Service "
                        "timber sales (from the simple-fpa package)")
    p.add_argument("--auction-id", default=None, metavar="COL",
                   help="column identifying the auction (required with BIDS)")
    p.add_argument("--bid", default=None, metavar="COL", help="column of the bids "
                   "(required with BIDS)")
    p.add_argument("--covariates", nargs="+", default=None, metavar="COL",
                   help="auction covariates to homogenise the bids for (log bid on them)")
    p.add_argument("--categorical", nargs="+", default=None, metavar="COL",
                   help="which covariates are categorical (dummies)")
    p.add_argument("--drop-invalid", action="store_true",
                   help="drop invalid rows (non-finite or non-positive bids, missing "
                        "covariates, single-bid auctions) instead of stopping; counts printed")
    p.add_argument("--n-auctions", type=_auction_count, default=None, metavar="N",
                   help="simulated auctions per cell (default 20000; --quick 2000)")
    p.add_argument("--n-bootstrap", type=int, default=None, metavar="B",
                   help="bootstrap replicates of the value recovery, 0 or >= 2 (default 10; "
                        "--quick 2)")
    p.add_argument("--quick", action="store_true", help="small sizes")
    p.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="J",
                   help="worker processes for the bootstrap (default: min(2, CPU count))")
    p.add_argument("--seed", type=_seed, default=0, metavar="S", help="root seed (default 0)")
    p.add_argument("--out", type=_out_dir, default=Path("privauction-audit"), metavar="DIR",
                   help="output directory (default ./privauction-audit)")
    _add_figure_arguments(p, "the report's figures (value_density, gpv_diagnostics, "
                             "frontier)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar on stderr (default: when stderr is a terminal)")


def _load_plugins(paths) -> None:
    from .scenarios import load_plugin

    for path in paths:
        try:
            load_plugin(path)
        except FileNotFoundError:
            raise _Usage(f"--module {path}: file not found") from None
        except ValueError:
            raise _Usage(f"--module {path}: must be a Python file ending in .py") from None
        except Exception as exc:
            raise _Usage(f"could not import plug-in {path}: {type(exc).__name__}: {exc}") from None


def _cmd_list(args) -> int:
    from .scenarios import registry

    _load_plugins(args.plugins)
    width = max((len(s.name) for s in registry), default=10)
    cwidth = max((len(f"{s.paper}: {s.claim}") for s in registry), default=10)
    for s in registry:
        label = f"{s.paper}: {s.claim}"
        if s.size in s.full:
            sizes = f"[{s.size}: quick {s.quick.get(s.size, '-')}, default {s.full[s.size]}]"
        else:
            sizes = "[deterministic]"
        print(f"{s.name:<{width}}  {label:<{cwidth}}  {s.description}  {sizes}")
    _report_import_errors(registry)
    return 1 if registry.import_errors else 0


def _report_import_errors(registry) -> None:
    for module, error in registry.import_errors.items():
        print(f"privauction: error: scenario module {module} failed to import ({error}); its "
              "claims are missing", file=sys.stderr)


def _fmt(x) -> str:
    import math

    try:
        x = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(x):
        return "-"
    if math.isinf(x):
        return "inf"
    return f"{x:.4g}"


_MARKS = {"pass": "pass", "fail": "FAIL", "inconclusive": "INCONCLUSIVE"}


def _print_checks(results, *, only_failed: bool = False) -> None:
    rows = results[results["outcome"] != "pass"] if only_failed else results
    for _, r in rows.iterrows():
        mark = _MARKS.get(r["outcome"], r["outcome"])
        extra = ""
        if r.get("power") == r.get("power"):  # stochastic: level, power and looks
            extra = f"; power {r['power']:.2f}, look {int(r['stage'])}"
        print(f"  [{mark}] {r['claim']}: {r['case']}"
              f"  analytical {_fmt(r['analytical'])}, estimate {_fmt(r['estimate'])} "
              f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]  ({r['rule']}{extra})")


def _write_outputs(results, errors, out: Path, meta: dict, report: bool, args=None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    results.to_csv(out / "results.csv", index=False)
    try:
        import pyarrow  # noqa: F401

        frame = results.copy()
        for col in frame.columns:
            if frame[col].dtype == object:
                frame[col] = frame[col].map(lambda v: v if v is None or isinstance(v, str)
                                            else str(v))
        frame.to_parquet(out / "results.parquet", index=False)
    except ImportError:
        pass
    figures = getattr(args, "figures", None)
    if report or figures is not None:
        from .report import build_report

        page = build_report(results, errors=errors, meta=meta, figures_dir=figures,
                            figure_format=args.format if figures else "png",
                            dpi=args.dpi if figures else 150)
        if report:
            (out / "report.html").write_text(page, encoding="utf-8")


def _meta(args, names, quick, elapsed, n_jobs) -> dict:
    from . import __version__

    return {
        "command": "privauction " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        if Path(sys.argv[0]).name == "privauction" else f"{args.command} {' '.join(names)}",
        "mode": "quick" if quick else "default sizes",
        "seed": args.seed,
        "runtime": f"{elapsed:.1f} s",
        "workers": n_jobs,
        "python": platform.python_version(),
        "privauction": __version__,
    }


def _exit_status(summary, errors, registry) -> int:
    if errors or registry.import_errors or (summary["outcome"] == "fail").any():
        return 1
    return 3 if (summary["outcome"] == "inconclusive").any() else 0


def _run(args, names, quick: bool, overrides: dict, n_jobs: int, resume: bool) -> int:
    from .scenarios import registry, run_many, summarise
    from .sweep import SweepStoreMismatchError

    unknown = [n for n in names if n not in registry]
    if unknown:
        known = ", ".join(registry.names())
        raise _Usage(f"no claim named {', '.join(map(repr, unknown))}; registered: {known}")
    out = _writable(args.out)
    if args.figures is not None:
        _writable(args.figures, "--figures")
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    start = time.perf_counter()
    try:
        results, errors = run_many(
            names, seed=args.seed, quick=quick, overrides=overrides, n_jobs=n_jobs,
            store=out / "store", resume=resume, plugins=args.plugins, progress=progress,
        )
    except SweepStoreMismatchError as exc:  # --resume on a store of another run
        raise _Usage(f"{exc}; run without --resume to start afresh") from None
    except (TypeError, ValueError) as exc:  # an override the claim does not take, a budget
        raise _as_usage(exc, _RUN_FLAGS) from None
    elapsed = time.perf_counter() - start
    meta = _meta(args, names, quick, elapsed, n_jobs)
    _write_outputs(results, errors, out, meta, report=not args.no_report, args=args)
    summary = summarise(results, errors)
    claim_width = max((len(str(c)) for c in summary["claim"]), default=10)
    name_width = max((len(str(c)) for c in summary["scenario"]), default=10)
    for _, s in summary.iterrows():
        mark = {"pass": "PASS", "fail": "FAIL", "inconclusive": "INCONCLUSIVE"}[s["outcome"]]
        line = (f"{mark:<4}  {s['claim']:<{claim_width}}  {s['scenario']:<{name_width}}  "
                f"{s['passed']:>3}/{s['checks']:<3} checks")
        if s.get("seconds") == s.get("seconds"):
            line += f"  {s['seconds']:.1f} s"
        if s.get("looks", 1) > 1:
            line += f"  ({int(s['looks'])} looks)"
        print(line)
        if isinstance(s.get("error"), str):
            print(f"      error: {s['error']}")
    if len(names) == 1 and len(results):
        _print_checks(results)
    elif len(results) and (results["outcome"] != "pass").any():
        print("checks that did not pass:")
        _print_checks(results, only_failed=True)
    _report_import_errors(registry)
    n_ok = int((summary["outcome"] == "pass").sum())
    n_checks_ok = int((results["outcome"] == "pass").sum()) if len(results) else 0
    n_inc = int((results["outcome"] == "inconclusive").sum()) if len(results) else 0
    print(f"{n_ok} of {len(summary)} claims pass ({n_checks_ok} of {len(results)} checks"
          + (f", {n_inc} inconclusive" if n_inc else "") + f") in {elapsed:.1f} s; results in "
          f"{out}/" + ("" if args.no_report else f", report {out / 'report.html'}")
          + (f", figures in {args.figures}/" if args.figures is not None else ""))
    return _exit_status(summary, errors, registry)


def _cmd_run(args) -> int:
    from .scenarios import registry, resolve_arguments

    _load_plugins(args.plugins)
    if args.out is None:
        args.out = Path("privauction-results") / "runs" / args.name
    overrides = {} if args.n_auctions is None else {"n_auctions": args.n_auctions}
    if args.name in registry:  # a size the claim does not take is an error, not ignored
        try:
            resolve_arguments(args.name, quick=args.quick, overrides=overrides)
        except (TypeError, ValueError) as exc:
            raise _as_usage(exc, _RUN_FLAGS) from None
    if args.replications > 1:
        return _run_replicated(args, overrides)
    return _run(args, [args.name], args.quick, overrides, 1, False)


def _run_replicated(args, overrides) -> int:
    from .scenarios import pass_rates, registry, run_replications
    from .sweep import SweepStoreMismatchError

    if args.name not in registry:
        raise _Usage(f"no claim named {args.name!r}; registered: {', '.join(registry.names())}")
    out = _writable(args.out)
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    start = time.perf_counter()
    store = out / "store" / (f"seed-{args.seed}-" + ("quick" if args.quick else "default")
                             + (f"-n{args.n_auctions}" if args.n_auctions else ""))
    try:
        results = run_replications(
            args.name, args.replications, seed=args.seed, quick=args.quick,
            overrides=overrides, n_jobs=args.jobs, store=store, plugins=args.plugins,
            progress=progress,
        )
    except SweepStoreMismatchError as exc:  # the claim's code changed since the store was made
        raise _Usage(f"{exc}; or delete {store}") from None
    except (TypeError, ValueError) as exc:
        raise _as_usage(exc, _RUN_FLAGS) from None
    elapsed = time.perf_counter() - start
    meta = _meta(args, [args.name], args.quick, elapsed, args.jobs)
    meta["command"] += f" (replications: {args.replications})"
    _write_outputs(results, {}, out, meta, report=not args.no_report, args=args)
    if "error" in results:
        for error in results["error"].dropna().unique():
            if error:
                print(f"FAIL  {args.name}: raised {error}", file=sys.stderr)
    rates = pass_rates(results)
    for _, r in rates.iterrows():
        mark = "pass" if r["passed"] == r["replications"] else (
            "FAIL" if r["failed"] else "INCONCLUSIVE")
        print(f"  [{mark}] {r['passed']:>3}/{r['replications']:<3} {r['case']}"
              + (f"  ({r['failed']} failed, {r['inconclusive']} inconclusive)"
                 if r["passed"] < r["replications"] else ""))
    n_ok = int((rates["passed"] == rates["replications"]).sum())
    print(f"{n_ok} of {len(rates)} checks pass in all {args.replications} replications "
          f"({elapsed:.1f} s); results in {out}/")
    raised = "error" in results and (results["error"].fillna("") != "").any()
    if (rates["failed"] > 0).any() or raised:
        return 1
    return 3 if (rates["inconclusive"] > 0).any() else 0


def _cmd_validate(args) -> int:
    from .scenarios import registry

    _load_plugins(args.plugins)
    if args.out is None:
        args.out = Path("privauction-results")
    names = args.only if args.only else registry.names()
    n_jobs = args.jobs or max(1, min(2, os.cpu_count() or 1))
    return _run(args, names, args.quick, {}, n_jobs, args.resume)


# --- privauction frontier ------------------------------------------------------------------

_FRONTIER_MECHANISMS = {  # CLI name -> (class name in privauction.mechanisms, argument names)
    "spa": ("SecondPrice", ()), "reserve": ("ReservePrice", ("reserve",)),
    "zero-k": ("ZeroKLottery", ("K",)), "winner-bid": ("WinnerBidLottery", ()),
    "beta-price": ("BetaPrice", ()), "k-price": ("KPrice", ("k",)),
    "first-price": ("FirstPrice", ()),
}
_FRONTIER_DISCLOSURES = {  # CLI name -> (class name in privauction.disclosure, argument names)
    "winner-and-price": ("WinnerAndPrice", ()), "price-only": ("PriceOnly", ()),
    "winner-only": ("WinnerOnly", ()), "all-bids": ("AllBids", ("with_identities",)),
    "rounded": ("RoundedPrice", ("step",)),
    "stochastic": ("StochasticRounding", ("mantissa_bits", "exponent_bits")),
    "noisy": ("NoisyPrice", ("scale",)), "nothing": ("Nothing", ()),
}
_FRONTIER_DEFAULT_DISCLOSURES = ("winner-and-price", "price-only", "winner-only", "all-bids",
                                 "rounded(0.1)", "stochastic(8,8)", "noisy(0.1)", "nothing")


def _frontier_spec(text: str, table: dict, module) -> object:
    """``name`` or ``name(a,b)`` -> an instance (argparse type; one-line error otherwise)."""
    import re

    match = re.fullmatch(r"\s*([A-Za-z][\w-]*)\s*(?:\((.*)\))?\s*", text)
    name = match.group(1).lower() if match else ""
    if name not in table:
        raise argparse.ArgumentTypeError(
            f"unknown {text!r}; choose from {', '.join(table)} (arguments in parentheses, "
            f"e.g. {'zero-k(2)' if 'spa' in table else 'rounded(0.1)'})")
    cls_name, arg_names = table[name]
    raw = [a.strip() for a in match.group(2).split(",")] if match.group(2) else []
    if len(raw) > len(arg_names):
        raise argparse.ArgumentTypeError(
            f"{name} takes at most {len(arg_names)} argument(s) "
            f"({', '.join(arg_names) or 'none'}); got {text!r}")
    kwargs = {}
    for key, value in zip(arg_names, raw, strict=False):
        if value.lower() in ("true", "false"):
            kwargs[key] = value.lower() == "true"
            continue
        try:
            kwargs[key] = int(value) if re.fullmatch(r"[+-]?\d+", value) else float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name}: {key} must be a number; got {value!r}") from None
    try:
        return getattr(module, cls_name)(**kwargs)
    except (TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"{text}: {exc}") from None


def _frontier_mechanism(text: str):
    from . import mechanisms

    return _frontier_spec(text, _FRONTIER_MECHANISMS, mechanisms)


def _frontier_disclosure(text: str):
    from . import disclosure

    return _frontier_spec(text, _FRONTIER_DISCLOSURES, disclosure)


def _frontier_prior(text: str):
    import math
    import re

    from scipy import stats

    t = text.strip().lower()
    if t == "uniform":
        return stats.uniform(0, 1)
    match = re.fullmatch(r"beta\(\s*([^,]+?)\s*,\s*([^)]+?)\s*\)", t)
    try:
        a, b = (float(match.group(1)), float(match.group(2))) if match else (None, None)
    except ValueError:
        a = b = None
    if a is None or not (math.isfinite(a) and math.isfinite(b) and a > 0 and b > 0):
        raise argparse.ArgumentTypeError(
            f"must be 'uniform' or 'beta(a,b)' with a, b > 0; got {text!r}")
    return stats.beta(a, b)


def _add_frontier_parser(sub) -> None:
    p = sub.add_parser(
        "frontier", help="revenue, welfare and privacy loss: mechanisms x disclosures",
        description="Simulate each mechanism once, publish its outcomes under every disclosure "
                    "and report revenue, welfare and the privacy loss of the winner, the "
                    "runner-up and bidder 0 (estimate, interval, analytical value where known). "
                    "Writes frontier.csv (tidy) and report.html under --out, and the frontier "
                    "figure under --figures.",
        epilog="names: mechanisms " + ", ".join(_FRONTIER_MECHANISMS) + "; disclosures "
               + ", ".join(_FRONTIER_DISCLOSURES) + "; arguments in parentheses, e.g. "
               "zero-k(2) reserve(0.5) rounded(0.1) stochastic(8,8) noisy(0.1) all-bids(true)."
               "\nexit status: 0 done, 2 bad usage.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--prior", type=_frontier_prior, default="uniform", metavar="PRIOR",
                   help="value prior: uniform or beta(a,b) (default uniform)")
    p.add_argument("--n-bidders", "-n", type=_positive_int, default=2, metavar="N",
                   help="bidders per auction, >= 2 (default 2)")
    p.add_argument("--mechanisms", "-m", nargs="+", type=_frontier_mechanism,
                   default=None, metavar="MECH",
                   help="mechanisms (default: spa reserve zero-k(2))")
    p.add_argument("--disclosures", "-d", nargs="+", type=_frontier_disclosure,
                   default=None, metavar="RULE",
                   help="disclosures (default: every built-in: "
                        + " ".join(_FRONTIER_DEFAULT_DISCLOSURES) + ")")
    p.add_argument("--n-auctions", type=_auction_count, default=100_000, metavar="N",
                   help="auctions simulated per mechanism (default 100000)")
    p.add_argument("--audience", choices=("outsider", "rival"), default="outsider",
                   help="who learns: an outsider, or the rival (last bidder) who knows its "
                        "own value (default outsider)")
    p.add_argument("--seed", type=_seed, default=0, metavar="S", help="root seed (default 0)")
    p.add_argument("--out", type=_out_dir, default=None, metavar="DIR",
                   help="output directory (default ./privauction-results/frontier)")
    p.add_argument("--jobs", "-j", type=_positive_int, default=1, metavar="J",
                   help="worker processes, one mechanism each (default 1)")
    _add_figure_arguments(p, "the frontier figure (frontier_n{N}.{FORMAT})")
    p.add_argument("--no-report", action="store_true", help="skip report.html")


def _cmd_frontier(args) -> int:
    """``privauction frontier``: the table in the terminal, frontier.csv, report.html and the
    figure (with --figures)."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    from . import mechanisms
    from .frontier import disclosure_frontier, plot_disclosure_frontier

    if args.n_bidders < 2:
        raise _Usage(f"--n-bidders must be an integer >= 2; got {args.n_bidders}")
    if args.n_auctions < 100:
        raise _Usage(f"--n-auctions must be an integer >= 100; got {args.n_auctions}")
    mechs = args.mechanisms or [mechanisms.SecondPrice(), mechanisms.ReservePrice(),
                                mechanisms.ZeroKLottery(2.0)]
    rules = args.disclosures or [_frontier_disclosure(d) for d in _FRONTIER_DEFAULT_DISCLOSURES]
    out = _writable(args.out or Path("privauction-results") / "frontier")
    figures = _writable(args.figures, "--figures") if args.figures is not None else None
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # infinite losses are rows marked infinite
            table = disclosure_frontier(
                args.prior, args.n_bidders, mechs, rules, args.n_auctions, rng=args.seed,
                audience=args.audience, backend="joblib" if args.jobs > 1 else "serial",
                n_jobs=args.jobs,
            )
    except (TypeError, ValueError, NotImplementedError) as exc:
        raise _as_usage(exc, _FRONTIER_FLAGS) from None
    elapsed = time.perf_counter() - start
    table.to_csv(out / "frontier.csv", index=False)
    prior_label = getattr(args.prior.dist, "name", "prior") + str(tuple(args.prior.args))
    title = f"Disclosure frontier: {prior_label}, n = {args.n_bidders}"
    written = [out / "frontier.csv"]
    if figures is not None:
        from .plotting import save_figure

        fig = plot_disclosure_frontier(table, title=title)
        written.append(save_figure(fig, figures / f"frontier_n{args.n_bidders}.{args.format}",
                                   format=args.format, dpi=args.dpi))
    if not args.no_report:
        from .frontier_report import write_frontier_report

        meta = {"command": "privauction frontier " + " ".join(
                    shlex.quote(a) for a in sys.argv[2:]) if Path(sys.argv[0]).name
                    == "privauction" else "privauction frontier",
                "prior": prior_label, "n_bidders": args.n_bidders,
                "audience": args.audience, "seed": args.seed, "runtime": f"{elapsed:.1f} s"}
        written.append(write_frontier_report({title: table}, out / "report.html", meta=meta))
    people = [w for w in ("winner", "runner-up", "bidder") if w in set(table["whose"])]
    print(f"{title}; {args.n_auctions} auctions per mechanism, audience {args.audience}; "
          "privacy loss in nats, estimate [interval] (analytical)")
    for mech, rows in table.groupby("mechanism", sort=False):
        print(mech)
        lines = [["disclosure", "revenue", "welfare", *people]]
        for rule, part in rows.groupby("disclosure", sort=False):
            by = {(r["quantity"], r["whose"]): r for _, r in part.iterrows()}
            cells = [str(rule), _fmt(by[("revenue", "")]["estimate"]),
                     _fmt(by[("welfare", "")]["estimate"])]
            for p in people:
                r = by[("privacy_loss", p)]
                if r["infinite"]:
                    text = "inf"
                else:
                    text = f"{_fmt(r['estimate'])} [{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]"
                cells.append(f"{text} ({_fmt(r['analytical'])})")
            lines.append(cells)
        widths = [max(len(line[j]) for line in lines) for j in range(len(lines[0]))]
        for line in lines:
            print("  " + "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True))
                  .rstrip())
    print(f"done in {elapsed:.1f} s; wrote " + ", ".join(str(w) for w in written))
    return 0


_USFS_COVARIATES = ["adv_value", "volume_total_1", "hhi", "year", "forest", "state"]
_USFS_CATEGORICAL = ["year", "forest", "state"]


def _cmd_audit(args) -> int:
    """Load bids, recover values, audit, print the table, write audit.csv and report.html."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd

    from . import audit as au
    from .audit.report import audit_figures, market_summary, write_audit_report

    if (args.bids is None) == (args.data is None):
        raise _Usage("give a bids file (BIDS) or --data usfs, not both and not neither")
    if args.n_bootstrap is not None and (args.n_bootstrap < 0 or args.n_bootstrap == 1):
        raise _Usage(f"--n-bootstrap must be 0 or an integer >= 2; got {args.n_bootstrap}")
    if args.data == "usfs":
        auction, bid = args.auction_id or "auctionid", args.bid or "actual_bid"
        covariates = _USFS_COVARIATES if args.covariates is None else args.covariates
        categorical = (_USFS_CATEGORICAL if args.covariates is None and args.categorical is None
                       else args.categorical or [])
    else:
        missing = [f for f, v in (("--auction-id", args.auction_id), ("--bid", args.bid))
                   if v is None]
        if missing:
            raise _Usage(f"{' and '.join(missing)} required with a bids file")
        auction, bid = args.auction_id, args.bid
        covariates, categorical = args.covariates or [], args.categorical or []
    unknown = sorted(set(categorical) - set(covariates))
    if unknown:
        raise _Usage(f"--categorical {' '.join(unknown)}: not among --covariates")
    n_auctions = args.n_auctions or (2_000 if args.quick else 20_000)
    n_bootstrap = args.n_bootstrap if args.n_bootstrap is not None else (2 if args.quick
                                                                          else 10)
    n_jobs = args.jobs or max(1, min(2, os.cpu_count() or 1))
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    out = _writable(args.out)
    figures_dir = _writable(args.figures, "--figures") if args.figures is not None else None
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", au.DroppedRowsWarning)
        try:
            if args.data == "usfs":
                bids = au.load_usfs()
            else:
                bids = au.load_bids(args.bids, auction=auction, bid=bid, covariates=covariates,
                                    drop_invalid=args.drop_invalid)
        except (ValueError, TypeError, FileNotFoundError, ModuleNotFoundError) as exc:
            exc.args = (str(exc).replace("pass drop_invalid=True", "pass --drop-invalid")
                        .replace("drop_invalid=True", "--drop-invalid"),)
            raise _as_usage(exc, _AUDIT_FLAGS) from None
    cleaning = au.cleaning_report(bids)
    source = "US Forest Service timber sales (simple-fpa)" if args.data else args.bids
    print(f"{source}: {len(bids)} bids in {bids[auction].nunique()} auctions kept")
    for r in cleaning.itertuples(index=False):
        if r.rows:
            print(f"  dropped {r.rows} rows in {r.auctions} auctions: {r.rule} ({r.reason})")
    if not cleaning["rows"].any():
        print(f"  dropped no rows (rules checked: {', '.join(cleaning['rule'])})")
    for w in caught:
        if not issubclass(w.category, au.DroppedRowsWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    try:
        fit = au.recover_values(bids, auction=auction, bid=bid, covariates=covariates,
                                categorical=categorical)
    except (ValueError, TypeError) as exc:
        raise _as_usage(exc, _AUDIT_FLAGS) from None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            table = au.audit(fit, n_auctions=n_auctions, rng=args.seed, n_bootstrap=n_bootstrap,
                             backend="joblib" if n_jobs > 1 and n_bootstrap else "serial",
                             n_jobs=n_jobs, progress=progress)
        except (ValueError, TypeError) as exc:
            raise _as_usage(exc, _AUDIT_FLAGS) from None
    elapsed = time.perf_counter() - start
    table.to_csv(out / "audit.csv", index=False)
    summary = market_summary(table)
    summary.to_csv(out / "audit_market.csv", index=False)
    meta = {"command": "privauction " + " ".join(shlex.quote(a) for a in sys.argv[1:])
            if Path(sys.argv[0]).name == "privauction" else "privauction audit",
            "seed": args.seed, "simulated auctions per cell": n_auctions,
            "bootstrap replicates": n_bootstrap, "workers": n_jobs,
            "runtime": f"{elapsed:.1f} s"}
    figures = audit_figures(fit, table)
    if figures_dir is not None:
        from .plotting import save_figure

        for stem, fig in figures.items():
            save_figure(fig, figures_dir / f"{stem}.{args.format}", format=args.format,
                        dpi=args.dpi, close=False)
    write_audit_report(fit, table, out / "report.html", cleaning=cleaning, meta=meta,
                       figures=figures)
    shown = summary[["mechanism", "disclosure", "revenue", "revenue_low", "revenue_high",
                     "privacy_loss", "runner_up_loss", "bidder_loss"]].copy()
    for col in shown.columns[2:]:
        shown[col] = shown[col].map(_fmt)
    shown.columns = ["mechanism", "disclosure", "revenue", "low", "high", "winner",
                     "runner-up", "bidder"]
    print(f"\naveraged over the market's auction sizes ({n_bootstrap} bootstrap replicates, "
          "90 % intervals; privacy loss in nats, inf: revealed):")
    with pd.option_context("display.width", 200, "display.max_colwidth", 40):
        print(shown.to_string(index=False))
    for w in {(w.category.__name__, str(w.message)) for w in caught}:
        print(f"warning: {w[0]}: {w[1]}", file=sys.stderr)
    print(f"\n{len(table)} rows (mechanism x disclosure x number of bidders) in {elapsed:.1f} s;"
          f" table {out / 'audit.csv'}, market averages {out / 'audit_market.csv'}, report "
          f"{out / 'report.html'}" + (f", figures in {figures_dir}/" if figures_dir else ""))
    return 0


def main(argv=None) -> int:
    """Entry point of the ``privauction`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        print("privauction: error: a COMMAND is required (list, run, validate, frontier, audit)",
              file=sys.stderr)
        return 2
    handler = {"list": _cmd_list, "run": _cmd_run, "validate": _cmd_validate,
               "frontier": _cmd_frontier, "audit": _cmd_audit}[args.command]
    try:
        return handler(args)
    except _Usage as exc:
        print(f"privauction: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("privauction: interrupted; finished claims are in --out/store (use --resume)",
              file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
