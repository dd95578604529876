"""Compare two `privauction validate` result tables row by row (same seed, same sizes).

    privauction validate --quick --no-report --jobs 1 --out A    # on main
    privauction validate --quick --no-report --jobs 1 --out B    # on this branch
    python validation/compare_validate.py A/results.csv B/results.csv
"""

import sys

import pandas as pd


def main(path_a: str, path_b: str) -> str:
    a, b = pd.read_csv(path_a), pd.read_csv(path_b)
    keys = ["scenario", "claim", "case", "method"]
    m = a.merge(b, on=keys, suffixes=("_a", "_b"))
    lines = [f"rows: {len(a)} vs {len(b)}, matched {len(m)}",
             f"outcomes equal: {bool((m.outcome_a == m.outcome_b).all())}"]
    for col in ("analytical", "estimate", "ci_low", "ci_high"):
        d = (m[f"{col}_a"] - m[f"{col}_b"]).abs()
        lines.append(f"{col}: {int((d > 1e-12).sum())} rows differ by > 1e-12, max |diff| "
                     f"{d.max():.3g}")
        if (d > 1e-12).any():
            top = m.assign(diff=d).sort_values("diff", ascending=False).head(5)
            lines.append(top[["scenario", "case", "method", "diff"]].to_string(index=False))
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(sys.argv[1], sys.argv[2]))
