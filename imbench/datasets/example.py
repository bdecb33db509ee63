"""Realistic example tables for ``imbench compare``: card transactions with a rare fraud label.

``python -m imbench.datasets.example transactions.csv`` writes 4,000 rows (about 1:38 fraud) with an
ID column, a date column, string categoricals, missing ages and a yes/no target.
``python -m imbench.datasets.example --rows 200000 big.csv`` writes the table of the size users have
(``make_large_table``: 30 columns, about 1:100, 4 categorical columns, 5 % missing in two columns), whose
signal is non-linear: a boosted model finds far more of it than a linear one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def make_transactions(n: int = 4000, seed: int = 0) -> pd.DataFrame:
    """Transactions whose fraud odds depend on amount, channel, age and country."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "customer_id": np.arange(100000, 100000 + n),
            "amount": rng.lognormal(3, 1, n).round(2),
            "age": rng.integers(18, 90, n).astype(float),
            "country": rng.choice(["DE", "FR", "UK", "US"], n),
            "channel": rng.choice(["web", "app", "store"], n),
            "signup": pd.date_range("2024-01-01", periods=n, freq="h").strftime("%Y-%m-%d %H:%M"),
        }
    )
    df.loc[rng.random(n) < 0.05, "age"] = np.nan
    logit = (
        -9
        + 1.5 * np.log(df["amount"])
        + 2.0 * (df["channel"] == "web")
        - 0.03 * df["age"].fillna(50)
        + 1.0 * (df["country"] == "US")
    )
    df["is_fraud"] = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "yes", "no")
    return df


LARGE_LEVELS = (4, 8, 20, 60)
"""Levels of the large table's four categorical columns (merchant type, region, device, merchant)."""


def make_large_table(n: int = 200_000, seed: int = 0) -> pd.DataFrame:
    """``n`` rows × 30 columns (26 numeric, 4 categorical), about 1 % positives, 5 % missing in two columns.

    The positive class depends on thresholds, an interaction, a bump and categorical effects, as fraud does,
    so a linear model misses most of it; six of the numeric columns are noise.
    """
    shape = np.random.default_rng([seed, 1])  # level shares and effects: the same table law at every n
    shares = [shape.dirichlet(np.ones(levels) * 2) for levels in LARGE_LEVELS]
    effects = [shape.normal(0, 1.0, levels) for levels in LARGE_LEVELS]
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 26))
    cols = {f"x{i}": X[:, i] for i in range(26)}
    cats = {f"c{j}": rng.choice(len(p), n, p=p) for j, p in enumerate(shares)}
    logit = (
        -9.3
        + 1.6 * (X[:, 0] > 1.0)
        + 1.2 * X[:, 1] * X[:, 2]
        + 1.5 * np.exp(-((X[:, 3] - 1.0) ** 2))
        + 0.8 * np.abs(X[:, 4])
        + 1.2 * ((X[:, 5] > 0.5) & (X[:, 6] < -0.5))
        + 0.5 * X[:, 7]
        - 0.7 * (X[:, 8] < -1.5)
        + 0.6 * np.sin(2 * X[:, 9])
        + 0.3 * X[:, 10:20].sum(axis=1) / np.sqrt(10)
        + sum(e[cats[f"c{j}"]] for j, e in enumerate(effects))
    )
    df = pd.DataFrame(cols)
    for j in range(4):
        df[f"c{j}"] = np.array([f"c{j}_{k}" for k in range(LARGE_LEVELS[j])], dtype=object)[cats[f"c{j}"]]
    for c in ("x0", "x7"):
        df.loc[rng.random(n) < 0.05, c] = np.nan
    df["label"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return df


def main(argv: list[str] | None = None) -> None:
    """Write an example CSV to the path given (default transactions.csv); ``--rows N`` writes the large table."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m imbench.datasets.example",
        description="Write an example imbalanced table as CSV: a 4,000-row fraud table (target is_fraud), or with "
        "--rows a large one (30 columns, 4 categorical, target label).",
    )
    parser.add_argument("path", nargs="?", help="the CSV to write (transactions.csv, or large.csv with --rows)")
    parser.add_argument("--rows", type=_whole_rows, help="write the large table with this many rows (>= 1000)")
    args = parser.parse_args(argv)
    rows = args.rows
    path = args.path or ("large.csv" if rows else "transactions.csv")
    if rows:
        df = make_large_table(rows)
        df.to_csv(path, index=False)
        print(f"wrote {path}: {len(df)} rows × 30 columns, label: {int(df['label'].sum())} positives")
        return
    df = make_transactions()
    df.to_csv(path, index=False)
    counts = df["is_fraud"].value_counts()
    print(f"wrote {path}: {len(df)} rows, is_fraud: {counts.get('no', 0)} no / {counts.get('yes', 0)} yes")


def _whole_rows(text: str) -> int:
    import argparse

    try:
        rows = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of rows, e.g. 200000") from None
    if rows < 1000:
        raise argparse.ArgumentTypeError("at least 1000 rows")
    return rows


if __name__ == "__main__":
    main()
