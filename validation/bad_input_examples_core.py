"""The examples of issue 15 in the core entry points, run before and after the fix.

Each example runs in a forked child (the harness of ``tests/bad_inputs``: clear / obscure /
silent / hang) with a time limit and an address-space limit of 4 GiB above the parent's (so a
runaway allocation fails in the child instead of loading the shared machine). Recorded: the
outcome, the message, the wall time and the child's CPU time.

    PYTHONPATH=/work/main/src python validation/bad_input_examples_core.py --label before
    PYTHONPATH=src            python validation/bad_input_examples_core.py --label after
    python validation/bad_input_examples_core.py --combine

The first two write ``validation/results/bad_inputs_core_examples_<label>.json``; ``--combine``
writes both side by side to ``validation/results/bad_inputs_core_examples.txt``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import signal
import sys
import time
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE.parent / "tests"))


def examples():
    import numpy as np
    from scipy import stats

    import privauction as pa
    from privauction.mechanisms import Mechanism, top_two

    spa = pa.mechanisms.SecondPrice()
    uniform = stats.uniform(0, 1)

    def outcomes():
        return pa.simulate(spa, uniform, 2, 20_000, rng=0)

    def shortened_namespace():
        out = outcomes()
        return SimpleNamespace(winner=out.winner, winner_value=out.winner_value,
                               second_value=out.second_value, price=out.price[:-1],
                               sold=out.sold, mechanism=out.mechanism, prior=out.prior,
                               n_bidders=out.n_bidders)

    def nan_written(method):
        def call():
            out = outcomes()
            out.price[5] = np.nan
            return pa.estimate_privacy_loss(out, method=method, rng=0)
        return call

    def plugin(label, transform):
        class Custom(Mechanism):
            def run(self, bids, rng):
                winner, _, second = top_two(bids, rng)
                return winner, transform(second)

        Custom.__name__ = Custom.__qualname__ = f"{label.title()}Prices"
        return lambda: pa.simulate(Custom(), uniform, 2, 1_000, rng=0)

    def rng_true():
        a = pa.simulate(spa, uniform, 2, 1_000, rng=True)
        b = pa.simulate(spa, uniform, 2, 1_000, rng=1)
        return f"same outcomes as rng=1: {bool(np.array_equal(a.price, b.price))}"

    return [
        ("simulate(n_auctions=10**30)", lambda: pa.simulate(spa, uniform, 2, 10**30, rng=0),
         ("n_auctions",)),
        ("simulate(n_bidders=10**6, n_auctions=1000)  (the issue's 7.45 GiB)",
         lambda: pa.simulate(spa, uniform, 10**6, 1000, rng=0), ("n_bidders", "n_auctions")),
        ("simulate(n_bidders=10**6, n_auctions=100_000)",
         lambda: pa.simulate(spa, uniform, 10**6, 100_000, rng=0), ("n_bidders", "n_auctions")),
        ("estimate_privacy_loss: price array shorter than winner array (an object with the "
         "arrays)", lambda: pa.estimate_privacy_loss(shortened_namespace(), rng=0),
         ("price", "outcomes")),
        ("estimate_privacy_loss: price array shorter (dataclasses.replace of an Outcomes)",
         lambda: pa.estimate_privacy_loss(
             dataclasses.replace(outcomes(), price=outcomes().price[:-1]), rng=0),
         ("price", "outcomes")),
        ("simulate(rng=True)", rng_true, ("rng",)),
        ("custom mechanism with string prices", plugin("string", lambda s: s.astype(str)),
         ("price",)),
        ("custom mechanism with complex prices", plugin("complex", lambda s: s + 0j),
         ("price",)),
        ("custom mechanism with boolean prices", plugin("boolean", lambda s: s > 0.5),
         ("price",)),
        ("estimate_privacy_loss(n_resamples=10**7)",
         lambda: pa.estimate_privacy_loss(outcomes(), n_resamples=10**7, rng=0),
         ("n_resamples",)),
        ("NaN written into Outcomes.price, estimate_privacy_loss(method='ksg')",
         nan_written("ksg"), ("price", "outcomes")),
        ("NaN written into Outcomes.price, estimate_privacy_loss() (method='mixed')",
         nan_written("mixed"), ("price", "outcomes")),
        ("simulate(SecondPrice, ...): the class instead of an instance",
         lambda: pa.simulate(pa.mechanisms.SecondPrice, uniform, 2, 100, rng=0),
         ("mechanism",)),
        ("Observer(SecondPrice, ...): the class instead of an instance",
         lambda: pa.Observer(pa.mechanisms.SecondPrice, uniform, 2), ("mechanism",)),
        ("simulate with prior uniform(nan, 1)",
         lambda: pa.simulate(spa, stats.uniform(np.nan, 1), 2, 100, rng=0), ("prior",)),
        ("priors.support(beta(nan, 2))", lambda: pa.priors.support(stats.beta(np.nan, 2)),
         ("prior",)),
        ("priors.hazard_rate(norm(0, nan), 0.5)",
         lambda: pa.priors.hazard_rate(stats.norm(0, np.nan), 0.5), ("prior",)),
        ("SecondPrice().privacy_loss(beta(nan, nan), 2)",
         lambda: spa.privacy_loss(stats.beta(np.nan, np.nan), 2), ("prior",)),
    ]


def _vm_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def run(case, timeout: float) -> dict:
    from bad_inputs._harness import _classify_in_child

    read_fd, write_fd = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        limit = _vm_bytes() + 4 * 2**30
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            outcome, detail = _classify_in_child(case)
        except BaseException as exc:  # noqa: BLE001
            outcome, detail = "obscure", f"harness: {type(exc).__name__}: {exc}"
        with os.fdopen(write_fd, "w") as pipe:
            json.dump({"outcome": outcome, "detail": detail[:600]}, pipe)
        os._exit(0)
    os.close(write_fd)
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.perf_counter() - start > timeout:
            os.kill(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            os.close(read_fd)
            return {"outcome": "hang", "detail": f"still running after {timeout:g} s (killed)",
                    "wall": timeout, "cpu": usage.ru_utime + usage.ru_stime}
        time.sleep(0.005)
    wall = time.perf_counter() - start
    with os.fdopen(read_fd) as pipe:
        text = pipe.read()
    report = json.loads(text) if text else {"outcome": "obscure",
                                            "detail": f"child died (status {status})"}
    return {**report, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime}


def measure(label: str, timeout: float) -> None:
    from bad_inputs import BadInput

    import privauction

    rows = []
    for name, call, names in examples():
        result = run(BadInput("example", name, call, names), timeout)
        rows.append({"example": name, **result})
        print(f"[{result['outcome']}] {name}: {result['detail'][:160]} "
              f"({result['wall']:.2f} s wall, {result['cpu']:.2f} s CPU)", flush=True)
    payload = {"label": label, "privauction": str(Path(privauction.__file__).parent),
               "load_average": os.getloadavg()[0], "timeout": timeout,
               "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "rows": rows}
    out = RESULTS / f"bad_inputs_core_examples_{label}.json"
    out.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"saved {out}")


def combine() -> None:
    runs = {label: json.loads((RESULTS / f"bad_inputs_core_examples_{label}.json").read_text())
            for label in ("before", "after")}
    lines = ["# Issue 15 examples in the core entry points, before (main) and after (in15a)",
             "# python validation/bad_input_examples_core.py --label before|after; --combine"]
    for label, data in runs.items():
        lines.append(f"# {label}: privauction from {data['privauction']}, {data['date']}, "
                     f"load average {data['load_average']:.2f}, timeout {data['timeout']:g} s, "
                     "4 GiB address-space cap per call")
    after = {row["example"]: row for row in runs["after"]["rows"]}
    for row in runs["before"]["rows"]:
        new = after.get(row["example"])
        lines += ["", f"* {row['example']}",
                  f"  before [{row['outcome']}] {row['wall']:.2f} s wall, {row['cpu']:.2f} s CPU:"
                  f" {row['detail'][:400]}"]
        if new is not None:
            lines.append(f"  after  [{new['outcome']}] {new['wall']:.3f} s wall, "
                         f"{new['cpu']:.3f} s CPU: {new['detail'][:400]}")
    text = "\n".join(lines) + "\n"
    (RESULTS / "bad_inputs_core_examples.txt").write_text(text)
    print(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", choices=("before", "after"))
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--combine", action="store_true")
    args = parser.parse_args(argv)
    if args.label:
        measure(args.label, args.timeout)
    if args.combine:
        combine()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
