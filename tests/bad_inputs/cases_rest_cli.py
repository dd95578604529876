"""Bad flags to every ``privauction`` command: exit status 2 and the flag named (issue 15, B).

Every case writes, if at all, under a fresh ``tempfile.mkdtemp()`` made in the forked child,
never into the working directory.
"""

from __future__ import annotations

import os
import tempfile

from privauction import cli

from ._harness import BadInput

CLAIM = "example1"


def _tmp():
    return tempfile.mkdtemp(prefix="privauction-bad-cli-")


def command(*argv, out=True, out_flag="--out"):
    """A call of ``privauction argv... --out <fresh tmp dir>``."""

    def call():
        extra = [out_flag, _tmp()] if out else []
        return cli.main([*argv, *extra])

    return call


def _with_file(text, build):
    """Write ``text`` to a file in a fresh tmp dir and run ``privauction build(path, tmp)``."""

    def call():
        tmp = _tmp()
        path = os.path.join(tmp, "input.csv")
        with open(path, "w") as handle:
            handle.write(text)
        return cli.main(build(path, tmp))

    return call


def _out_is_a_file(*argv):
    return _with_file("x", lambda path, tmp: [*argv, "--out", path])


GOOD_BIDS = "auction,bid\n" + "".join(f"{a},{1 + 0.1 * b + 0.01 * a}\n" for a in range(40)
                                      for b in range(3))
NAN_BIDS = GOOD_BIDS + "40,nan\n40,1.5\n"
NEG_BIDS = GOOD_BIDS + "40,-1\n40,1.5\n"
TEXT_BIDS = GOOD_BIDS + "40,high\n40,1.5\n"


def audit_file(text, *flags):
    return _with_file(text, lambda path, tmp: ["audit", path, "--auction-id", "auction", "--bid",
                                               "bid", "--quick", "--out", tmp, *flags])


def cli_case(entry, label, call, names, kind="other"):
    return BadInput(entry, label, call, names, kind, cli=True)


CASES = [
    cli_case("cli", "no command", command(out=False), ("COMMAND", "command")),
    cli_case("cli", "unknown command 'simulate'", command("simulate", out=False), ("simulate",)),
    cli_case("cli list", "--module missing file",
             command("list", "--module", "/nonexistent/plugin.py", out=False), ("--module",)),
    cli_case("cli list", "--module a CSV file",
             _with_file("a,b\n", lambda path, tmp: ["list", "--module", path]), ("--module",)),
    cli_case("cli list", "unknown flag --quick", command("list", "--quick", out=False),
             ("--quick",)),
    # run
    cli_case("cli run", "unknown claim", command("run", "no-such-claim"), ("no-such-claim",
                                                                           "NAME")),
    cli_case("cli run", "no claim name", command("run"), ("NAME",), "empty"),
    cli_case("cli run", "--n-auctions 0", command("run", CLAIM, "--n-auctions", "0"),
             ("--n-auctions",), "zero"),
    cli_case("cli run", "--n-auctions -5", command("run", CLAIM, "--n-auctions", "-5"),
             ("--n-auctions",), "negative"),
    cli_case("cli run", "--n-auctions abc", command("run", CLAIM, "--n-auctions", "abc"),
             ("--n-auctions",), "type"),
    cli_case("cli run", "--n-auctions 2.5", command("run", CLAIM, "--n-auctions", "2.5"),
             ("--n-auctions",), "type"),
    cli_case("cli run", "--n-auctions nan", command("run", CLAIM, "--n-auctions", "nan"),
             ("--n-auctions",), "nan"),
    cli_case("cli run", "--n-auctions 10**30",
             command("run", CLAIM, "--n-auctions", str(10**30)), ("--n-auctions",), "huge"),
    cli_case("cli run", "--n-auctions 10**12",
             command("run", CLAIM, "--n-auctions", str(10**12)), ("--n-auctions",), "huge"),
    cli_case("cli run", "--seed -1", command("run", CLAIM, "--seed", "-1"), ("--seed",),
             "negative"),
    cli_case("cli run", "--seed x", command("run", CLAIM, "--seed", "x"), ("--seed",), "type"),
    cli_case("cli run", "--replications 0", command("run", CLAIM, "-r", "0"),
             ("--replications", "-r"), "zero"),
    cli_case("cli run", "--replications 10**9", command("run", CLAIM, "-r", str(10**9)),
             ("--replications", "-r"), "huge"),
    cli_case("cli run", "--jobs 0", command("run", CLAIM, "-j", "0"), ("--jobs", "-j"), "zero"),
    cli_case("cli run", "--out is a file", _out_is_a_file("run", CLAIM), ("--out",)),
    cli_case("cli run", "--out under a file",
             _with_file("x", lambda path, tmp: ["run", CLAIM, "--out", path + "/sub"]),
             ("--out",)),
    cli_case("cli run", "--module missing file",
             command("run", "--module", "/nonexistent/plugin.py", CLAIM), ("--module",)),
    # validate
    cli_case("cli validate", "--only unknown claim", command("validate", "--only", "nope"),
             ("nope", "--only")),
    cli_case("cli validate", "--jobs 0", command("validate", "--jobs", "0"), ("--jobs",), "zero"),
    cli_case("cli validate", "--jobs -1", command("validate", "--jobs", "-1"), ("--jobs",),
             "negative"),
    cli_case("cli validate", "--seed 1.5", command("validate", "--seed", "1.5"), ("--seed",),
             "type"),
    cli_case("cli validate", "--out is a file", _out_is_a_file("validate"), ("--out",)),
    cli_case("cli validate", "--only with no name", command("validate", "--only"), ("--only",),
             "empty"),
    # frontier
    cli_case("cli frontier", "--prior bogus", command("frontier", "--prior", "bogus"),
             ("--prior",), "support"),
    cli_case("cli frontier", "--prior beta(nan,1)", command("frontier", "--prior", "beta(nan,1)"),
             ("--prior",), "nan"),
    cli_case("cli frontier", "--prior uniform(0,-1)",
             command("frontier", "--prior", "uniform(0,-1)"), ("--prior",), "negative"),
    cli_case("cli frontier", "--prior norm(0,1) (unbounded)",
             command("frontier", "--prior", "norm(0,1)", "-m", "spa", "-d", "price-only",
                     "--n-auctions", "200"), ("--prior",), "support"),
    cli_case("cli frontier", "--n-bidders 1", command("frontier", "-n", "1"),
             ("--n-bidders", "-n"), "support"),
    cli_case("cli frontier", "--n-bidders x", command("frontier", "-n", "x"),
             ("--n-bidders", "-n"), "type"),
    cli_case("cli frontier", "--mechanisms bogus", command("frontier", "-m", "bogus"),
             ("--mechanisms", "-m"), "support"),
    cli_case("cli frontier", "--mechanisms zero-k(-1)", command("frontier", "-m", "zero-k(-1)"),
             ("--mechanisms", "-m"), "negative"),
    cli_case("cli frontier", "--mechanisms reserve(nan)",
             command("frontier", "-m", "reserve(nan)"), ("--mechanisms", "-m"), "nan"),
    cli_case("cli frontier", "--disclosures bogus", command("frontier", "-d", "bogus"),
             ("--disclosures", "-d"), "support"),
    cli_case("cli frontier", "--disclosures rounded(0)", command("frontier", "-d", "rounded(0)"),
             ("--disclosures", "-d"), "zero"),
    cli_case("cli frontier", "--disclosures noisy(nan)", command("frontier", "-d", "noisy(nan)"),
             ("--disclosures", "-d"), "nan"),
    cli_case("cli frontier", "--disclosures rounded(1e-9)",
             command("frontier", "-m", "spa", "-d", "rounded(1e-9)", "--n-auctions", "200"),
             ("--disclosures", "-d"), "huge"),
    cli_case("cli frontier", "--n-auctions 10", command("frontier", "--n-auctions", "10"),
             ("--n-auctions",), "support"),
    cli_case("cli frontier", "--n-auctions 10**13",
             command("frontier", "-m", "spa", "-d", "price-only", "--n-auctions", str(10**13)),
             ("--n-auctions",), "huge"),
    cli_case("cli frontier", "--audience press", command("frontier", "--audience", "press"),
             ("--audience",), "support"),
    cli_case("cli frontier", "--seed -3", command("frontier", "--seed", "-3"), ("--seed",),
             "negative"),
    cli_case("cli frontier", "--jobs 0", command("frontier", "--jobs", "0"), ("--jobs", "-j"),
             "zero"),
    cli_case("cli frontier", "--format jpg", command("frontier", "--format", "jpg"),
             ("--format",), "support"),
    cli_case("cli frontier", "--out is a file", _out_is_a_file("frontier"), ("--out",)),
    cli_case("cli frontier", "--figures is a file",
             _with_file("x", lambda path, tmp: ["frontier", "--out", tmp, "--figures", path]),
             ("--figures",)),
    # audit
    cli_case("cli audit", "neither BIDS nor --data", command("audit"), ("BIDS", "--data")),
    cli_case("cli audit", "--data other", command("audit", "--data", "other"), ("--data",),
             "support"),
    cli_case("cli audit", "missing bids file",
             command("audit", "/nonexistent/bids.csv", "--auction-id", "a", "--bid", "b"),
             ("BIDS", "/nonexistent/bids.csv")),
    cli_case("cli audit", "no --bid",
             _with_file(GOOD_BIDS, lambda path, tmp: ["audit", path, "--auction-id", "auction",
                                                      "--out", tmp]), ("--bid",), "empty"),
    cli_case("cli audit", "--bid names no column",
             _with_file(GOOD_BIDS, lambda path, tmp: ["audit", path, "--auction-id", "auction",
                                                      "--bid", "price", "--out", tmp]),
             ("--bid",), "mismatch"),
    cli_case("cli audit", "--auction-id names no column",
             _with_file(GOOD_BIDS, lambda path, tmp: ["audit", path, "--auction-id", "sale",
                                                      "--bid", "bid", "--out", tmp]),
             ("--auction-id",), "mismatch"),
    cli_case("cli audit", "nan bid in the file", audit_file(NAN_BIDS), ("--bid", "--drop-invalid"),
             "nan"),
    cli_case("cli audit", "negative bid in the file", audit_file(NEG_BIDS),
             ("--bid", "--drop-invalid"), "negative"),
    cli_case("cli audit", "text bid in the file", audit_file(TEXT_BIDS), ("--bid",), "type"),
    cli_case("cli audit", "empty bids file", audit_file("auction,bid\n"), ("BIDS", "--bid"),
             "empty"),
    cli_case("cli audit", "--n-bootstrap 1", audit_file(GOOD_BIDS, "--n-bootstrap", "1"),
             ("--n-bootstrap",), "support"),
    cli_case("cli audit", "--n-bootstrap -2", audit_file(GOOD_BIDS, "--n-bootstrap", "-2"),
             ("--n-bootstrap",), "negative"),
    cli_case("cli audit", "--n-bootstrap x", audit_file(GOOD_BIDS, "--n-bootstrap", "x"),
             ("--n-bootstrap",), "type"),
    cli_case("cli audit", "--n-bootstrap 10**9", audit_file(GOOD_BIDS, "--n-bootstrap",
                                                            str(10**9)), ("--n-bootstrap",),
             "huge"),
    cli_case("cli audit", "--n-auctions 0", audit_file(GOOD_BIDS, "--n-auctions", "0"),
             ("--n-auctions",), "zero"),
    cli_case("cli audit", "--n-auctions 10**12", audit_file(GOOD_BIDS, "--n-auctions",
                                                            str(10**12)), ("--n-auctions",),
             "huge"),
    cli_case("cli audit", "--categorical not among --covariates",
             audit_file(GOOD_BIDS, "--categorical", "year"), ("--categorical",), "mismatch"),
    cli_case("cli audit", "--covariates names no column",
             audit_file(GOOD_BIDS, "--covariates", "year"), ("--covariates",), "mismatch"),
    cli_case("cli audit", "--format tiff", audit_file(GOOD_BIDS, "--format", "tiff"),
             ("--format",), "support"),
    cli_case("cli audit", "--jobs 0", audit_file(GOOD_BIDS, "--jobs", "0"), ("--jobs", "-j"),
             "zero"),
    cli_case("cli audit", "--out is a file",
             _with_file(GOOD_BIDS, lambda path, tmp: ["audit", path, "--auction-id", "auction",
                                                      "--bid", "bid", "--out", path]),
             ("--out",)),
]
